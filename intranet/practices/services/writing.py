"""Writing practices: create, edit (a conflict when someone saved meanwhile), publish, archive,
attachments, revisions, and a moderator's withdrawal. The search index follows every change."""

from __future__ import annotations

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from ... import events
from ...accounts.models import Region, Sector, User
from ...database import utcnow
from ...extensions import db
from ...files.models import StoredFile
from ...files.services import UploadError, delete_stored_file, file_path, store_upload
from ...mail.services import queue_email
from ...urls import external_url
from .. import policy, search
from ..models import (
    Approach,
    Practice,
    PracticeAttachment,
    PracticeReport,
    PracticeRevision,
    Status,
    Visibility,
)
from .common import MAX_ATTACHMENTS, Conflict, PracticeData, PracticeError
from .themes import list_themes


def version_of(data: PracticeData) -> SimpleNamespace:
    """A practice as typed in a form, shaped like a revision (for the conflict's diff)."""
    by_id = {t.id: t.name_fr for t in list_themes(active_only=False)}
    region = db.session.get(Region, data.region_id) if data.region_id else None
    return SimpleNamespace(
        title=data.title,
        summary=data.summary,
        body=data.body,
        audience=data.audience,
        details={
            "themes": sorted(by_id[i] for i in data.theme_ids if i in by_id),
            "approaches": sorted(set(data.approaches)),
            "sectors": sorted(set(data.sectors)),
            "region": region.name if region else None,
            "visibility": Visibility(data.visibility).value,
        },
    )


def saved_version(practice: Practice) -> SimpleNamespace:
    return SimpleNamespace(
        title=practice.title,
        summary=practice.summary,
        body=practice.body,
        audience=practice.audience,
        details=details_of(practice),
    )


def _apply(practice: Practice, data: PracticeData) -> None:
    practice.title = data.title.strip()
    practice.summary = data.summary.strip()
    practice.body = data.body or ""
    practice.audience = (data.audience or "").strip()
    practice.region_id = data.region_id or None
    practice.visibility = Visibility(data.visibility)
    wanted = set(data.theme_ids)
    practice.themes = [t for t in list_themes(active_only=False) if t.id in wanted]
    practice.set_approaches([a for a in data.approaches if a in Approach.__members__.values()])
    practice.set_sectors([v for v in data.sectors if v in Sector.__members__.values()])


def details_of(practice: Practice) -> dict:
    return {
        "themes": [t.name_fr for t in practice.themes],
        "approaches": practice.approaches,
        "sectors": practice.sectors,
        "region": practice.region.name if practice.region else None,
        "visibility": practice.visibility.value,
    }


def latest_revision(practice: Practice) -> PracticeRevision | None:
    return db.session.scalar(
        sa.select(PracticeRevision)
        .where(PracticeRevision.practice_id == practice.id)
        .order_by(PracticeRevision.number.desc())
        .limit(1)
    )


def _record_revision(practice: Practice, editor: User) -> PracticeRevision | None:
    """Keep the published state as a revision, unless nothing changed since the last one."""
    db.session.flush()
    db.session.refresh(practice, ["region"])
    details = details_of(practice)
    last = latest_revision(practice)
    if last is not None and (last.title, last.summary, last.body, last.audience, last.details) == (
        practice.title,
        practice.summary,
        practice.body,
        practice.audience,
        details,
    ):
        return None
    revision = PracticeRevision(
        practice_id=practice.id,
        number=(last.number + 1) if last else 1,
        title=practice.title,
        summary=practice.summary,
        body=practice.body,
        audience=practice.audience,
        details=details,
        editor_id=editor.id,
    )
    db.session.add(revision)
    practice.published_at = utcnow()
    return revision


def create_practice(
    user: User,
    data: PracticeData,
    *,
    publish: bool,
    uploads: Sequence[FileStorage] = (),
) -> Practice:
    """A new practice, published or as a draft. Its texts were checked by the form's guard
    (``intranet.guard``); a caller without a form checks them with ``guard.check_text``."""
    practice = Practice(organization_id=user.organization_id, author_id=user.id, updated_by_id=user.id)
    db.session.add(practice)
    _apply(practice, data)
    db.session.flush()
    _add_attachments(user, practice, uploads)
    if publish:
        practice.status = Status.PUBLISHED
        _record_revision(practice, user)
        _audit(user, practice, "practice.published")
    search.index_practice(practice)
    return practice


def _audit(user: User, practice: Practice, action: str, **details) -> None:
    """Publication and unpublication go to the audit log (intranet.audit)."""
    events.audit.send(
        None,
        action=action,
        actor_id=user.id,
        organization_id=practice.organization_id,
        target_type="practice",
        target_id=practice.id,
        details=details,
    )


