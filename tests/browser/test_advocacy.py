"""A member submits a text, the network staff review and approve it, and the PDF brief comes from a
real worker."""

from __future__ import annotations

import io
import re

import pypdf

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD


def test_submit_review_approve_then_download_the_brief(
    page,
    live_server,
    worker_process,
    make_org,
    make_user,
    make_position,
    db,
):
    author = make_user("member", org=make_org(name="Maison L’Aube"))
    staff = make_user("staff")
    position = make_position(author, title="Des places de deuxième étape en Gaspésie")
    db.session.commit()
    url = f"{live_server}/plaidoyer/{position.id}"

    browser_login(page, live_server, author.email, TEST_PASSWORD)
    page.goto(url)
    page.get_by_role("button", name="Soumettre au réseau").click()
    page.wait_for_url(url)
    assert "Soumis" in page.locator(".adv-meta").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()

    browser_login(page, live_server, staff.email, TEST_PASSWORD)
    page.goto(url)
    page.get_by_label("Note (facultative)").fill("Je m’en occupe.")
    page.get_by_role("button", name="Commencer la révision").click()
    page.wait_for_url(url)
    page.get_by_role("button", name="Approuver").click()
    page.wait_for_url(url)
    assert "Approuvé" in page.locator(".adv-meta").inner_text()

    # htmx swaps the brief section in place; the link appears once the worker is done.
    page.get_by_role("button", name=re.compile("Préparer le dossier PDF")).click()
    link = page.locator("#dossier").get_by_role("link", name=re.compile("Télécharger"))
    link.wait_for(timeout=30_000)
    assert page.url == url  # no navigation: the section was replaced
    with page.expect_download() as download:
        link.click()
    data = open(download.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Des places de deuxième étape en Gaspésie" in " ".join(text.split())
    assert "Maison L’Aube" in text
