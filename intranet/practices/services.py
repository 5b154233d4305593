"""The rules of the good-practices library, callable from views, jobs and the CLI.

Services take the acting user, add and flush, never commit, and never read ``request``. The
search index is kept in line here (``search.index_practice``) on every change of content,
status or visibility.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from .. import events
from ..accounts.models import Organization, Region, Role, Sector, User
from ..database import is_sqlite, utcnow
from ..extensions import db
from ..files.models import StoredFile
from ..files.services import UploadError, delete_stored_file, file_path, store_upload
from ..themes import services as theme_services
from ..themes.models import Theme
from ..urls import external_url
from . import policy, search
from .models import (
    Approach,
    Practice,
    PracticeAttachment,
    PracticeBookmark,
    PracticeComment,
    PracticeHelpfulMark,
    PracticeReport,
    PracticeRevision,
    Status,
    Visibility,
    practice_approach,
    practice_sector,
    practice_theme,
)

MAX_ATTACHMENTS = 10
PER_PAGE = 15  # a page of the library stays within 4 KB on the wire on a repeat visit (issue 16)
COUNT_CAP = 300  # counts stop here ("plus de 300"): see search.WINDOW


class PracticeError(Exception):
    """A rule refused the change; the message is for the person."""


class Conflict(Exception):
    """Someone saved the practice since this form was opened."""

    def __init__(self, practice: Practice) -> None:
        super().__init__("conflict")
        self.practice = practice


@dataclass
class PracticeData:
    title: str
    summary: str
    body: str = ""
    audience: str = ""
    region_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    approaches: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    visibility: Visibility = Visibility.NETWORK


# --- themes --------------------------------------------------------------------------------------


def list_themes(active_only: bool = True) -> list[Theme]:
    """The network's themes (one list for every feature: ``intranet.themes``)."""
    return theme_services.list_themes(active_only)


def theme_usage() -> dict[int, int]:
    """How many practices carry each theme (the themes page shows it)."""
    rows = db.session.execute(
        sa.select(practice_theme.c.theme_id, sa.func.count()).group_by(practice_theme.c.theme_id)
    )
    return {theme_id: count for theme_id, count in rows}


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


# --- loading ----------------------------------------------------------------------------------------


def get(practice_id: int) -> Practice | None:
    return db.session.get(Practice, practice_id)


def get_for_update(practice_id: int) -> Practice | None:
    """Load a practice holding its row lock (PostgreSQL; SQLite's POST already holds the write lock)."""
    query = sa.select(Practice).where(Practice.id == practice_id).execution_options(populate_existing=True)
    if not is_sqlite():
        query = query.with_for_update(of=Practice)
    return db.session.scalars(query).unique().one_or_none()


# --- writing practices ----------------------------------------------------------------------------


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
        sa.select(PracticeRevision).where(PracticeRevision.practice_id == practice.id).order_by(PracticeRevision.number.desc()).limit(1)
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
    uploads: list[FileStorage] = (),
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
    uploads: list[FileStorage] = (),
    remove_attachment_ids: list[int] = (),
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
        from ..mail.services import queue_email

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
        sa.select(PracticeReport).where(PracticeReport.practice_id == practice.id, PracticeReport.resolved_at.is_(None))
    ):
        report.resolved_at = utcnow()
        report.resolved_by_id = moderator.id
    return practice


# --- discussion -------------------------------------------------------------------------------------


def add_comment(user: User, practice: Practice, body: str) -> PracticeComment:
    if not policy.can_discuss(user, practice):
        raise PracticeError(_l("Les commentaires sont fermés sur cette pratique."))
    comment = PracticeComment(practice_id=practice.id, author_id=user.id, body=body.strip())
    db.session.add(comment)
    db.session.execute(
        sa.update(Practice).where(Practice.id == practice.id).values(comment_count=Practice.comment_count + 1)
    )
    db.session.flush()
    db.session.refresh(practice, ["comment_count"])
    if practice.author_id and practice.author_id != user.id:
        events.notify.send(
            None,
            user_ids=[practice.author_id],
            kind="practice_comment",
            title=practice.title,
            endpoint="practices.show",
            values={"practice_id": practice.id},
            actor_id=user.id,
            organization_id=practice.organization_id,
        )
    return comment


def edit_comment(user: User, comment: PracticeComment, body: str) -> PracticeComment:
    if not policy.can_change_comment(user, comment):
        raise PracticeError(_l("Vous ne pouvez pas modifier ce commentaire."))
    comment.body = body.strip()
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(user: User, comment: PracticeComment) -> None:
    if not policy.can_change_comment(user, comment):
        raise PracticeError(_l("Vous ne pouvez pas supprimer ce commentaire."))
    practice_id = comment.practice_id
    db.session.delete(comment)
    db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice_id, Practice.comment_count > 0)
        .values(comment_count=Practice.comment_count - 1)
    )
    db.session.flush()


