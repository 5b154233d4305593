"""The rules of advocacy texts: drafting, the review workflow, versions, co-signing and briefs.

Services take the acting user, add and flush, and never commit; emails, notifications and jobs
go out with the caller's commit (queue_email and submit_task write rows in the same transaction).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import events
from ..accounts.models import Role, User
from ..briefs import latest_task, request_render, wait_for_render
from ..database import is_sqlite, utcnow
from ..extensions import db
from ..files.services import UploadError, attach_upload, remove_attached
from ..network import paper_size
from ..tasks.models import TaskRecord
from ..themes import services as theme_services
from . import policy
from .announce import announce, object_key, owners_to_tell, reviewers
from .models import (
    Attachment,
    Comment,
    Cosignature,
    Kind,
    Position,
    Status,
    Transition,
    Version,
    position_theme,
)

MAX_DEMANDS = 30
BRIEF_TASK_KIND = "advocacy_brief"
# Bumped when briefs are laid out anew, so files made the old way are not reused.
BRIEF_LAYOUT = 2


class AdvocacyError(Exception):
    """A refusal the user can read (French msgid, translated when shown)."""


class EditConflict(Exception):
    """Someone saved the text after the editor opened it; nothing was written."""

    def __init__(self, position: Position) -> None:
        super().__init__("edit conflict")
        self.position = position


@dataclass
class PositionData:
    kind: Kind
    title: str
    addressee: str = ""
    summary: str = ""
    body: str = ""
    demands: list[str] = field(default_factory=list)
    language: str = "fr"
    theme_ids: list[int] = field(default_factory=list)


ACTION_LABELS = {
    "submit": _l("Soumettre au réseau"),
    "resubmit": _l("Soumettre de nouveau"),
    "start_review": _l("Commencer la révision"),
    "request_changes": _l("Demander des modifications"),
    "approve": _l("Approuver"),
    "publish": _l("Publier"),
    "archive": _l("Archiver"),
}


def parse_demands(text: str | None) -> list[str]:
    """One demand per line; list markers typed out of habit ("1.", "-") are dropped."""
    demands = []
    for line in (text or "").splitlines():
        line = line.strip()
        for prefix in ("- ", "* ", "• "):
            if line.startswith(prefix):
                line = line[len(prefix) :].strip()
        head, dot, rest = line.partition(".")
        if dot and head.isdigit() and len(head) <= 2:
            line = rest.strip()
        if line:
            demands.append(line[:1000])
    return demands




# --- reading ---------------------------------------------------------------------------------


def get_for_update(position_id: int) -> Position | None:
    """Load a position holding its row lock (PostgreSQL) for a read-check-write."""
    query = sa.select(Position).where(Position.id == position_id)
    if not is_sqlite():
        query = query.with_for_update(of=Position)
    return db.session.scalars(query).unique().one_or_none()


def visible_filter(user: User):
    """SQL condition matching :func:`policy.can_view`, for lists (never show what cannot be opened)."""
    conditions = [
        Position.status.in_([Status.PUBLISHED, Status.ARCHIVED]),
        Position.organization_id == user.organization_id,
        sa.and_(Position.status == Status.APPROVED, Position.cosign_open.is_(True)),
    ]
    if user.is_staff:
        conditions.append(Position.submitted_at.is_not(None))
    return sa.or_(*conditions)


def organization_positions(user: User) -> list[Position]:
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(Position.organization_id == user.organization_id, Position.status != Status.ARCHIVED)
            .order_by(Position.updated_at.desc())
            .limit(100)
        )
    )


def review_queue(user: User) -> list[Position]:
    if not user.is_staff:
        return []
    return list(
        db.session.scalars(
            sa.select(Position)
            .where(
                Position.status.in_([Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW, Status.APPROVED])
            )
            .order_by(Position.updated_at)
            .limit(100)
        )
    )


AWAITING_REVIEW = (Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW)


def awaiting_review(limit: int = 5) -> tuple[int, list[Position]]:
    """Texts submitted to the network and not yet decided (the staff desk): how many, the oldest first."""
    where = Position.status.in_(AWAITING_REVIEW)
    count = db.session.scalar(sa.select(sa.func.count(Position.id)).where(where)) or 0
    oldest = list(
        db.session.scalars(sa.select(Position).where(where).order_by(Position.updated_at).limit(limit))
    )
    return count, oldest


def open_for_cosigning(user: User, today: date) -> list[Position]:
    query = (
        sa.select(Position)
        .where(
            Position.cosign_open.is_(True),
            Position.status.in_([Status.APPROVED, Status.PUBLISHED]),
            sa.or_(Position.cosign_closes_on.is_(None), Position.cosign_closes_on >= today),
            visible_filter(user),
        )
        .order_by(Position.cosign_closes_on)
        .limit(50)
    )
    return list(db.session.scalars(query))


def library(*, kind: str | None = None, year: int | None = None, theme: int | None = None) -> list[Position]:
    """Published texts, newest first; everyone signed in may read them."""
    query = sa.select(Position).where(Position.status == Status.PUBLISHED)
    if kind:
        query = query.where(Position.kind == Kind(kind))
    if year:
        start = datetime(year, 1, 1, tzinfo=utcnow().tzinfo)
        end = datetime(year + 1, 1, 1, tzinfo=utcnow().tzinfo)
        query = query.where(Position.published_at >= start, Position.published_at < end)
    if theme:
        query = query.where(
            Position.id.in_(sa.select(position_theme.c.position_id).where(position_theme.c.theme_id == theme))
        )
    return list(db.session.scalars(query.order_by(Position.published_at.desc()).limit(200)))


def theme_usage() -> dict[int, int]:
    """How many texts carry each theme (the themes page shows it)."""
    rows = db.session.execute(
        sa.select(position_theme.c.theme_id, sa.func.count()).group_by(position_theme.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


def library_years() -> list[int]:
    dates = db.session.scalars(
        sa.select(Position.published_at).where(Position.status == Status.PUBLISHED)
    ).all()
    return sorted({d.year for d in dates if d}, reverse=True)


def signatories(position: Position) -> list[Cosignature]:
    return list(
        db.session.scalars(
            sa.select(Cosignature)
            .where(Cosignature.position_id == position.id, Cosignature.withdrawn_at.is_(None))
            .order_by(Cosignature.signed_at, Cosignature.id)
        )
    )


def signature_of(position: Position, organization_id: int) -> Cosignature | None:
    return db.session.scalar(
        sa.select(Cosignature).where(
            Cosignature.position_id == position.id, Cosignature.organization_id == organization_id
        )
    )


def last_request_for_changes(position: Position) -> Transition | None:
    return db.session.scalar(
        sa.select(Transition)
        .where(Transition.position_id == position.id, Transition.action == "request_changes")
        .order_by(Transition.id.desc())
        .limit(1)
    )


def transitions(position: Position) -> list[Transition]:
    return list(
        db.session.scalars(
            sa.select(Transition).where(Transition.position_id == position.id).order_by(Transition.id)
        )
    )


def attachments(position: Position) -> list[Attachment]:
    return list(
        db.session.scalars(
            sa.select(Attachment).where(Attachment.position_id == position.id).order_by(Attachment.id)
        )
    )


def get_version(position: Position, number: int) -> Version | None:
    return db.session.scalar(
        sa.select(Version).where(Version.position_id == position.id, Version.number == number)
    )


# --- drafting --------------------------------------------------------------------------------


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
    if result.rowcount != 1:
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


# --- the workflow ------------------------------------------------------------------------------


def transition(user: User, position: Position, action: str, note: str = "") -> Transition:
    if not policy.can_transition(user, position, action):
        raise AdvocacyError(_l("Cette étape n’est pas possible pour ce texte."))
    if action in ("submit", "resubmit"):
        if not position.demands:
            raise AdvocacyError(_l("Ajoutez au moins une revendication avant de soumettre."))
        if not position.body.strip():
            raise AdvocacyError(_l("Le texte est vide."))
    note = (note or "").strip()[:4000]
    if action == "request_changes" and not note:
        raise AdvocacyError(_l("Dites ce qui doit changer (note obligatoire)."))
    _sources, target, _who = policy.TRANSITIONS[action]
    source = position.status
    now = utcnow()
    version_number = position.latest_version.number if position.latest_version else None
    if action in ("submit", "resubmit"):
        version_number = _freeze_version(user, position).number
        if position.submitted_at is None:
            position.submitted_at = now
    if action == "publish":
        position.published_at = now
    position.status = target
    position.revision += 1
    position.updated_at = now
    step = Transition(
        position_id=position.id,
        action=action,
        from_status=source,
        to_status=target,
        actor_id=user.id,
        note=note,
        version_number=version_number,
        created_at=now,
    )
    db.session.add(step)
    db.session.flush()
    announce(user, position, step)
    if target == Status.PUBLISHED or source == Status.PUBLISHED:  # audit log (intranet.audit)
        events.audit.send(
            None,
            action="advocacy.published" if target == Status.PUBLISHED else "advocacy.unpublished",
            actor_id=user.id,
            organization_id=position.organization_id,
            target_type="advocacy_position",
            target_id=position.id,
            details={"step": action},
        )
    if action == "publish":
        # The library offers the brief at once: render it now rather than on the first click.
        request_brief(user, position)
    return step


def add_comment(user: User, version: Version, body: str) -> Comment:
    position = version.position
    if not policy.can_comment(user, position):
        raise AdvocacyError(_l("Vous ne pouvez pas commenter ce texte."))
    body = (body or "").strip()
    if not body:
        raise AdvocacyError(_l("Le commentaire est vide."))
    comment = Comment(version_id=version.id, author_id=user.id, body=body[:8000])
    db.session.add(comment)
    db.session.flush()
    # Staff comments concern the owners; owners' replies concern the staff who reviewed.
    if user.is_staff and not policy.is_member_of_owner(user, position):
        targets = owners_to_tell(position)
    else:
        targets = reviewers(position)
    targets = [u for u in targets if u.id != user.id]
    if targets:
        events.notify.send(
            None,
            user_ids=[u.id for u in targets],
            kind="advocacy_comment",
            title=position.title,
            endpoint="advocacy.version",
            values={"position_id": position.id, "number": version.number},
            actor_id=user.id,
            organization_id=position.organization_id,
            object_key=object_key(position),  # comments on every version of the text count together
        )
    return comment


# --- co-signing --------------------------------------------------------------------------------


def open_cosigning(user: User, position: Position, closes_on: date, today: date) -> None:
    if not policy.can_manage_cosigning(user, position):
        raise AdvocacyError(_l("La cosignature s’ouvre sur un texte approuvé ou publié."))
    if closes_on < today:
        raise AdvocacyError(_l("La date de clôture est passée."))
    was_open = policy.cosigning_is_open(position, today)
    position.cosign_open = True
    position.cosign_closes_on = closes_on
    position.revision += 1
    if not was_open:
        position.updated_at = utcnow()  # what is new in digests
    db.session.flush()
    if was_open:
        return
    coordinators = list(
        db.session.scalars(
            sa.select(User).where(
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                User.organization_id != position.organization_id,
            )
        )
    )
    if coordinators:
        events.notify.send(
            None,
            user_ids=[u.id for u in coordinators],
            kind="advocacy_cosign_open",
            title=position.title,
            endpoint="advocacy.show",
            values={"position_id": position.id},
            actor_id=user.id,
            organization_id=None,
        )


def close_cosigning(user: User, position: Position) -> None:
    if not policy.can_manage_cosigning(user, position):
        raise AdvocacyError(_l("La cosignature s’ouvre sur un texte approuvé ou publié."))
    position.cosign_open = False
    position.revision += 1
    db.session.flush()


def sign(user: User, position: Position, today: date) -> Cosignature:
    if not policy.can_sign(user, position, today):
        raise AdvocacyError(_l("La cosignature n’est pas possible pour votre organisme."))
    existing = signature_of(position, user.organization_id)
    if existing is not None:
        if existing.withdrawn_at is None:
            return existing
        existing.withdrawn_at = None
        existing.signed_at = utcnow()
        existing.signed_by_id = user.id
        db.session.flush()
        return existing
    signature = Cosignature(
        position_id=position.id, organization_id=user.organization_id, signed_by_id=user.id
    )
    db.session.add(signature)
    db.session.flush()
    return signature


def withdraw(user: User, position: Position, today: date) -> None:
    if not policy.can_sign(user, position, today):
        raise AdvocacyError(_l("La signature ne peut plus être retirée après la date de clôture."))
    existing = signature_of(position, user.organization_id)
    if existing is None or existing.withdrawn_at is not None:
        raise AdvocacyError(_l("Votre organisme n’a pas signé ce texte."))
    existing.withdrawn_at = utcnow()
    db.session.flush()


# --- attachments -------------------------------------------------------------------------------


def add_attachment(user: User, position: Position, upload) -> Attachment:
    if not policy.can_manage_attachments(user, position):
        raise AdvocacyError(_l("Ce texte ne peut plus être modifié à cette étape."))
    try:
        return attach_upload(upload, user, lambda stored: Attachment(position_id=position.id, file_id=stored.id))
    except UploadError as exc:
        raise AdvocacyError(exc.args[0]) from exc


def remove_attachment(user: User, attachment: Attachment) -> None:
    position = db.session.get(Position, attachment.position_id)
    if not policy.can_manage_attachments(user, position):
        raise AdvocacyError(_l("Ce texte ne peut plus être modifié à cette étape."))
    remove_attached(attachment)


# --- briefs ------------------------------------------------------------------------------------


def brief_fingerprint(position: Position, version: Version) -> str:
    """What the brief depends on besides the version: its status line, its signatories, the paper."""
    names = [s.organization.name for s in signatories(position)]
    published = position.published_at.date().isoformat() if position.published_at else ""
    payload = json.dumps(
        [version.number, names, published, position.organization.name, paper_size(), BRIEF_LAYOUT],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def brief_cache_key(position: Position, version: Version, cover: bool = False) -> str:
    key = f"advocacy-brief:{position.id}:v{version.number}:{brief_fingerprint(position, version)}"
    return f"{key}:cover" if cover else key


def current_brief(position: Position) -> TaskRecord | None:
    """The brief task for the latest version as it stands, with or without a cover (None if never asked)."""
    version = position.latest_version
    if version is None:
        return None
    # Not refreshed here (pages are read transactions): the status fragment, which polls while
    # the task is unfinished, notices an interrupted one and offers the retry.
    return latest_task(brief_cache_key(position, version), brief_cache_key(position, version, True))


def request_brief(user: User, position: Position, *, cover: bool = False) -> TaskRecord:
    """Ask a worker for the PDF brief of the latest version; an unchanged version reuses its file.

    A failed render is not reused: asking again starts a new task (the old one stays for staff).
    ``cover``: a cover page of its own (a short text gets none unless asked).
    """
    if not policy.can_request_brief(user, position):
        raise AdvocacyError(_l("Aucune version soumise : le dossier PDF n’est pas encore possible."))
    version = position.latest_version
    return request_render(
        kind=BRIEF_TASK_KIND,
        func="jobs.advocacy.render_brief",
        args=[position.id, version.number, True] if cover else [position.id, version.number],
        user=user,
        organization_id=position.organization_id,
        cache_key=brief_cache_key(position, version, cover),
    )


def wait_for_brief(task: TaskRecord, seconds: float) -> TaskRecord:
    """See ``intranet.briefs.wait_for_render``."""
    return wait_for_render(task, seconds)


def can_see_brief_task(task: TaskRecord, user: User) -> bool:
    """Task access for briefs: whoever may see the position (and, for an older version, its history)."""
    try:
        position_id, number = int(task.args[0]), int(task.args[1])
    except (IndexError, TypeError, ValueError):
        return False
    position = db.session.get(Position, position_id)
    if position is None or not policy.can_view(user, position):
        return False
    latest = position.latest_version
    return (latest is not None and latest.number == number) or policy.can_view_history(user, position)


# --- digests -----------------------------------------------------------------------------------


def _cosigning_query(today):
    """Texts open for co-signing, the closest deadline first."""
    return (
        sa.select(Position)
        .where(
            Position.cosign_open.is_(True),
            Position.status.in_([Status.APPROVED, Status.PUBLISHED]),
            sa.or_(Position.cosign_closes_on.is_(None), Position.cosign_closes_on >= today),
        )
        .order_by(Position.cosign_closes_on, Position.id)
    )


COSIGN_LIMIT = 20


def collect_cosigning(user: User, since: datetime) -> list[events.DigestItem]:
    """Texts opened for co-signing that this coordinator's organization has not signed yet."""
    if not user.is_coordinator_of(user.organization_id):
        return []
    today = utcnow().date()
    signed = sa.select(Cosignature.position_id).where(
        Cosignature.organization_id == user.organization_id, Cosignature.withdrawn_at.is_(None)
    )
    rows = db.session.scalars(
        _cosigning_query(today)
        .where(
            Position.organization_id != user.organization_id,
            Position.id.not_in(signed),
            Position.updated_at >= since,
        )
        .limit(COSIGN_LIMIT)
    )
    return [_position_item(p) for p in rows if policy.can_view(user, p)]


