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
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import browser_login
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
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.failureSummary || "").split("\\n").slice(1, 2).join("")),
  }));
}"""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  return [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1 && !e.closest("table"))
    .slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""));
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
        check = page.request.get(base_url + url, max_redirects=0)
        if check.status != 200 or "text/html" not in check.headers.get("content-type", ""):
            continue
        shapes.add(shape)
        visited += 1
        page.set_viewport_size(WIDE)
        page.goto(base_url + url)
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