def comments(practice: Practice) -> list[PracticeComment]:
    return list(
        db.session.scalars(
            sa.select(PracticeComment).where(PracticeComment.practice_id == practice.id).order_by(PracticeComment.created_at, PracticeComment.id)
        )
    )


def toggle_helpful(user: User, practice: Practice) -> bool:
    """Mark or unmark « cela m’a été utile »; returns whether it is now marked."""
    if not policy.can_discuss(user, practice):
        raise PracticeError(_l("Cette pratique n’est pas publiée."))
    mark = db.session.get(PracticeHelpfulMark, (practice.id, user.id))
    delta = -1 if mark else 1
    if mark:
        db.session.delete(mark)
    else:
        db.session.add(PracticeHelpfulMark(practice_id=practice.id, user_id=user.id))
    db.session.flush()
    db.session.execute(
        sa.update(Practice).where(Practice.id == practice.id).values(helpful_count=Practice.helpful_count + delta)
    )
    db.session.refresh(practice, ["helpful_count"])
    return mark is None


def toggle_bookmark(user: User, practice: Practice) -> bool:
    if not policy.can_view(user, practice):
        raise PracticeError(_l("Cette pratique n’est pas disponible."))
    mark = db.session.get(PracticeBookmark, (practice.id, user.id))
    if mark:
        db.session.delete(mark)
    else:
        db.session.add(PracticeBookmark(practice_id=practice.id, user_id=user.id))
    db.session.flush()
    return mark is None


def marks_of(user: User, practice: Practice) -> dict[str, bool]:
    return {
        "helpful": db.session.get(PracticeHelpfulMark, (practice.id, user.id)) is not None,
        "bookmarked": db.session.get(PracticeBookmark, (practice.id, user.id)) is not None,
    }


# --- reports (moderation) -----------------------------------------------------------------------------


def moderators_of(practice: Practice) -> list[int]:
    coordinators = sa.select(User.id).where(
        User.active, User.role == Role.COORDINATOR, User.organization_id == practice.organization_id
    )
    if practice.visibility == Visibility.NETWORK:
        staff = sa.select(User.id).where(User.active, User.role.in_([Role.STAFF, Role.ADMIN]))
        return sorted(set(db.session.scalars(staff)))
    return sorted(set(db.session.scalars(coordinators)))


def report(user: User, practice: Practice, reason: str, comment: PracticeComment | None = None) -> PracticeReport:
    if not policy.can_view(user, practice):
        raise PracticeError(_l("Cette pratique n’est pas disponible."))
    item = PracticeReport(practice_id=practice.id, comment_id=comment.id if comment else None, reporter_id=user.id, reason=reason.strip())
    db.session.add(item)
    db.session.flush()
    recipients = [uid for uid in moderators_of(practice) if uid != user.id]
    if recipients:
        events.notify.send(
            None,
            user_ids=recipients,
            kind="practice_report",
            title=practice.title,
            endpoint="practices.reports",
            values={},
            actor_id=user.id,
            organization_id=practice.organization_id,
        )
    return item


def _open_reports_query(user: User, columns) -> sa.Select | None:
    """Reports this person moderates: network-wide practices for the team, the organization's
    organization-only practices for its coordinators (None: none at all)."""
    conditions = []
    if user.is_staff:
        conditions.append(Practice.visibility == Visibility.NETWORK)
    if user.role == Role.COORDINATOR:
        conditions.append(Practice.organization_id == user.organization_id)
    if not conditions:
        return None
    return (
        sa.select(columns)
        .join(Practice, Practice.id == PracticeReport.practice_id)
        .where(PracticeReport.resolved_at.is_(None), sa.or_(*conditions))
    )


def open_reports(user: User) -> list[PracticeReport]:
    query = _open_reports_query(user, PracticeReport)
    if query is None:
        return []
    return list(db.session.scalars(query.order_by(PracticeReport.created_at).limit(200)))


def count_open_reports(user: User) -> int:
    """How many reports wait for this person (the staff desk)."""
    query = _open_reports_query(user, sa.func.count(PracticeReport.id))
    return 0 if query is None else db.session.scalar(query) or 0


def resolve_report(user: User, item: PracticeReport) -> None:
    if not policy.can_moderate(user, item.practice):
        raise PracticeError(_l("Vous ne pouvez pas traiter ce signalement."))
    item.resolved_at = utcnow()
    item.resolved_by_id = user.id
    db.session.flush()


