"""Writing in Markdown in a real browser: the preview beside the editor, live with JavaScript, and
from the "Prévisualiser" button without it; the formatting help; nothing saved by a preview."""

from __future__ import annotations

import os
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD

SHOTS = os.environ.get("PASSERELLE_SCREENSHOTS")


def _practices(db) -> int:
    from intranet.practices.models import Practice

    db.session.commit()  # end the test's read transaction: see what the server committed
    return db.session.scalar(sa.select(sa.func.count(Practice.id)))


def test_the_preview_follows_the_typing_with_javascript(page, live_server, make_user, db):
    author = make_user("member")
    db.session.commit()
    before = _practices(db)
    browser_login(page, live_server, author.email, TEST_PASSWORD)
    page.goto(f"{live_server}/pratiques/nouvelle")
    region = page.locator("#body-apercu")
    assert region.is_hidden()  # nothing to show yet: no empty box beside the editor
    page.get_by_label("Titre").fill("Un coin calme")
    page.get_by_label("Description").press_sequentially(
        "## Le coin\n\nUn **coin calme** et\n\n- un livre", delay=15
    )
    region.locator("h2").wait_for()
    assert region.locator("h2").inner_text() == "Le coin"
    region.locator("li").wait_for()
    assert region.locator("strong").inner_text() == "coin calme"
    assert region.locator("li").inner_text() == "un livre"
    # Beside the editor on a wide screen.
    editor, preview = page.get_by_label("Description").bounding_box(), region.bounding_box()
    assert preview["x"] > editor["x"] + editor["width"] - 1
    # The guard's findings come with it.
    page.get_by_label("Description").press_sequentially("\n\nAppelez le 514 555-0199.", delay=10)
    region.locator("mark").wait_for()
    assert region.locator("mark").inner_text() == "514 555-0199"
    # The help opens beside it.
    page.get_by_text("Mise en forme").first.click()
    expect(page.locator(".md-help code").first).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/writing-live-1024.png", full_page=True)
    assert page.url.endswith("/pratiques/nouvelle")
    assert _practices(db) == before

    # The button works with JavaScript too: the whole text, the form kept as typed.
    page.get_by_role("button", name="Prévisualiser").click()
    page.wait_for_load_state()
    region.locator("mark").wait_for()
    assert page.get_by_label("Titre").input_value() == "Un coin calme"
    assert "Un **coin calme** et" in page.get_by_label("Description").input_value()
    assert _practices(db) == before


def test_the_preview_button_without_javascript(browser, live_server, make_user, db):
    author = make_user("member")
    db.session.commit()
    before = _practices(db)
    context = browser.new_context(
        locale="fr-CA", java_script_enabled=False, viewport={"width": 360, "height": 780}
    )
    page = context.new_page()
    browser_login(page, live_server, author.email, TEST_PASSWORD)
    page.goto(f"{live_server}/pratiques/nouvelle")
    page.get_by_label("Titre").fill("Un coin calme")
    page.get_by_label("Résumé").fill("Un espace pour les enfants.")
    page.get_by_label("Description").fill("## Le coin\n\nUn **coin calme**, <b>rien d’autre</b>.")
    page.get_by_role("button", name="Prévisualiser").click()
    page.wait_for_load_state()
    region = page.locator("#body-apercu")
    assert region.locator("h2").inner_text() == "Le coin"
    assert page.evaluate("document.activeElement.id") == "body-apercu"  # the page opens on it
    assert region.locator("strong").inner_text() == "coin calme"
    assert region.locator("b").count() == 0 and "<b>rien d’autre</b>" in region.inner_text()
    # Everything typed is kept; nothing is saved; the page fits a phone.
    assert page.get_by_label("Titre").input_value() == "Un coin calme"
    assert page.get_by_label("Résumé").input_value() == "Un espace pour les enfants."
    assert page.get_by_label("Description").input_value().startswith("## Le coin")
    assert _practices(db) == before
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/writing-nojs-360.png", full_page=True)
    # Then publishing works from the same page.
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_url(re.compile(r"/pratiques/\d+$"))
    assert _practices(db) == before + 1
    context.close()
