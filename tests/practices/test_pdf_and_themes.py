"""The one-page PDF (an RQ job, cached per version) and the managed list of themes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from intranet.tasks.models import TaskRecord

LONG_BODY = "\n\n".join(
    f"## Étape {i}\nLes intervenantes accueillent chaque femme, vérifient le plan de sécurité, "
    "préparent les rendez-vous au tribunal et organisent l’interprétariat si besoin. " * 3
    for i in range(1, 25)
)


def test_the_pdf_is_made_by_a_worker_on_one_page_and_reused_for_the_same_version(
    app, login_as, make_practice, run_jobs, db
):
    client, author = login_as("member")
    practice = make_practice(author, title="Plan de sécurité en 2e étape", body=LONG_BODY)
    response = client.post(f"/pratiques/{practice.id}/pdf", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "hx-get" in fragment and 'aria-live="polite"' in fragment
    assert run_jobs() >= 1
    task = db.session.scalar(sa.select(TaskRecord).where(TaskRecord.kind == "practice_pdf"))
    db.session.refresh(task)
    assert task.status == "done", task.error
    path = Path(app.instance_path) / task.result_path
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Plan de sécurité en 2e étape" in text
    download = client.get(f"/taches/{task.public_id}/fichier")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    # Asking again for the same version reuses the task; without JavaScript, a redirect to it.
    again = client.post(f"/pratiques/{practice.id}/pdf")
    assert again.status_code == 303 and task.public_id in again.headers["Location"]


def test_a_cached_pdf_is_never_served_for_other_text_under_the_same_id_and_version(
    app, login_as, make_practice, run_jobs, db
):
    """The cache under instance/ is named by what the page shows: an id given again by the
    database (after a deletion or a restore) with the same version number finds no stale file."""
    client, author = login_as("member")
    practice = make_practice(author, title="Accueil de nuit", body="Un texte.")
    assert client.post(f"/pratiques/{practice.id}/pdf").status_code == 303
    assert run_jobs() >= 1
    first = db.session.scalar(sa.select(TaskRecord).where(TaskRecord.kind == "practice_pdf"))
    db.session.refresh(first)
    old_path = Path(app.instance_path) / first.result_path
    assert "Accueil de nuit" in PdfReader(io.BytesIO(old_path.read_bytes())).pages[0].extract_text()
    # Another text under the same id and version, as after a deletion and a new insert.
    db.session.execute(sa.delete(TaskRecord))
    practice.title, practice.body = "Transport vers le tribunal", "Un autre texte."
    db.session.commit()
    assert client.post(f"/pratiques/{practice.id}/pdf").status_code == 303
    assert run_jobs() >= 1
    second = db.session.scalar(sa.select(TaskRecord).where(TaskRecord.kind == "practice_pdf"))
    db.session.refresh(second)
    new_path = Path(app.instance_path) / second.result_path
    text = PdfReader(io.BytesIO(new_path.read_bytes())).pages[0].extract_text()
    assert "Transport vers le tribunal" in text and "Accueil de nuit" not in text
    assert new_path != old_path
    for path in (old_path, new_path):
        path.unlink(missing_ok=True)


def test_the_job_refuses_a_practice_that_became_private_meanwhile(app, login_as, make_practice, make_org, db):
    from intranet.practices.models import Visibility
    from intranet.tasks.services import submit_task
    from jobs.practices import PracticeUnavailable, render_practice_pdf

    practice = make_practice(title="Bientôt privée")
    _, reader = login_as("member", org=make_org(name="Lectrice"))
    task = submit_task(
        kind="practice_pdf",
        func="jobs.practices.render_practice_pdf",
        args=[practice.id, "fr"],
        user=reader,
        queue="pdf",
    )
    practice.visibility = Visibility.ORGANIZATION
    db.session.flush()
    with pytest.raises(PracticeUnavailable):
        render_practice_pdf(practice.id, "fr", task_id=task.id)


def test_a_pdf_made_while_shared_is_out_of_reach_once_the_practice_is_private(
    app, login_as, make_practice, make_org, run_jobs, db
):
    from intranet.practices.models import Visibility

    practice = make_practice(title="Partagée puis privée")
    client, _reader = login_as("member", org=make_org(name="Lectrice"))
    client.post(f"/pratiques/{practice.id}/pdf")
    assert run_jobs() >= 1
    task = db.session.scalar(sa.select(TaskRecord).where(TaskRecord.kind == "practice_pdf"))
    db.session.refresh(task)
    assert client.get(f"/taches/{task.public_id}/fichier").status_code == 200
    practice.visibility = Visibility.ORGANIZATION
    db.session.commit()
    # The reader's own task, but no longer her practice to read: nothing says it exists.
    assert client.get(f"/taches/{task.public_id}/fichier").status_code == 404
    assert client.get(f"/taches/{task.public_id}").status_code == 404
    author_client, _author = login_as("member", user=practice.author)
    author_client.post(f"/pratiques/{practice.id}/pdf")
    assert run_jobs() >= 1
    mine = db.session.scalar(
        sa.select(TaskRecord).where(
            TaskRecord.kind == "practice_pdf", TaskRecord.user_id == practice.author_id
        )
    )
    db.session.refresh(mine)
    assert author_client.get(f"/taches/{mine.public_id}/fichier").status_code == 200


def test_english_pages(login_as, make_practice, make_theme):
    theme = make_theme("Interprétariat", "Interpreting")
    practice = make_practice(themes=[theme], approaches=["intercultural"])
    client, _ = login_as("member", locale="en")
    page = client.get(f"/pratiques/{practice.id}").get_data(as_text=True)
    assert "Interpreting" in page and "Intercultural" in page and "I found this useful" in page
    assert "Search" in client.get("/pratiques/").get_data(as_text=True)


def test_a_renamed_theme_is_found_under_its_new_name(login_as, make_theme, make_practice, run_jobs, db):
    theme = make_theme("Interprétariat", "Interpreting")
    make_practice(
        title="Banque régionale", summary="Partagée entre organismes.", body="Réservations.", themes=[theme]
    )
    staff, _ = login_as("staff")
    reader, _ = login_as("member")
    assert "Banque régionale" not in reader.get("/pratiques/", query_string={"q": "traduction"}).get_data(
        as_text=True
    )
    response = staff.post(
        f"/themes/{theme.id}", data={"name_fr": "Traduction et interprétariat", "name_en": "Translation"}
    )
    assert response.status_code == 303
    assert run_jobs() >= 1
    assert "Banque régionale" in reader.get("/pratiques/", query_string={"q": "traduction"}).get_data(
        as_text=True
    )
