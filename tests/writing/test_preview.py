"""The Markdown editor: a preview without script (the form shown again, nothing saved), the live
preview fragment, and the formatting help in both languages."""

from __future__ import annotations

import gzip
import re

import sqlalchemy as sa

from intranet.practices.models import Practice
from tests.factories.practices import form_data

FRAGMENT_BUDGET = 4 * 1024


def _region(page: str, field: str = "body") -> str:
    """The preview region of a field, as the page holds it."""
    match = re.search(
        rf'<div class="md-preview" id="{field}-apercu"[^>]*>(.*?)</div>\s*</div>\s*</div>', page, re.S
    )
    assert match, page[:3000]
    return match.group(1)


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Practice.id)))


def test_preview_without_script_shows_the_text_formatted_keeps_everything_and_saves_nothing(login_as, db):
    client, _ = login_as("member")
    before = _count(db)
    page = client.get("/pratiques/nouvelle").get_data(as_text=True)
    assert re.search(r'<div class="md-preview" id="body-apercu"></div>', page)  # empty until asked
    data = form_data(
        title="Accueil des enfants <en soirée>",
        body=(
            "## Le coin jeux\n\nUn **coin calme** et une <script>alert(1)</script> trousse.\n\n"
            "- un livre\n- un dessin"
        ),
        _preview="body",
    )
    response = client.post("/pratiques/nouvelle", data=data)
    assert response.status_code == 200  # what was asked for, not an error
    page = response.get_data(as_text=True)
    region = _region(page)
    assert "<h2>Le coin jeux</h2>" in region and "<strong>coin calme</strong>" in region
    assert "<li>un livre</li>" in region
    assert "<script" not in region and "&lt;script&gt;alert(1)&lt;/script&gt;" in region
    # Everything typed is still in the form, and no error is shown.
    assert 'value="Accueil des enfants &lt;en soirée&gt;"' in page
    assert "## Le coin jeux\n\nUn **coin calme**" in page
    assert "error-summary" not in page and 'class="error"' not in page
    assert _count(db) == before


def test_preview_shows_what_the_guard_would_ask_about(login_as, db):
    client, _ = login_as("member")
    data = form_data(body="Appelez-la au 514 555-0199 pour la suite.", _preview="body")
    page = client.post("/pratiques/nouvelle", data=data).get_data(as_text=True)
    region = _region(page)
    assert "À vérifier avant de publier" in region
    assert "<mark>514 555-0199</mark>" in region
    # Publishing still asks for the confirmation: the preview confirmed nothing.
    data.pop("_preview")
    response = client.post("/pratiques/nouvelle", data=data)
    assert response.status_code == 422


def test_a_form_shown_again_on_a_fragment_page_answers_its_preview_too(app, db, login_as, make_practice):
    """The practice's comment form posts to its own route; with htmx it answers the comments fragment."""
    client, author = login_as("member")
    practice = make_practice(author)
    page = client.post(
        f"/pratiques/{practice.id}/commentaires",
        data={"body": "Merci, *très* utile.", "_preview": "body"},
        headers={"HX-Request": "true"},
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<html" not in text
    assert "<em>très</em>" in _region(text)
    from intranet.practices.models import PracticeComment

    count = sa.select(sa.func.count(PracticeComment.id)).where(PracticeComment.practice_id == practice.id)
    assert db.session.scalar(count) == 0


def test_advocacy_fields_preview_as_their_page_renders_them(login_as):
    """A position's page starts its headings at h3: the preview uses the same renderer."""
    client, _ = login_as("coordinator")
    data = {
        "kind": "brief",
        "language": "fr",
        "title": "Un mémoire",
        "summary": "",
        "body": "## Contexte\n\nDu texte.",
        "demands": "",
        "_preview": "body",
    }
    response = client.post("/plaidoyer/nouveau", data=data)
    assert response.status_code == 200
    region = _region(response.get_data(as_text=True))
    assert "<h3>Contexte</h3>" in region and "<h2>" not in region


def test_the_live_preview_fragment(login_as):
    client, _ = login_as("member")
    response = client.post(
        "/apercu",
        data={
            "_preview": "body",
            "_render": "markdown",
            "body": "Un [lien](javascript:alert(1)) et **gras** <b>x</b>",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Aperçu" in html
    assert "<strong>gras</strong>" in html
    assert 'href="javascript' not in html and "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    # Another renderer by name; an unknown name gets the plain one.
    advocacy = client.post("/apercu", data={"_preview": "t", "_render": "advocacy_markdown", "t": "# Titre"})
    assert "<h3>Titre</h3>" in advocacy.get_data(as_text=True)
    unknown = client.post("/apercu", data={"_preview": "t", "_render": "../../etc", "t": "# Titre"})
    assert "<h1>Titre</h1>" in unknown.get_data(as_text=True)
    # Nothing to show, and a field name that is the parameter itself.
    empty = client.post("/apercu", data={"_preview": "_preview"}).get_data(as_text=True)
    assert "Rien à afficher" in empty


def test_the_live_preview_stays_within_the_fragment_budget(login_as):
    client, _ = login_as("member")
    words = ["sécurité", "plan", "audience", "interprète", "région", "hébergement", "accueil", "suivi"]
    paragraphs = [
        f"**Étape {n}** : "
        + " ".join(f"{words[(n * 7 + i * 3) % len(words)]}{n * 31 + i}" for i in range(60))
        for n in range(60)
    ]
    text = "\n\n".join(paragraphs)
    assert len(text) > 20_000
    response = client.post("/apercu", data={"_preview": "body", "body": text}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert len(gzip.compress(response.get_data(), compresslevel=6)) <= FRAGMENT_BUDGET
    assert "le début du texte" in html and "<strong>Étape 0</strong>" in html
    assert "Étape 59" not in html


def test_the_live_preview_is_for_signed_in_people(client):
    response = client.post("/apercu", data={"_preview": "body", "body": "x"})
    assert response.status_code in (302, 303, 401)
    assert "<p>x</p>" not in response.get_data(as_text=True)


def test_the_formatting_help_is_there_in_both_languages(app, login_as):
    client, _ = login_as("member")
    page = client.get("/pratiques/nouvelle").get_data(as_text=True)
    help_fr = re.search(r'<details class="md-help">.*?</details>', page, re.S).group(0)
    for words in (
        "Mise en forme",
        "<code>**gras**</code>",
        "<code>*italique*</code>",
        "<code>- élément</code>",
        "<code>1. élément</code>",
        "(https://…)</code>",
        "<code>## Titre</code>",
        "<code>&gt; citation</code>",
    ):
        assert words in help_fr, words
    assert 'name="_preview" value="body"' in page and "Prévisualiser" in page

    english, _ = login_as("member", locale="en")
    page = english.get("/pratiques/nouvelle").get_data(as_text=True)
    help_en = re.search(r'<details class="md-help">.*?</details>', page, re.S).group(0)
    for words in (
        "Formatting",
        "<code>**bold**</code>",
        "<code>*italic*</code>",
        "<code>- item</code>",
        "a numbered list",
        "<code>[link text]",
        "<code>## Title</code>",
        "<code>&gt; quotation</code>",
    ):
        assert words in help_en, words
    assert ">Preview</button>" in page