def update_practice(
    user: User,
    practice: Practice,
    data: PracticeData,
    *,
    expected_version: int,
    publish: bool,
    uploads: Sequence[FileStorage] = (),
    remove_attachment_ids: Sequence[int] = (),
) -> Practice:
    """Save an edit. ``publish``: the result is published (a new revision when content changed);
    otherwise it is kept as a draft. Raises Conflict when the practice changed since the form was
    opened. The texts were checked by the form's guard."""
    if not policy.can_edit(user, practice):
        raise PracticeError(_l("Vous ne pouvez pas modifier cette pratique."))
    if practice.version != expected_version:
        raise Conflict(practice)
    _apply(practice, data)
    _remove_attachments(practice, remove_attachment_ids)
    _add_attachments(user, practice, uploads)
    practice.version += 1
    practice.updated_at = utcnow()
    practice.updated_by_id = user.id
    if publish:
        if practice.status != Status.PUBLISHED:
            _audit(user, practice, "practice.published")
        practice.status = Status.PUBLISHED
        practice.moderation_reason = None
        _record_revision(practice, user)
    elif practice.status == Status.PUBLISHED:
        practice.status = Status.DRAFT
        _audit(user, practice, "practice.unpublished", to="draft")
    search.index_practice(practice)
    return practice


def set_status(user: User, practice: Practice, status: Status) -> Practice:
    """Archive a practice, or bring an archived one back as a draft."""
    if not policy.can_edit(user, practice):
        raise PracticeError(_l("Vous ne pouvez pas modifier cette pratique."))
    allowed = {
        Status.ARCHIVED: {Status.PUBLISHED, Status.DRAFT, Status.WITHDRAWN},
        Status.DRAFT: {Status.ARCHIVED, Status.PUBLISHED},
    }
    if status not in allowed or practice.status not in allowed[status]:
        raise PracticeError(_l("Ce changement d’état n’est pas possible."))
    if practice.status == Status.PUBLISHED:
        _audit(user, practice, "practice.unpublished", to=str(status))
    practice.status = status
    practice.version += 1
    practice.updated_at = utcnow()
    practice.updated_by_id = user.id
    search.index_practice(practice)
    return practice


def _add_attachments(user: User, practice: Practice, uploads) -> None:
    uploads = [u for u in uploads if u and u.filename]
    if not uploads:
        return
    if len(practice.attachments) + len(uploads) > MAX_ATTACHMENTS:
        raise UploadError(_l("Une pratique compte au plus %(n)s pièces jointes.", n=MAX_ATTACHMENTS))
    stored: list[StoredFile] = []
    try:
        for upload in uploads:
            stored.append(store_upload(upload, user))
    except UploadError:
        # Nothing half-stored: the files already written are removed with their rows.
        for item in stored:
            file_path(item).unlink(missing_ok=True)
        raise
    for item in stored:
        practice.attachments.append(PracticeAttachment(file=item))
    db.session.flush()


def _remove_attachments(practice: Practice, ids) -> None:
    wanted = set(ids or ())
    for attachment in list(practice.attachments):
        if attachment.id in wanted:
            practice.attachments.remove(attachment)
            delete_stored_file(attachment.file)
    db.session.flush()


def withdraw(moderator: User, practice: Practice, reason: str) -> Practice:
    """A moderator unpublishes a practice; its authors see the reason and are told."""
    if not policy.can_moderate(moderator, practice) or practice.status != Status.PUBLISHED:
        raise PracticeError(_l("Vous ne pouvez pas retirer cette pratique."))
    practice.status = Status.WITHDRAWN
    _audit(moderator, practice, "practice.unpublished", to="withdrawn")
    practice.moderation_reason = reason.strip()
    practice.moderated_at = utcnow()
    practice.version += 1
    search.index_practice(practice)
    author = practice.author
    if author is not None and author.active:
        events.notify.send(
            None,
            user_ids=[author.id],
            kind="practice_withdrawn",
            title=practice.title,
            endpoint="practices.show",
            values={"practice_id": practice.id},
            actor_id=moderator.id,
            organization_id=practice.organization_id,
        )
        queue_email(
            to=author.email,
            kind="practice_withdrawn",
            template="practices_withdrawn",
            locale=author.locale,
            user_id=author.id,
            user_name=author.name,
            practice_title=practice.title,
            reason=practice.moderation_reason,
            link=external_url("practices.show", practice_id=practice.id),
        )
    for report in db.session.scalars(
        sa.select(PracticeReport).where(
            PracticeReport.practice_id == practice.id, PracticeReport.resolved_at.is_(None)
        )
    ):
        report.resolved_at = utcnow()
        report.resolved_by_id = moderator.id
    return practice