def collect_cosigning_many(requests) -> dict[int, list[events.DigestItem]]:
    """``collect_cosigning(user, since)`` for each ``(user, since)`` of a chunk.

    The open texts are the same for everybody: read once (since the chunk's oldest ``since``),
    with the signatures of the chunk's coordinators' organizations. Then, for each coordinator,
    as ``collect_cosigning`` does in SQL: not their organization's texts, not those it signed,
    updated since their ``since``, ``COSIGN_LIMIT`` of them in the same order, and of those, the
    ones ``policy.can_view`` lets them see. Members who are not coordinators get nothing.
    """
    requests = list(requests)
    found: dict[int, list[events.DigestItem]] = {user.id: [] for user, _since in requests}
    coordinators = [(user, since) for user, since in requests if user.is_coordinator_of(user.organization_id)]
    if not coordinators:
        return found
    oldest = min(since for _user, since in coordinators)
    positions = list(db.session.scalars(_cosigning_query(utcnow().date()).where(Position.updated_at >= oldest)))
    signed: dict[int, set[int]] = {user.organization_id: set() for user, _since in coordinators}
    if positions:
        for organization_id, position_id in db.session.execute(
            sa.select(Cosignature.organization_id, Cosignature.position_id).where(
                Cosignature.organization_id.in_(list(signed)),
                Cosignature.position_id.in_([p.id for p in positions]),
                Cosignature.withdrawn_at.is_(None),
            )
        ):
            signed[organization_id].add(position_id)
    items: dict[int, events.DigestItem] = {}
    for user, since in coordinators:
        own = user.organization_id
        rows = [
            p for p in positions if p.organization_id != own and p.id not in signed[own] and p.updated_at >= since
        ][:COSIGN_LIMIT]
        found[user.id] = [items.setdefault(p.id, _position_item(p)) for p in rows if policy.can_view(user, p)]
    return found


