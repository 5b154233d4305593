"""Accessibility in a real browser (WCAG 2.2 AA, issue 8).

- axe-core (pinned in tests/browser/axe/package.json, loaded by these tests only: never served) on
  every page each demo role can reach, with the demo data: no serious or critical violation, and
  no violation at all of a WCAG-tagged rule; each page also reflows at 320 px wide (no
  horizontal scrolling of the page).
- The main flows by keyboard alone (find a practice, book a session, submit a draft), with focus
  and announcements checked after each htmx swap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tests.crawl import _normalize, _shape

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
ROLES = ("anonymous", "admin", "staff", "coordinator", "member", "partner")
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from the npm registry, installed from the lock file the first time (npm ci)."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                pytest.fail("npm is required in CI to install axe-core for the accessibility tests")
            pytest.skip("npm not found: axe-core cannot be installed")
        subprocess.run(
            [npm, "ci", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund", "--ignore-scripts"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def demo_accounts(app, db):
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()  # commits: the live server's threads see it
    emails = dict(
        zip(("admin", "staff", "coordinator", "member", "partner"), (a[0] for a in ACCOUNTS), strict=True)
    )
    return emails, DEMO_PASSWORD


RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, wcag: v.tags.some((t) => t.startsWith("wcag")),
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " +
      (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest("table"))
    .slice(0, 3)
    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
}"""


def audit_pages(
    page, base_url: str, start: str, per_shape: int = 1, limit: int = 120
) -> tuple[int, list[str]]:
    """Visit every page reachable from ``start`` (one per URL shape); returns (pages, problems)."""
    queue, seen, shapes, problems, visited = [start], set(), set(), [], 0
    while queue and visited < limit:
        url = queue.pop(0)
        shape = _shape(url)
        if url in seen or shape in shapes:
            continue
        seen.add(url)
        page.set_viewport_size(WIDE)
        try:
            response = page.goto(base_url + url)
        except PlaywrightError as exc:  # a file (calendar, PDF...) is downloaded, not shown
            if "Download is starting" in str(exc):
                continue
            raise
        if (
            response.status != 200
            or "text/html" not in response.headers.get("content-type", "")
            or response.request.redirected_from
        ):
            continue
        shapes.add(shape)
        visited += 1
        for v in page.evaluate(RUN_AXE, AXE_TAGS):
            if v["wcag"] or v["impact"] in ("serious", "critical"):
                problems.append(f"{url}: {v['id']} ({v['impact']}) {v['nodes']}")
        page.set_viewport_size(NARROW)
        wide = page.evaluate(OVERFLOW)
        if wide:
            problems.append(f"{url}: scrolls sideways at 320 px: {wide}")
        links = page.eval_on_selector_all(
            "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
        )
        queue += [t for t in map(_normalize, links) if t and t not in seen]
    return visited, problems


def test_every_page_of_every_role_passes_axe_and_reflows(browser, live_server, demo_accounts, axe_source):
    emails, password = demo_accounts
    report, counts = [], {}
    for role in ROLES:
        context = browser.new_context(locale="fr-CA", viewport=WIDE)
        context.set_default_timeout(15_000)
        context.add_init_script(script=axe_source)  # injected by the browser, not by the page (CSP intact)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        if role == "anonymous":
            start = "/connexion"
        else:
            browser_login(page, live_server, emails[role], password)
            start = "/"
        counts[role], problems = audit_pages(page, live_server, start)
        report += [f"[{role}] {p}" for p in problems] + [f"[{role}] JavaScript error: {e}" for e in errors]
        context.close()
    print("pages audited per role:", counts)
    assert counts["anonymous"] >= 2 and all(counts[r] >= 15 for r in ROLES if r != "anonymous"), counts
    assert not report, "\n".join(report)


# ---------------------------------------------------------------------------------------------
# Keyboard only: the main flows, with focus and announcements checked after each htmx swap.

FOCUSED = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const style = getComputedStyle(a), box = a.getBoundingClientRect();
  const label = a.labels && a.labels.length ? a.labels[0].innerText : "";
  return {
    tag: a.tagName.toLowerCase(), id: a.id, value: a.value || "",
    name: (a.getAttribute("aria-label") || label || a.innerText || "").trim(),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    inner: !a.matches(":focus"),  // a part of the browser's own control (a date picker's button)
    visible: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
    region: (a.closest("section[id], div[id]") || {}).id || "",
  };
}"""


def focused(page) -> dict:
    info = page.evaluate(FOCUSED)
    assert info is not None, "focus fell back to the top of the page (document.body)"
    return info


def focused_after_swap(page) -> dict:
    """Focus once the swap has settled: htmx moves it after the new content is in place, so the
    check waits for that moment (up to 5 s) instead of reading focus while the swap is under way."""
    try:
        page.wait_for_function(
            "document.activeElement && document.activeElement !== document.body", timeout=5_000
        )
    except Exception:  # the assertion below says what went wrong
        pass
    return focused(page)


def tab_to(page, name: str = "", *, id: str = "", limit: int = 80) -> dict:
    """Press Tab until the focused control is called ``name`` (or has this id); every stop in the
    way shows a focus ring and is on screen."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focused(page)
        assert (info["ring"] or info["inner"]) and info["visible"], f"no visible focus ring on {info}"
        if (id and info["id"] == id) or (name and info["name"].startswith(name)):
            return info
    raise AssertionError(f"{name or id!r} cannot be reached with Tab")


