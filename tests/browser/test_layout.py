"""Every page at every width (issue 17) and a header whose quick exit covers nothing (issue 14, item 5).

Each demo role signs in once in its own browser context; the pages it can reach are found by the
crawl of ``tests/crawl.py`` (the same walk as the byte budgets), fetched through that context, and
each page is loaded once then measured at 360, 768 and 1280 px: no horizontal scrolling, and no two
interactive elements drawn over each other. ``PASSERELLE_SCREENSHOTS=<dir>`` also saves a PNG of
each page at each width (to look at the design as a user would).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.browser.conftest import browser_login
from tests.crawl import crawl

WIDTHS = (360, 768, 1280)
HEADER_WIDTHS = (320, 768, 1024, 1280, 1920)
DEMO_ROLES = ("admin", "staff", "coordinator", "member", "partner")

# Boxes of the visible interactive elements, one per line box (a link that wraps is two boxes), and
# the pairs that overlap by more than a hair. An element inside another (a link in a button) or a
# label's own control does not count.
MEASURE = """
(scope) => {
  const root = scope ? document.querySelector(scope) : document;
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const items = [];
  for (const el of root.querySelectorAll(selector)) {
    // What a closed <details> holds is laid out but not drawn (content-visibility): not seen.
    if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) continue;
    if (el.closest('.visually-hidden')) continue;
    const rects = [...el.getClientRects()].filter(r => r.width > 2 && r.height > 2);
    if (!rects.length) continue;
    items.push({el, rects});
  }
  const name = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim();
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + text.slice(0, 40) + '"';
  };
  const overlaps = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      hit: for (const r of a.rects) for (const s of b.rects) {
        const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
        const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
        if (w > 1 && h > 1) { overlaps.push(name(a.el) + ' / ' + name(b.el)); break hit; }
      }
    }
  }
  const outside = scope ? items.filter(({rects}) => rects.some(r => r.left < 0 || r.right > innerWidth + 1))
                                .map(({el}) => name(el)) : [];
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width: innerWidth,
    overlaps,
    outside,
  };
}
"""


class _ContextClient:
    """What ``tests.crawl.crawl`` needs of a client, served by a browser context's own cookies."""

    def __init__(self, context, base_url: str) -> None:
        self.request = context.request
        self.base_url = base_url

    def get(self, url: str, headers: dict | None = None):
        response = self.request.get(self.base_url + url, headers=headers or {}, max_redirects=0)
        return _Response(response.status, dict(response.headers), response.body())


class _Response:
    """What the crawl reads of a response (the body arrives decoded: no Content-Encoding)."""

    def __init__(self, status: int, headers: dict, body: bytes) -> None:
        self.status_code = status
        self.status = str(status)
        self.headers = {k: v for k, v in headers.items() if k.lower() != "content-encoding"}
        self.content_type = headers.get("content-type", "")
        self._body = body

    def get_data(self, as_text: bool = False):
        return self._body.decode("utf-8", "replace") if as_text else self._body


def _screenshot_folder() -> Path | None:
    folder = os.environ.get("PASSERELLE_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _new_context(browser):
    context = browser.new_context(locale="fr-CA", viewport={"width": WIDTHS[-1], "height": 900})
    context.set_default_timeout(20_000)
    return context


@pytest.fixture
def demo_accounts(app, db):
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    db.session.commit()
    return dict(zip(DEMO_ROLES, (a[0] for a in ACCOUNTS), strict=True)), DEMO_PASSWORD


def test_every_page_of_every_role_fits_every_width(browser, live_server, demo_accounts):
    emails, password = demo_accounts
    shots = _screenshot_folder()
    problems: list[str] = []
    measured = 0
    for role in DEMO_ROLES:
        context = _new_context(browser)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            browser_login(page, live_server, emails[role], password)
            pages = crawl(_ContextClient(context, live_server), per_shape=1)
            urls = [
                p.url for p in pages if p.status == 200 and "text/html" in p.content_type and not p.fragment
            ]
            assert len(urls) >= 5, (role, [(p.url, p.status) for p in pages])
            for url in urls:
                page.set_viewport_size({"width": WIDTHS[-1], "height": 900})
                page.goto(live_server + url, wait_until="load")
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    result = page.evaluate(MEASURE, None)
                    measured += 1
                    if result["scrollWidth"] > result["width"] + 1:
                        problems.append(f"{role} {width}px {url}: {result['scrollWidth']} px wide")
                    for pair in result["overlaps"]:
                        problems.append(f"{role} {width}px {url}: overlap {pair}")
                    if shots is not None:
                        name = re.sub(r"[^\w-]+", "_", url.strip("/")) or "home"
                        page.screenshot(path=str(shots / f"{role}-{name}-{width}.png"), full_page=True)
            assert not errors, (role, errors)
        finally:
            context.close()
    assert measured >= len(DEMO_ROLES) * 5 * len(WIDTHS)
    assert not problems, f"{len(problems)} layout problems:\n" + "\n".join(problems)


def test_the_header_controls_never_overlap_at_any_width(browser, live_server, make_user, db):
    admin = make_user("admin")  # the longest menu
    db.session.commit()
    from tests.conftest import TEST_PASSWORD

    context = _new_context(browser)
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(f"{live_server}/connexion")  # signed out: the language button beside the exit
        for width in HEADER_WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            problems += _header_problems(page, width, "connexion")
        browser_login(page, live_server, admin.email, TEST_PASSWORD)
        for path in ("/", "/compte"):
            page.goto(live_server + path)
            for width in HEADER_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                problems += _header_problems(page, width, path)
        # The phone menu opened: its panel lies over the page, its entries over nothing else.
        page.set_viewport_size({"width": 360, "height": 800})
        page.locator("details.menu summary").click()
        result = page.evaluate(MEASURE, "header")
        problems += [f"360px menu open: overlap {pair}" for pair in result["overlaps"]]
        # The header of a phone takes at most 120 px of its screen.
        page.locator("details.menu summary").click()
        height = page.evaluate("document.querySelector('body > header').getBoundingClientRect().bottom")
        assert height <= 120, height
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def _header_problems(page, width: int, where: str) -> list[str]:
    shots = _screenshot_folder()
    if shots is not None:
        name = where.strip("/").replace("/", "_") or "home"
        page.screenshot(
            path=str(shots / f"header-{name}-{width}.png"),
            clip={"x": 0, "y": 0, "width": width, "height": 240},
        )
    result = page.evaluate(MEASURE, "body > header")
    # The quick exit comes before the header in the page (second in tab order): measure it with it.
    both = page.evaluate(
        """() => {
          const exit = document.getElementById('quick-exit').getBoundingClientRect();
          const hits = [];
          for (const el of document.querySelectorAll('body > header :is(a[href], button, summary)')) {
            for (const r of el.getClientRects()) {
              if (r.width < 2) continue;
              const w = Math.min(r.right, exit.right) - Math.max(r.left, exit.left);
              const h = Math.min(r.bottom, exit.bottom) - Math.max(r.top, exit.top);
              if (w > 0 && h > 0) hits.push(el.innerText.trim());
            }
          }
          return {hits, visible: exit.width > 0 && exit.right <= innerWidth && exit.left >= 0};
        }"""
    )
    problems = [f"{where} {width}px: overlap {pair}" for pair in result["overlaps"]]
    problems += [f"{where} {width}px: outside the screen {name}" for name in result["outside"]]
    problems += [f"{where} {width}px: the quick exit covers {name!r}" for name in both["hits"]]
    if not both["visible"]:
        problems.append(f"{where} {width}px: the quick exit is not on the screen")
    return problems