def _position_item(p: Position, kind: str = "cosign") -> events.DigestItem:
    """A text in a digest: open for co-signing ("cosign") or waiting for a review ("review")."""
    return events.DigestItem(
        kind=kind,
        title=p.title,
        endpoint="advocacy.show",
        values={"position_id": p.id},
        summary=p.summary[:300] or None,
        organization_name=p.organization.name,
        when=p.updated_at,
        theme_ids=tuple(t.id for t in p.themes),
    )


def collect_review(user: User, since: datetime) -> list[events.DigestItem]:
    """For the staff: texts waiting for a review (submitted or submitted again)."""
    if not user.is_staff:
        return []
    rows = db.session.scalars(
        sa.select(Position)
        .where(Position.status.in_([Status.SUBMITTED, Status.RESUBMITTED]), Position.updated_at >= since)
        .order_by(Position.updated_at)
        .limit(50)
    )
    return [_position_item(p, "review") for p in rows]


def cosigned_by(organization_id: int, limit: int = 5) -> list[Position]:
    """Published positions an organization co-signed (and did not withdraw from), newest first."""
    return list(
        db.session.scalars(
            sa.select(Position)
            .join(Cosignature, Cosignature.position_id == Position.id)
            .where(
                Cosignature.organization_id == organization_id,
                Cosignature.withdrawn_at.is_(None),
                Position.status == Status.PUBLISHED,
            )
            .order_by(Position.published_at.desc())
            .limit(limit)
        ).unique()
    )
