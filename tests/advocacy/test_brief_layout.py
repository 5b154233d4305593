"""Documents that fit their readers (issue 17): the network's paper, a compact brief for a short
text (no contents under five headings, the signatories after the text, a cover only when asked),
file names cut between whole words; the administrator chooses the paper."""

from __future__ import annotations

import io

import pypdf
import pytest

from intranet import briefs, network
from intranet.advocacy import brief
from intranet.text import slugify
from tests.factories.advocacy import BODY

LETTER = (612, 792)  # points
A4 = (595, 842)
MANY_HEADINGS = BODY + "".join(f"\n## Partie {i}\n\nUn paragraphe de la partie {i}.\n" for i in range(3, 7))
SIGNATORIES = ["Accueil La Rencontre", "Centre Les Affluents"]


def _pages(data: bytes) -> tuple[list, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return list(reader.pages), " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _size(page) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def _render(app, position, *, cover: bool = False) -> bytes:
    with app.test_request_context():
        context = brief.brief_context(position, position.latest_version, SIGNATORIES, cover=cover)
        return brief.render_brief_pdf(context)


def test_the_paper_follows_the_country_unless_the_administrator_chose(app, db, monkeypatch):
    with app.test_request_context():
        assert network.paper_size() == network.LETTER  # a Québec network: its ministries' paper
        assert briefs.layout_for(0, 10).page_size == "letter"
        monkeypatch.setitem(app.config, "NETWORK_COUNTRY", "FR")
        assert network.paper_size() == network.A4 and briefs.layout_for(0, 10).page_size == "A4"
        monkeypatch.setitem(app.config, "NETWORK_COUNTRY", "CA")
        network.save_paper_size(None, network.A4)
        assert network.paper_size() == network.A4
        network.save_paper_size(None, "")
        assert network.paper_size() == network.LETTER
        with pytest.raises(ValueError):
            network.save_paper_size(None, "legal")


def test_a_short_text_gets_a_compact_brief_on_one_letter_page(app, db, make_position):
    position = make_position(status="submitted")  # two headings, a few lines
    pages, text = _pages(_render(app, position))
    assert len(pages) == 1, text
    assert _size(pages[0]) == LETTER
    assert position.title in text and "Financer une place par région" in text
    assert "Table des matières" not in text  # fewer than five headings
    for name in SIGNATORIES:
        assert name in text  # right after the text, on the same page
    assert text.index("Un financement stable") < text.index("Accueil La Rencontre")


def test_the_administrator_s_a4_and_an_asked_cover(app, db, make_position):
    network.save_paper_size(None, network.A4)
    position = make_position(status="submitted")
    pages, text = _pages(_render(app, position, cover=True))
    assert all(_size(page) == A4 for page in pages)
    assert len(pages) == 2  # the cover asked for, then the compact text
    assert "Table des matières" not in text


def test_a_text_with_five_headings_gets_its_contents_and_signatories_page(app, db, make_position):
    position = make_position(status="submitted", body=MANY_HEADINGS)
    pages, text = _pages(_render(app, position))
    assert "Table des matières" in text and "Partie 6" in text
    assert len(pages) >= 3  # contents, text, signatories on a page of their own
    last = " ".join(pages[-1].extract_text().split())
    assert "Accueil La Rencontre" in last and "Partie 6" not in last


def test_file_names_are_cut_between_whole_words():
    title = "Protocole de référence entre les organismes ponts et les maisons d’hébergement de deuxième étape"
    name = briefs.download_name(title, "v1")
    stem = name.removesuffix("-v1.pdf")
    assert name.endswith("-v1.pdf") and "--" not in name and len(stem) <= 60
    whole = slugify(title).split("-")
    assert whole[: len(stem.split("-"))] == stem.split("-")  # only whole words, in order
    assert stem.split("-")[-1] not in ("de", "les", "entre", "et")  # never left hanging
    assert briefs.download_name("Entre les", "v2") == "entre-v2.pdf"
    assert briefs.download_name("", "v3", default="dossier") == "dossier-v3.pdf"
    assert briefs.download_name("« ? »", "v1", default="protocole") == "protocole-v1.pdf"


def test_the_administrator_chooses_the_paper(app, db, login_as):
    client, _admin = login_as("admin")
    page = client.get("/gestion/reseau")
    assert page.status_code == 200 and "Lettre US" in page.get_data(as_text=True)
    response = client.post("/gestion/reseau", data={"paper_size": "a4"})
    assert response.status_code == 303
    assert network.chosen_paper_size() == network.A4
    assert client.post("/gestion/reseau", data={"paper_size": "legal"}).status_code == 422
    staff, _ = login_as("staff")
    assert staff.get("/gestion/reseau").status_code in (403, 404)
