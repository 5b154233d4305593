"""Drafting: the working copy (an edit conflict when someone saved meanwhile), its frozen versions,
and its attachments."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...database import rowcount, utcnow
from ...extensions import db
from ...files.services import UploadError, attach_upload, remove_attached
from ...themes import services as theme_services
from .. import policy
from ..models import Attachment, Position, Status, Version
from .common import MAX_DEMANDS, AdvocacyError, EditConflict, PositionData


def _check_data(data: PositionData) -> None:
    if len(data.demands) > MAX_DEMANDS:
        raise AdvocacyError(_l("Au plus %(max)s revendications.", max=MAX_DEMANDS))


def _apply(position: Position, data: PositionData) -> None:
    position.kind = data.kind
    position.language = data.language if data.language in ("fr", "en") else "fr"
    position.title = data.title.strip()
    position.addressee = data.addressee.strip()
    position.summary = data.summary.strip()
    position.body = data.body.replace("\r\n", "\n").strip()
    position.demands = list(data.demands)
    wanted = set(data.theme_ids)
    if {t.id for t in position.themes} != wanted:
        try:
            position.themes = theme_services.resolve(wanted, kept=[t.id for t in position.themes])
        except theme_services.ThemeError as exc:
            raise AdvocacyError(str(exc)) from exc


def create_position(user: User, data: PositionData) -> Position:
    _check_data(data)
    position = Position(
        organization_id=user.organization_id,
        author_id=user.id,
        updated_by_id=user.id,
        status=Status.DRAFT,
        revision=1,
    )
    _apply(position, data)
    db.session.add(position)
    db.session.flush()
    return position


def update_position(user: User, position: Position, data: PositionData, *, base_revision: int) -> Position:
    """Save the working copy. ``base_revision`` is the revision the editor started from: when
    someone saved in between, nothing is written and :class:`EditConflict` is raised."""
    if not policy.can_edit(user, position):
        raise AdvocacyError(_l("Ce texte ne peut plus être modifié à cette étape."))
    _check_data(data)
    if base_revision != position.revision:
        raise EditConflict(position)
    # Guarded write first: even without the row lock, a concurrent save cannot be overwritten.
    result = db.session.execute(
        sa.update(Position)
        .where(Position.id == position.id, Position.revision == base_revision)
        .values(revision=base_revision + 1, updated_at=utcnow(), updated_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(position, ["revision", "updated_at", "updated_by_id"])
    if rowcount(result) != 1:
        raise EditConflict(position)
    _apply(position, data)
    db.session.flush()
    return position


def _freeze_version(user: User, position: Position) -> Version:
    number = (
        db.session.scalar(sa.select(sa.func.max(Version.number)).where(Version.position_id == position.id))
        or 0
    ) + 1
    version = Version(
        position_id=position.id,
        number=number,
        kind=position.kind,
        language=position.language,
        title=position.title,
        addressee=position.addressee,
        summary=position.summary,
        body=position.body,
        demands=list(position.demands or []),
        created_by_id=user.id,
    )
    db.session.add(version)
    db.session.flush()
    db.session.expire(position, ["versions"])
    return version


def add_attachment(user: User, position: Position, upload) -> Attachment:
    if not policy.can_manage_attachments(user, position):
        raise AdvocacyError(_l("Ce texte ne peut plus être modifié à cette étape."))
    try:
        return attach_upload(
            upload, user, lambda stored: Attachment(position_id=position.id, file_id=stored.id)
        )
    except UploadError as exc:
        raise AdvocacyError(exc.args[0]) from exc


def remove_attachment(user: User, attachment: Attachment) -> None:
    position = db.session.get_one(Position, attachment.position_id)  # its foreign key: always there
    if not policy.can_manage_attachments(user, position):
        raise AdvocacyError(_l("Ce texte ne peut plus être modifié à cette étape."))
    remove_attached(attachment)