# --- finding -------------------------------------------------------------------------------------------


@dataclass
class Filters:
    q: str = ""
    theme_id: int | None = None
    approach: str | None = None
    sector: str | None = None
    region_id: int | None = None
    organization_id: int | None = None

    @property
    def active(self) -> bool:
        return any([self.q.strip(), self.theme_id, self.approach, self.sector, self.region_id, self.organization_id])

    def args(self) -> dict:
        values = {
            "q": self.q.strip() or None,
            "theme": self.theme_id,
            "approach": self.approach,
            "sector": self.sector,
            "region": self.region_id,
            "org": self.organization_id,
        }
        return {k: v for k, v in values.items() if v}


@dataclass
class ResultPage:
    items: list[Practice]
    total: int
    capped: bool
    page: int
    pages: int


def _conditions(user: User, filters: Filters) -> list:
    """Visibility (rule 3) and the filters, as conditions on Practice."""
    conditions = [policy.visible_clause(user)]
    if filters.theme_id:
        conditions.append(
            sa.exists().where(practice_theme.c.practice_id == Practice.id, practice_theme.c.theme_id == filters.theme_id)
        )
    if filters.approach:
        conditions.append(
            sa.exists().where(
                practice_approach.c.practice_id == Practice.id, practice_approach.c.approach == filters.approach
            )
        )
    if filters.sector:
        conditions.append(
            sa.exists().where(practice_sector.c.practice_id == Practice.id, practice_sector.c.sector == filters.sector)
        )
    if filters.region_id:
        conditions.append(Practice.region_id == filters.region_id)
    if filters.organization_id:
        conditions.append(Practice.organization_id == filters.organization_id)
    return conditions


def find(user: User, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> ResultPage:
    """Visible published practices matching the filters, most recent first; with a query, the
    most relevant first (among the most recent matches: see ``search``), then the most recent."""
    conditions = _conditions(user, filters)
    if not is_sqlite():
        # Short, latency-bound queries: on a small server, starting parallel workers costs more
        # than it saves (this lasts until the end of the transaction).
        db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    if filters.q.strip():
        return _search(user, filters, conditions, page, per_page)
    stmt = sa.select(Practice).where(*conditions)
    counted = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            stmt.with_only_columns(Practice.id).limit(COUNT_CAP + 1).subquery()
        )
    )
    capped = counted > COUNT_CAP
    total = min(counted, COUNT_CAP)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = list(
        db.session.scalars(
            stmt.order_by(Practice.published_at.desc(), Practice.id.desc()).limit(per_page).offset((page - 1) * per_page)
        ).unique()
    )
    _load_themes(items)
    return ResultPage(items=items, total=total, capped=capped, page=page, pages=pages)


def _search(user: User, filters: Filters, conditions: list, page: int, per_page: int) -> ResultPage:
    found = search.window(user, filters, conditions)
    capped = len(found) > COUNT_CAP
    found = found[:COUNT_CAP]
    total = len(found)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    # The window comes most recent first: a stable sort on relevance keeps recency for ties.
    ordered = sorted(found, key=lambda row: row[1])
    ids = [pid for pid, _rank in ordered[(page - 1) * per_page : page * per_page]]
    loaded = {p.id: p for p in db.session.scalars(sa.select(Practice).where(Practice.id.in_(ids), *conditions)).unique()}
    items = [loaded[i] for i in ids if i in loaded]
    _load_themes(items)
    return ResultPage(items=items, total=total, capped=capped, page=page, pages=pages)


def _load_themes(items: list[Practice]) -> None:
    """Themes of a page of results in one query (not one per practice)."""
    if not items:
        return
    by_id = {p.id: p for p in items}
    rows = db.session.execute(
        sa.select(practice_theme.c.practice_id, Theme)
        .join(Theme, Theme.id == practice_theme.c.theme_id)
        .where(practice_theme.c.practice_id.in_(by_id))
        .order_by(Theme.name_fr)
    ).all()
    grouped: dict[int, list[Theme]] = {pid: [] for pid in by_id}
    for pid, theme in rows:
        grouped[pid].append(theme)
    from sqlalchemy.orm.attributes import set_committed_value

    for pid, practice in by_id.items():
        set_committed_value(practice, "themes", grouped[pid])