def announced(page, text: str) -> None:
    page.wait_for_function(
        "(text) => document.getElementById('announcer').textContent.includes(text)", arg=text
    )


def test_main_flows_by_keyboard_alone(
    page,
    live_server,
    make_user,
    make_practice,
    make_session,
    db,
):
    member = make_user("member")
    practice = make_practice(title="Interprétariat en visioconférence : un protocole commun")
    session = make_session(capacity=5)
    db.session.commit()
    browser_login(page, live_server, member.email, TEST_PASSWORD)

    # 1. Find a practice. The skip link comes first, then the quick exit.
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Aller au contenu" and focused(page)["visible"]
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "quick-exit"
    tab_to(page, "Bonnes pratiques")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/pratiques/")
    tab_to(page, id="q")
    # On a bad connection, a failed update says so (and is not silent)...
    page.route("**/pratiques/?q=*", lambda route: route.abort("internetdisconnected"))
    page.keyboard.type("visio")
    page.get_by_role("alert").filter(has_text="La mise à jour n’a pas pu se faire").wait_for()
    assert focused(page)["id"] == "q"
    page.unroute("**/pratiques/?q=*")
    page.keyboard.type("conference")  # without its accent: still found
    announced(page, "1 pratique")  # the new count, read by the polite live region
    assert focused(page)["id"] == "q"  # typing goes on where it was
    assert page.locator("#update-failed").count() == 0  # ...and the message goes once it works
    tab_to(page, practice.title)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/pratiques/{practice.id}")
    assert page.get_by_role("heading", level=1).inner_text() == practice.title

    # 2. Book a session: htmx swaps the booking box; focus lands on what it now says.
    page.clock.install()  # time runs as usual, and can be moved forward (the box polls)
    page.goto(f"{live_server}/formations/seances/{session.id}")
    tab_to(page, "M’inscrire")
    page.keyboard.press("Enter")
    page.get_by_text("Votre inscription est confirmée.").wait_for()
    after = focused_after_swap(page)
    assert after["region"] == "booking" and after["ring"], after
    assert page.url.endswith(f"/formations/seances/{session.id}")  # swapped in place
    tab_to(page, "Annuler mon inscription")  # the next controls follow, inside the box
    page.keyboard.press("Enter")
    # It asks first, in a dialog that takes focus on "Ne rien changer"; the action is just before.
    page.locator("dialog[open]").wait_for()
    assert focused(page)["name"] == "Ne rien changer"
    page.keyboard.press("Shift+Tab")
    assert focused(page)["name"] == "Annuler mon inscription"
    page.keyboard.press("Enter")
    page.get_by_text("Inscription annulée.").wait_for()
    assert focused_after_swap(page)["region"] == "booking"

    # The box refreshes itself every 30 s (seats left); the person can stop that (WCAG 2.2.2).
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if r.method == "GET" and "/seances/" in r.url else None)
    # Moves the page's clock past the 30 s poll and waits for the request (a loaded machine may
    # take a moment to send it; the clock is moved again if the timer had not been armed yet).
    for _ in range(4):
        page.clock.fast_forward(31_000)
        try:
            page.wait_for_event(
                "request", lambda r: r.method == "GET" and "/seances/" in r.url, timeout=4_000
            )
        except Exception:
            continue
        break
    assert polls, "the booking box did not refresh itself"
    page.wait_for_load_state("networkidle")
    page.keyboard.press("Shift+Tab")
    while not focused(page)["name"].startswith("Arrêter les mises à jour"):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert page.locator("button.pause").get_attribute("aria-pressed") == "true"
    polls.clear()
    page.clock.fast_forward(65_000)
    page.wait_for_timeout(1500)
    assert not polls, polls

    # The month calendar: focus stays on "next month", and the new month is read out.
    page.goto(f"{live_server}/formations/calendrier")
    tab_to(page, "Mois suivant")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*mois=\d{4}-\d{2}"))
    announced(page, "séance")
    assert focused(page)["name"].startswith("Mois suivant")

    # 3. Write and submit a draft: errors come first and lead to their field; nothing typed is lost.
    page.goto(f"{live_server}/plaidoyer/nouveau")
    tab_to(page, id="addressee")
    page.keyboard.type("Ministère de l’Habitation")
    tab_to(page, id="demands")
    page.keyboard.type("Financer une place par région")
    tab_to(page, id="body")
    page.keyboard.type("Les maisons de deuxième étape manquent de places.")
    tab_to(page, "Enregistrer")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The page comes back with its errors, and reading starts at their summary.
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    assert page.locator("#addressee").input_value() == "Ministère de l’Habitation"
    page.keyboard.press("Tab")
    assert focused(page)["name"].startswith("Titre")  # the summary's link to the field
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "title"
    page.keyboard.type("Des places de deuxième étape dans chaque région")
    tab_to(page, "Enregistrer")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/plaidoyer/\d+$"))
    tab_to(page, "Soumettre au réseau")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Soumis" in page.locator("main").inner_text()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Des places de deuxième étape dans chaque région"
    )
