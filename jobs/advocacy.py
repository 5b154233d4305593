"""Advocacy jobs: the PDF brief of one version of a position (queue ``pdf``)."""

from __future__ import annotations

from intranet.advocacy import brief, services
from intranet.advocacy.models import Position
from intranet.briefs import store_pdf
from intranet.extensions import db

from .runner import set_progress


def render_brief(position_id: int, version_number: int, cover: bool = False, *, task_id: int) -> dict:
    """Render the brief; returns where the file is (relative to instance/) for the task row.

    Rendering happens after the read transaction ends, so a long render holds no database lock
    (``intranet.briefs.store_pdf`` writes the file safely). ``cover``: a cover page, when asked.
    """
    position = db.session.get(Position, position_id)
    if position is None:
        raise LookupError(f"position {position_id} does not exist")
    version = services.get_version(position, version_number)
    if version is None:
        raise LookupError(f"position {position_id} has no version {version_number}")
    names = [s.organization.name for s in services.signatories(position)]
    context = brief.brief_context(position, version, names, cover=bool(cover))
    download = brief.brief_file_name(version)
    db.session.rollback()  # end the read transaction before the long part
    set_progress(task_id, 20)
    data = brief.render_brief_pdf(context)
    set_progress(task_id, 90)
    return store_pdf(data, download)