def related(user: User, practice: Practice, limit: int = 5) -> list[Practice]:
    """Visible practices sharing the most themes with this one, then the most recent."""
    theme_ids = [t.id for t in practice.themes]
    if not theme_ids:
        return []
    shared = (
        sa.select(practice_theme.c.practice_id.label("pid"), sa.func.count().label("n"))
        .where(practice_theme.c.theme_id.in_(theme_ids), practice_theme.c.practice_id != practice.id)
        .group_by(practice_theme.c.practice_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Practice)
            .join(shared, shared.c.pid == Practice.id)
            .where(policy.visible_clause(user))
            .order_by(shared.c.n.desc(), Practice.published_at.desc())
            .limit(limit)
        ).unique()
    )


def bookmarked(user: User) -> list[Practice]:
    """« Ma sélection »: what this person kept and may still see."""
    items = list(
        db.session.scalars(
            sa.select(Practice)
            .join(PracticeBookmark, sa.and_(PracticeBookmark.practice_id == Practice.id, PracticeBookmark.user_id == user.id))
            .where(policy.visible_clause(user))
            .order_by(PracticeBookmark.created_at.desc())
            .limit(200)
        ).unique()
    )
    _load_themes(items)
    return items


def organization_practices(user: User) -> list[Practice]:
    """Every practice of this person's organization, whatever its state."""
    items = list(
        db.session.scalars(
            sa.select(Practice)
            .where(Practice.organization_id == user.organization_id)
            .order_by(Practice.updated_at.desc())
            .limit(200)
        ).unique()
    )
    _load_themes(items)
    return items


def revisions(practice: Practice) -> list[PracticeRevision]:
    return list(
        db.session.scalars(
            sa.select(PracticeRevision).where(PracticeRevision.practice_id == practice.id).order_by(PracticeRevision.number.desc())
        )
    )


def revision(practice: Practice, number: int) -> PracticeRevision | None:
    return db.session.scalar(
        sa.select(PracticeRevision).where(PracticeRevision.practice_id == practice.id, PracticeRevision.number == number)
    )


def filter_choices(user: User | None = None) -> dict:
    """What the filters offer: themes, regions and the organizations that have a practice to find
    (shared with the network, or the reader's own): names only, never an address. Listing every
    member organization would put hundreds of options in each page of the library."""
    authors = sa.select(Practice.organization_id).where(
        Practice.status == Status.PUBLISHED,
        sa.or_(
            Practice.visibility == Visibility.NETWORK,
            Practice.organization_id == (user.organization_id if user is not None else None),
        ),
    )
    return {
        "themes": list_themes(),
        "regions": list(db.session.scalars(sa.select(Region).order_by(Region.name))),
        "organizations": list(
            db.session.execute(
                sa.select(Organization.id, Organization.name)
                .where(
                    Organization.active.is_(True),
                    Organization.is_network.is_(False),
                    Organization.id.in_(authors),
                )
                .order_by(Organization.name)
            )
        ),
    }


# --- digest and home ---------------------------------------------------------------------------------


def collect_digest(
    user: User, since: datetime, *, theme_ids=None, region_ids=None, limit: int = 20
) -> list[events.DigestItem]:
    """New or updated practices this member may see, optionally only on their themes/regions.

    The latest ``limit`` of each region (and of those without one): the digest then keeps the
    member's regions, so a region followed is never crowded out by busier ones.
    """
    where = [policy.visible_clause(user), Practice.published_at > since]
    if theme_ids:
        where.append(
            sa.exists().where(practice_theme.c.practice_id == Practice.id, practice_theme.c.theme_id.in_(list(theme_ids)))
        )
    if region_ids:
        where.append(Practice.region_id.in_(list(region_ids)))
    ranked = (
        sa.select(
            Practice.id,
            sa.func.row_number()
            .over(partition_by=Practice.region_id, order_by=(Practice.published_at.desc(), Practice.id.desc()))
            .label("rank"),
        )
        .where(*where)
        .subquery()
    )
    stmt = (
        sa.select(Practice)
        .join(ranked, ranked.c.id == Practice.id)
        .where(ranked.c.rank <= limit)
        .order_by(Practice.published_at.desc(), Practice.id.desc())
    )
    items = list(db.session.scalars(stmt).unique())
    _load_themes(items)
    return [
        _digest_item(
            p.id, p.title, p.summary, p.organization.name, p.published_at, p.region_id, tuple(t.id for t in p.themes)
        )
        for p in items
    ]


