"""In a real browser: the CSP blocks an injected inline script, and every page works under it
(two-factor sign-in included)."""

from __future__ import annotations

from tests.browser.conftest import browser_login
from tests.crawl import crawl

COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.violatedDirective));
"""


def test_the_csp_blocks_injected_script_and_every_page_works_under_it(app, page, live_server, db):
    from intranet.demo import DEMO_PASSWORD, load_demo
    from tests.conftest import sign_in

    load_demo()  # commits: the live server sees it
    email = "equipe@demo.passerelle.example"
    page.context.add_init_script(COLLECT_VIOLATIONS)
    browser_login(page, live_server, email, DEMO_PASSWORD)  # password, then the second factor

    # An inline script slipped into the page does not run, and the browser reports the refusal.
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__pwned = true"; document.body.appendChild(s); }"""
    )
    page.wait_for_function("window.__violations.length > 0")
    assert page.evaluate("window.__pwned") is None
    assert "script-src" in page.evaluate("window.__violations")[0]

    # Every page the team reaches (found by a crawl through the test client) loads without a single
    # violation, with htmx loaded (no script was refused).
    client = app.test_client()
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 303
    urls = [
        p.url
        for p in crawl(client, limit=60, per_shape=1)
        if p.status == 200 and not p.fragment and "text/html" in p.content_type
    ]
    assert len(urls) > 10
    for url in urls:
        page.goto(f"{live_server}{url}")
        assert page.evaluate("window.__violations") == [], url
        assert page.evaluate("typeof window.htmx") == "object", url
