"""Training jobs: reminders two days before (run by the scheduler) and attendance certificates."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path
from typing import Any, TypedDict

from flask import current_app, render_template
from flask_babel import force_locale

from intranet.database import utcnow, write_intent
from intranet.extensions import db
from intranet.pdf import render_pdf
from intranet.text import slugify
from intranet.trainings import services
from intranet.trainings.models import Registration, TrainingSession

from .runner import set_progress


class _Certificate(TypedDict):
    """What one attendee's certificate needs, read before the transaction ends."""

    registration_id: int
    old_path: str | None
    locale: str
    context: dict[str, Any]


def send_due_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): queue each due reminder exactly once."""
    count = services.send_due_reminders()
    db.session.commit()
    return count


def render_certificates(session_id: int, *, task_id: int) -> dict:
    """One PDF per attendee (each can download their own) and a ZIP of them all for staff."""
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        raise LookupError(f"training session {session_id} is gone")
    attendees = [r for r in services.participants(session_id) if r.attended]
    duration = session.ends_at - session.starts_at
    hours = round(duration.total_seconds() / 3600, 1)
    items: list[_Certificate] = [
        {
            "registration_id": r.id,
            "old_path": r.certificate_path,
            "locale": r.user.locale,
            "context": {
                "person_name": r.user.name,
                "organization_name": r.user.organization.name,
                "training_title": session.training.title,
                "trainer": session.training.trainer,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "hours": hours,
                "is_online": session.is_online,
                "place": ", ".join(
                    p for p in (session.town, session.region.name if session.region else "") if p
                ),
                "network_name": current_app.config["NETWORK_NAME"],
                "issued_on": utcnow(),
            },
        }
        for r in attendees
    ]
    title = session.training.title
    db.session.rollback()  # end the read; the writes below take the lock briefly

    folder = Path(current_app.instance_path) / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    archive = io.BytesIO()
    written: dict[int, str] = {}
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for done, item in enumerate(items, start=1):
            with force_locale(item["locale"]):
                html = render_template("trainings/certificate.html", **item["context"])
            pdf = render_pdf(html, metadata_title=item["context"]["training_title"])
            name = f"{secrets.token_hex(12)}.pdf"
            (folder / name).write_bytes(pdf)
            written[item["registration_id"]] = f"certificates/{name}"
            bundle.writestr(f"attestation-{slugify(item['context']['person_name']) or done}.pdf", pdf)
            set_progress(task_id, int(90 * done / max(len(items), 1)))
    write_intent()
    for registration_id, path in written.items():
        registration = db.session.get(Registration, registration_id)
        if registration is not None:
            registration.certificate_path = path
    db.session.commit()
    for item in items:
        if item["old_path"] and item["old_path"] != written.get(item["registration_id"]):
            (Path(current_app.instance_path) / item["old_path"]).unlink(missing_ok=True)
    zip_name = f"{secrets.token_hex(12)}.zip"
    exports = Path(current_app.instance_path) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    (exports / zip_name).write_bytes(archive.getvalue())
    return {
        "path": f"exports/{zip_name}",
        "name": f"attestations-{slugify(title, 60)}.zip",
        "mimetype": "application/zip",
    }