def collect_digest_many(requests, *, limit: int = 20) -> dict[int, list[events.DigestItem]]:
    """``collect_digest(user, since)`` for each ``(user, since)`` of a chunk, in two queries.

    What a member may see (``policy.visible_clause``) depends on their organization only: the
    practices published to the network, and their organization's own. So the chunk reads, since
    its oldest ``since``, the latest ``limit`` practices of the network and the latest ``limit``
    organization-only ones of each organization in the chunk, in each region (ranked apart by a
    window); each member's list is then their own organization's practices and the network's,
    since their own ``since``, the latest ``limit`` of each region: what ``collect_digest`` reads
    for them. Columns only, no
    mapped objects: a chunk reads a hundred practices or so and keeps none of them.
    """
    requests = list(requests)
    if not requests:
        return {}
    oldest = min(since for _user, since in requests)
    organizations = {user.organization_id for user, _since in requests}
    audience = sa.case((Practice.visibility == Visibility.NETWORK, None), else_=Practice.organization_id)
    ranked = (
        sa.select(
            Practice.id,
            sa.func.row_number()
            .over(
                partition_by=(audience, Practice.region_id),
                order_by=(Practice.published_at.desc(), Practice.id.desc()),
            )
            .label("rank"),
        )
        .where(
            Practice.status == Status.PUBLISHED,
            sa.or_(Practice.visibility == Visibility.NETWORK, Practice.organization_id.in_(organizations)),
            Practice.published_at > oldest,
        )
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            Practice.id,
            Practice.title,
            Practice.summary,
            Organization.name,
            Practice.published_at,
            Practice.region_id,
            Practice.organization_id,
            Practice.visibility,
        )
        .join(Organization, Organization.id == Practice.organization_id)
        .join(ranked, ranked.c.id == Practice.id)
        .where(ranked.c.rank <= limit)
        .order_by(Practice.published_at.desc(), Practice.id.desc())
    ).all()
    themes = _theme_ids([row.id for row in rows])
    # (published at, organization-only practice's organization or None, item), most recent first.
    found = [
        (
            row.published_at,
            None if row.visibility == Visibility.NETWORK else row.organization_id,
            _digest_item(
                row.id, row.title, row.summary, row.name, row.published_at, row.region_id, themes.get(row.id, ())
            ),
        )
        for row in rows
    ]
    result = {}
    for user, since in requests:
        own = user.organization_id
        # visible_clause: published (all of them here), and network-wide or the member's own;
        # then the latest ``limit`` of each region, as collect_digest reads them.
        per_region: dict[int | None, int] = {}
        kept = []
        for when, org, item in found:
            if when > since and (org is None or org == own):
                seen = per_region.get(item.region_id, 0)
                if seen < limit:
                    per_region[item.region_id] = seen + 1
                    kept.append(item)
        result[user.id] = kept
    return result


def _theme_ids(practice_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Theme ids of practices, in the order of ``Practice.themes`` (by French name)."""
    if not practice_ids:
        return {}
    grouped: dict[int, list[int]] = {}
    for practice_id, theme_id in db.session.execute(
        sa.select(practice_theme.c.practice_id, Theme.id)
        .join(Theme, Theme.id == practice_theme.c.theme_id)
        .where(practice_theme.c.practice_id.in_(practice_ids))
        .order_by(Theme.name_fr)
    ):
        grouped.setdefault(practice_id, []).append(theme_id)
    return {practice_id: tuple(ids) for practice_id, ids in grouped.items()}


def _digest_item(practice_id, title, summary, organization_name, published_at, region_id, theme_ids):
    return events.DigestItem(
        kind="practice",
        title=title,
        endpoint="practices.show",
        values={"practice_id": practice_id},
        summary=summary,
        organization_name=organization_name,
        when=published_at,
        region_id=region_id,
        theme_ids=theme_ids,
    )


def home_context(user: User) -> dict:
    latest = list(
        db.session.scalars(
            sa.select(Practice)
            .where(policy.visible_clause(user))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
            .limit(5)
        ).unique()
    )
    drafts = db.session.scalar(
        sa.select(sa.func.count(Practice.id)).where(
            Practice.organization_id == user.organization_id, Practice.status == Status.DRAFT
        )
    )
    return {"latest": latest, "drafts": drafts}


def can_still_see_pdf_task(task, user: User) -> bool:
    """A practice's PDF task (args: practice id, locale) is seen only by who may see the practice now."""
    practice = db.session.get(Practice, int(task.args[0])) if task.args else None
    return practice is not None and policy.can_view(user, practice)


def published_by_organization(user: User, organization_id: int, limit: int = 5) -> list[Practice]:
    """An organization's latest published practices that ``user`` may read (its directory profile)."""
    return list(
        db.session.scalars(
            sa.select(Practice)
            .where(Practice.organization_id == organization_id, policy.visible_clause(user))
            .order_by(Practice.published_at.desc(), Practice.id.desc())
            .limit(limit)
        ).unique()
    )
