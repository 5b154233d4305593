"""Advocacy jobs: the PDF brief of one version of a position (queue ``pdf``)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from intranet.advocacy import brief, services
from intranet.advocacy.models import Position
from intranet.extensions import db
from intranet.text import slugify

from .runner import set_progress


def render_brief(position_id: int, version_number: int, *, task_id: int) -> dict:
    """Render the brief; returns where the file is (relative to instance/) for the task row.

    Rendering happens after the read transaction ends, so a long render holds no database lock;
    the file gets a random name, written under a temporary name then moved into place, so a
    worker killed mid-render leaves no half file behind a finished task.
    """
    position = db.session.get(Position, position_id)
    if position is None:
        raise LookupError(f"position {position_id} does not exist")
    version = services.get_version(position, version_number)
    if version is None:
        raise LookupError(f"position {position_id} has no version {version_number}")
    names = [s.organization.name for s in services.signatories(position)]
    context = brief.brief_context(position, version, names)
    download_name = f"{slugify(version.title, 60) or 'dossier'}-v{version.number}.pdf"
    db.session.rollback()  # end the read transaction before the long part
    set_progress(task_id, 20)
    data = brief.render_brief_pdf(context)
    set_progress(task_id, 90)
    folder = Path(current_app.instance_path) / "briefs"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    partial = folder / f"{name}.part"
    partial.write_bytes(data)
    partial.replace(folder / name)
    return {"path": f"briefs/{name}", "name": download_name, "mimetype": "application/pdf"}
