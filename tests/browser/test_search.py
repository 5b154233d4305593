"""The header's search in a real browser, with and without JavaScript: Enter in the header's field
opens the results with the matched words marked, on a phone as on a desktop; the practices' live
search (htmx) marks them too."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


@pytest.mark.parametrize("javascript", [False, True])
def test_search_from_the_header_marks_what_matched(browser, live_server, make_user, db, javascript):
    reader = make_user("member")

    def make_practice(author, title, summary="Un résumé."):
        from intranet.practices import services

        data = services.PracticeData(title=title, summary=summary, body="", audience="",
                                     region_id=None, theme_ids=[], approaches=[], sectors=[],
                                     visibility="network")  # fmt: skip
        return services.create_practice(author, data, publish=True)

    make_practice(
        reader, title="Hébergement sécuritaire en région", summary="Un hébergement pensé avec les femmes."
    )
    make_practice(reader, title='<img src=x onerror="document.title=1"> Hébergement')
    db.session.commit()
    context = browser.new_context(locale="fr-CA", java_script_enabled=javascript)
    page = context.new_page()
    try:
        browser_login(page, live_server, reader.email, TEST_PASSWORD)
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(f"{live_server}/")
            field = page.get_by_role("searchbox", name="Recherche dans tout l’intranet")
            field.fill("HEBERGEMENT")
            field.press("Enter")
            page.wait_for_url(re.compile(r"/recherche/\?q=HEBERGEMENT"))
            marks = page.locator(".se-item mark").all_inner_texts()
            assert "Hébergement" in marks and "hébergement" in marks, marks
            assert page.locator(".se-item img").count() == 0  # markup in a title stays text
            assert page.title() != "1"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        if javascript:
            page.goto(f"{live_server}/pratiques/")
            page.get_by_label("Rechercher", exact=True).press_sequentially("securitaire", delay=40)
            page.wait_for_url(re.compile(r"q=securitaire"))
            page.locator(".pr-card mark").first.wait_for()
            assert page.locator(".pr-card h2 mark").all_inner_texts() == ["sécuritaire"]
    finally:
        context.close()
