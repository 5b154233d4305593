"""PDF briefs: rendered by a worker, cached per version, confined, retried after a failure."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa

from intranet import briefs
from intranet.advocacy import brief, services
from intranet.advocacy.views import today
from intranet.pdf import PDFRenderError
from intranet.tasks.models import TaskRecord, TaskStatus
from tests.factories.advocacy import BODY

DEMANDS = ("Financer une place par région", "Indexer le financement chaque année")
# Five headings or more: the brief gets its table of contents.
LONG_BODY = BODY + "".join(f"\n## Partie {i}\n\nUn paragraphe de la partie {i}.\n" for i in range(3, 7))


def _pdf_text(data: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def cosigned(db, make_org, make_user, make_position):
    staff = make_user("staff")
    position = make_position(
        make_user("member", org=make_org(name="Maison Le Rivage")),
        status="approved",
        staff=staff,
        demands=DEMANDS,
        body=LONG_BODY,
    )
    services.open_cosigning(staff, position, today() + timedelta(days=10), today())
    for name in ("Accueil La Rencontre", "Centre Les Affluents"):
        services.sign(make_user("coordinator", org=make_org(name=name)), position, today())
    db.session.commit()
    return position, staff


def test_the_brief_is_rendered_by_a_worker_and_holds_title_demands_and_signatories(
    app, db, cosigned, login_as, run_jobs
):
    position, _staff = cosigned
    client, _ = login_as("member", org=position.organization)
    response = client.post(
        f"/plaidoyer/{position.id}/dossier", data={"cover": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and 'hx-trigger="load delay' in fragment
    # The web process never renders: the task waits for a worker.
    task = services.current_brief(position)
    assert task.status == TaskStatus.QUEUED and task.queue == "pdf"

    assert run_jobs() >= 1
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE, task.error
    page = client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    assert f"/taches/{task.public_id}/fichier" in page
    download = client.get(f"/taches/{task.public_id}/fichier")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    reader, text = _pdf_text(download.get_data())
    flat = _flat(text)
    assert len(reader.pages) >= 4  # cover (asked), contents (enough headings), body, signatories
    assert position.title in flat
    for demand in DEMANDS:
        assert demand in flat
    for name in ("Maison Le Rivage", "Accueil La Rencontre", "Centre Les Affluents"):
        assert name in flat
    assert "Table des matières" in flat and "Revendications" in flat and "Réseau Passerelle" in flat
    assert "Compilation des demandes refusées, 2025." in flat  # the footnote
    assert f"1 / {len(reader.pages)}" not in flat  # no number on the cover...
    assert f"2 / {len(reader.pages)}" in flat  # ...then running page numbers
    assert reader.metadata.title == position.title
    assert "Document de travail, version 1" in flat  # approved, not yet published


def test_an_english_text_gets_an_english_brief(app, db, make_user, make_position, run_jobs):
    author = make_user("member")
    position = make_position(
        author,
        status="submitted",
        title="Second-stage housing in every region",
        language="en",
        body="## Context\n\nDemand exceeds supply: more places are needed!",
        demands=("Fund one unit per bed",),
    )
    task = services.request_brief(author, position)
    db.session.commit()
    run_jobs()
    db.session.refresh(task)
    data = (Path(app.instance_path) / task.result_path).read_bytes()
    flat = _flat(_pdf_text(data)[1])
    assert "Demands" in flat and "Led by" in flat
    assert "Contents" not in flat and "Table des matières" not in flat  # one heading: no contents
    assert "supply: more" in flat  # no French spacing in English
    assert "Working document, version 1" in flat


def test_a_brief_is_cached_per_version(app, db, make_user, make_position, run_jobs):
    from rq import Queue

    from intranet.queue import get_redis

    author = make_user("member")
    staff = make_user("staff")
    position = make_position(author, status="in_review", staff=staff)
    first = services.request_brief(author, position)
    db.session.commit()
    again = services.request_brief(make_user("member", org=author.organization), position)
    db.session.commit()
    assert again.id == first.id
    assert Queue("pdf", connection=get_redis(app)).count == 1
    run_jobs()
    db.session.refresh(first)
    path = first.result_path
    # Asking again for the unchanged version: the same file, at once, with nothing enqueued.
    assert services.request_brief(author, position).id == first.id
    db.session.commit()
    assert Queue("pdf", connection=get_redis(app)).count == 0

    # A new version gets a new file.
    services.transition(staff, position, "request_changes", "Un détail.")
    services.transition(author, position, "resubmit")
    second = services.request_brief(author, position)
    db.session.commit()
    assert second.id != first.id and second.args == [position.id, 2]
    run_jobs()
    db.session.refresh(second)
    assert second.status == TaskStatus.DONE and second.result_path != path
    assert (Path(app.instance_path) / path).is_file()


def test_a_new_signatory_makes_a_new_brief(app, db, cosigned, make_org, make_user):
    position, _staff = cosigned
    first = services.request_brief(position.author, position)
    db.session.commit()
    services.sign(make_user("coordinator", org=make_org(name="Table Les Trois Rivières")), position, today())
    db.session.commit()
    assert services.request_brief(position.author, position).id != first.id


def test_a_failed_render_shows_its_error_to_staff_and_can_be_retried(
    app, db, make_user, make_position, login_as, run_jobs, monkeypatch
):
    author = make_user("member")
    position = make_position(author, status="submitted")
    db.session.commit()
    client, _ = login_as(user=author)
    client.post(f"/plaidoyer/{position.id}/dossier")

    def broken(html, **kwargs):
        raise PDFRenderError("time limit of 120 s reached while rendering the PDF")

    monkeypatch.setattr(briefs, "render_pdf", broken)
    run_jobs()
    task = services.current_brief(position)
    assert task.status == TaskStatus.FAILED and "time limit" in task.error
    page = client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)
    assert "La préparation a échoué." in page and "time limit" not in page and "Réessayer" in page
    staff_client, _ = login_as("staff")
    assert "time limit" in staff_client.get(f"/plaidoyer/{position.id}").get_data(as_text=True)

    monkeypatch.undo()
    assert client.post(f"/taches/{task.public_id}/relancer").status_code == 303
    run_jobs()
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE and task.attempts == 2


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body{background:red}")

    def log_message(self, *args):
        pass


def test_the_renderer_reads_nothing_but_our_static_files(app, tmp_path):
    from intranet.pdf import render_pdf

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.svg"
    secret.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text y="20">SECRETMARK</text></svg>'
    )
    url = f"http://127.0.0.1:{server.server_port}"
    html = f"""<html><head><link rel="stylesheet" href="{url}/x.css">
    <style>@import url("{url}/imported.css"); body {{ background: url("{url}/bg.png") }}</style></head>
    <body><p>Visible</p><img src="file://{secret}"><img src="{url}/pixel.png"><img src="../../etc/passwd">
    <object data="file://{secret}"></object></body></html>"""
    try:
        with app.test_request_context():
            data = render_pdf(html)
    finally:
        server.shutdown()
    text = _pdf_text(data)[1]
    assert "Visible" in text and "SECRETMARK" not in text
    assert _Recorder.hits == []


def test_renders_have_a_time_and_a_memory_limit(app):
    from intranet.pdf import PDFRenderError, render_pdf

    long_html = (
        "<html><body>" + "<p>Une phrase assez longue pour remplir des pages. </p>" * 30000 + "</body></html>"
    )
    with app.test_request_context():
        with pytest.raises(PDFRenderError, match="time limit"):
            render_pdf(long_html, time_limit=0.5)
        with pytest.raises(PDFRenderError, match="memory|MemoryError|stopped"):
            render_pdf(long_html, time_limit=60, memory_limit=20 * 1024 * 1024)
        assert render_pdf("<p>Court</p>", time_limit=30).startswith(b"%PDF")


def test_french_typography():
    html = "<p>Quoi? Oui: « non »; voilà ! Et 15 % de 1 000 places.</p><code>a:b ?</code>"
    result = brief.french_typography(html)
    assert "Quoi\u202f?" in result and "Oui\u00a0:" in result and "«\u00a0non\u00a0»\u202f;" in result
    assert "voilà\u202f!" in result and "15\u00a0%" in result and "1\u202f000" in result
    assert "<code>a:b ?</code>" in result  # code is left alone
    assert (
        brief.french_typography('<a href="https://exemple.org">lien</a>')
        == '<a href="https://exemple.org">lien</a>'
    )


def test_markdown_footnotes_become_page_footnotes():
    from intranet.markdown import render_markdown

    html = brief.footnotes_to_pdf(
        str(render_markdown("Un fait[^1] et un autre[^2].\n\n[^1]: Source A.\n[^2]: Source B."))
    )
    assert (
        '<span class="footnote">Source A.</span>' in html
        and '<span class="footnote">Source B.</span>' in html
    )
    assert "footnotes-sep" not in html and "fnref" not in html


def test_requests_for_briefs_are_recorded_once_per_key(app, db, make_user, make_position):
    author = make_user("member")
    position = make_position(author, status="submitted")
    services.request_brief(author, position)
    services.request_brief(author, position)
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count(TaskRecord.id))) == 1


def test_the_library_finds_each_brief_as_the_text_page_does(db, cosigned, make_position, make_user):
    """``current_briefs`` (one list, two statements) answers what ``current_brief`` answers for
    each text: the newest task of its keys, with or without a cover; none for a text never asked."""
    position, staff = cosigned
    services.request_brief(staff, position)
    newest = services.request_brief(staff, position, cover=True)
    other = make_position(make_user("member"), status="published", staff=staff)
    services.request_brief(staff, other)
    never = make_position(make_user("member"), status="in_review", staff=staff)
    positions = [position, other, never]
    found = services.current_briefs(positions)
    assert found == {p.id: services.current_brief(p) for p in positions}
    assert found[position.id] == newest and found[never.id] is None and found[other.id] is not None
    assert services.current_briefs([]) == {}
