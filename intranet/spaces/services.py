"""The rules of spaces and their discussions. Services add and flush, never commit; they take the
acting person as an argument and never read the request."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from .. import events
from ..accounts.models import Organization, Region, Sector, User
from ..database import utcnow
from ..extensions import db
from ..practices.models import Practice
from ..practices.policy import visible_clause as practice_visible_clause
from ..text import fold
from . import policy, replies
from .models import (
    Post,
    PostReport,
    PostRevision,
    Space,
    SpaceFacilitator,
    SpaceKind,
    SpaceMember,
    SpaceVisibility,
    Thread,
    ThreadReader,
)

POSTS_PER_PAGE = 30
THREADS_ON_HOME = 10
WATCHES = ("following", "muted", "")


class SpaceError(Exception):
    """A rule refused the change; the message is for the person."""


# --- spaces -----------------------------------------------------------------------------------


def readable_spaces(user: User) -> list[Space]:
    return list(
        db.session.scalars(
            sa.select(Space).where(policy.readable_clause(user)).order_by(Space.kind, Space.name)
        )
    )


def regions_without_table() -> list[Region]:
    taken = sa.select(Space.region_id).where(Space.region_id.is_not(None))
    return list(db.session.scalars(sa.select(Region).where(Region.id.not_in(taken)).order_by(Region.name)))


def open_regional_table(actor: User, region: Region) -> Space:
    if not actor.is_staff:
        raise SpaceError(_l("Seule l’équipe du réseau ouvre une table régionale."))
    if db.session.scalar(sa.select(Space.id).where(Space.region_id == region.id)):
        raise SpaceError(_l("Cette région a déjà sa table."))
    space = Space(
        kind=SpaceKind.REGION,
        name=region.name,
        region_id=region.id,
        visibility=SpaceVisibility.NETWORK,
        immigration_seats=2,
        created_by_id=actor.id,
    )
    db.session.add(space)
    db.session.flush()
    return space


def create_space(
    actor: User, *, name: str, description: str, visibility: str, immigration_seats: int
) -> Space:
    if not actor.is_staff:
        raise SpaceError(_l("Seule l’équipe du réseau crée un espace thématique."))
    space = Space(
        kind=SpaceKind.THEME,
        name=name.strip(),
        description=description.strip(),
        visibility=SpaceVisibility(visibility),
        immigration_seats=immigration_seats,
        created_by_id=actor.id,
    )
    db.session.add(space)
    db.session.flush()
    return space


def update_space(
    actor: User, space: Space, *, description: str, visibility: str, immigration_seats: int
) -> None:
    if not policy.can_manage(actor, space):
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    space.description = description.strip()
    space.visibility = SpaceVisibility(visibility)
    space.immigration_seats = immigration_seats
    db.session.flush()


def members(space: Space) -> list[SpaceMember]:
    return list(
        db.session.scalars(
            sa.select(SpaceMember)
            .join(Organization, Organization.id == SpaceMember.organization_id)
            .where(SpaceMember.space_id == space.id)
            .order_by(Organization.name)
        )
    )


def facilitators(space: Space) -> list[SpaceFacilitator]:
    return list(db.session.scalars(sa.select(SpaceFacilitator).where(SpaceFacilitator.space_id == space.id)))


@dataclass(frozen=True)
class Seats:
    reserved: int
    taken: int

    @property
    def open(self) -> int:
        return max(0, self.reserved - self.taken)


def immigration_seats(space: Space, seated: list[SpaceMember]) -> Seats:
    taken = sum(1 for m in seated if m.organization.sector == Sector.IMMIGRATION)
    return Seats(space.immigration_seats, min(taken, space.immigration_seats))


def organizations_to_seat(space: Space) -> list[Organization]:
    seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == space.id)
    query = sa.select(Organization).where(Organization.active, Organization.id.not_in(seated))
    return list(db.session.scalars(query.order_by(Organization.name)))


def seat(actor: User, space: Space, organization: Organization) -> SpaceMember:
    if not policy.can_manage(actor, space):
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    existing = db.session.scalar(
        sa.select(SpaceMember).where(
            SpaceMember.space_id == space.id, SpaceMember.organization_id == organization.id
        )
    )
    if existing:
        return existing
    member = SpaceMember(space_id=space.id, organization_id=organization.id, joined_by_id=actor.id)
    db.session.add(member)
    db.session.flush()
    policy.forget_memberships()
    events.audit.send(
        None,
        action="space.seated",
        actor_id=actor.id,
        organization_id=organization.id,
        target_type="space",
        target_id=space.id,
        details={"organization_id": organization.id},
    )
    return member


def unseat(actor: User, space: Space, member: SpaceMember) -> None:
    if not policy.can_manage(actor, space) or member.space_id != space.id:
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    events.audit.send(
        None,
        action="space.unseated",
        actor_id=actor.id,
        organization_id=member.organization_id,
        target_type="space",
        target_id=space.id,
        details={"organization_id": member.organization_id},
    )
    db.session.delete(member)
    db.session.flush()
    policy.forget_memberships()


def name_facilitator(actor: User, space: Space, person: User) -> None:
    if not actor.is_staff:
        raise SpaceError(_l("Seule l’équipe du réseau nomme les personnes qui animent un espace."))
    if not policy.is_facilitator(person, space):
        db.session.add(SpaceFacilitator(space_id=space.id, user_id=person.id))
        db.session.flush()


def region_practices(user: User, space: Space, limit: int = 5) -> list[Practice]:
    if space.region_id is None:
        return []
    query = (
        sa.select(Practice)
        .where(practice_visible_clause(user), Practice.region_id == space.region_id)
        .order_by(Practice.published_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def seats_of(org_ids) -> dict[int, set[int]]:
    """The spaces where each of these organizations sits, in one query."""
    found: dict[int, set[int]] = {}
    rows = db.session.execute(
        sa.select(SpaceMember.organization_id, SpaceMember.space_id).where(
            SpaceMember.organization_id.in_(org_ids)
        )
    )
    for org_id, space_id in rows:
        found.setdefault(org_id, set()).add(space_id)
    return found


def people_of(space: Space) -> list[int]:
    """The active people of the space's member organizations (whom its news concern)."""
    seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == space.id)
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.organization_id.in_(seated), User.active, User.closed_at.is_(None))
        )
    )


def digest_items(user: User, since) -> list[events.DigestItem]:
    """New discussions at the tables where the member's organization sits (not their own)."""
    return digest_items_many([(user, since)])[user.id]


def digest_items_many(members) -> dict[int, list[events.DigestItem]]:
    """The same for a chunk of members, in two queries whatever its size: the spaces where their
    organizations sit, then the threads opened there since the earliest date asked."""
    if not members:
        return {}
    spaces_of = seats_of({user.organization_id for user, _since in members})
    seated = set().union(*spaces_of.values()) if spaces_of else set()
    earliest = min(since for _user, since in members)
    threads = (
        list(
            db.session.scalars(
                sa.select(Thread)
                .options(selectinload(Thread.space), selectinload(Thread.author))
                .where(Thread.space_id.in_(seated), Thread.created_at > earliest)
                .order_by(Thread.created_at.desc())
            )
        )
        if seated
        else []
    )
    found: dict[int, list[events.DigestItem]] = {}
    for user, since in members:
        mine = spaces_of.get(user.organization_id, set())
        found[user.id] = [
            events.DigestItem(
                kind="space_thread",
                title=thread.title,
                endpoint="spaces.thread",
                values={"thread_id": thread.id},
                organization_name=thread.space.name,
                person_name=thread.author.name if thread.author else None,
                when=thread.created_at,
                region_id=thread.space.region_id,
            )
            for thread in threads
            if thread.space_id in mine and thread.created_at > since and thread.author_id != user.id
        ][:20]
    return found


# --- threads and posts --------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadLine:
    thread: Thread
    unread: int


THREADS_PER_PAGE = 30


@dataclass(frozen=True)
class ThreadList:
    lines: list[ThreadLine]
    page: int
    pages: int


def thread_list(user: User, space: Space, page: int = 1) -> ThreadList:
    """One page of the space's discussions, the latest active first, with this reader's unread counts."""
    total = db.session.scalar(sa.select(sa.func.count(Thread.id)).where(Thread.space_id == space.id)) or 0
    pages = max(1, math.ceil(total / THREADS_PER_PAGE))
    page = min(max(1, page), pages)
    return ThreadList(
        recent_threads(user, space, THREADS_PER_PAGE, offset=(page - 1) * THREADS_PER_PAGE), page, pages
    )


def recent_threads(
    user: User, space: Space, limit: int | None = THREADS_ON_HOME, offset: int = 0
) -> list[ThreadLine]:
    read = (
        sa.select(ThreadReader.thread_id, ThreadReader.last_read_number)
        .where(ThreadReader.user_id == user.id)
        .subquery()
    )
    query = (
        sa.select(Thread, sa.func.coalesce(read.c.last_read_number, 0))
        .outerjoin(read, read.c.thread_id == Thread.id)
        .where(Thread.space_id == space.id)
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    )
    if limit:
        query = query.limit(limit).offset(offset)
    return [
        ThreadLine(thread, max(0, thread.post_count - last)) for thread, last in db.session.execute(query)
    ]


def _reader(user: User, thread: Thread) -> ThreadReader:
    reader = db.session.scalar(
        sa.select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id)
    )
    if reader is None:
        reader = ThreadReader(thread_id=thread.id, user_id=user.id, last_read_number=0, watch="")
        db.session.add(reader)
    return reader


def start_thread(actor: User, space: Space, *, title: str, body: str) -> Thread:
    if not policy.can_post(actor, space):
        raise SpaceError(_l("Seules les organisations membres de l’espace y ouvrent des discussions."))
    now = utcnow()
    thread = Thread(
        space_id=space.id, title=title.strip(), author_id=actor.id, created_at=now, last_post_at=now
    )
    db.session.add(thread)
    db.session.flush()
    post = _add_post(actor, thread, body)
    reader = _reader(actor, thread)
    reader.watch = "following"
    reader.last_read_number = post.number
    replies.email_post(post, _notify_mentions(actor, post))
    db.session.flush()
    return thread


def reply(actor: User, thread: Thread, body: str) -> Post:
    if not policy.can_post(actor, thread.space):
        raise SpaceError(_l("Seules les organisations membres de l’espace y répondent."))
    post = _add_post(actor, thread, body)
    reader = _reader(actor, thread)
    if reader.watch == "":
        reader.watch = "following"  # one follows what one took part in, as in Discourse
    reader.last_read_number = post.number
    mentioned = _notify_mentions(actor, post)
    followers = db.session.scalars(
        sa.select(User)
        .join(ThreadReader, ThreadReader.user_id == User.id)
        .where(ThreadReader.thread_id == thread.id, ThreadReader.watch == "following", User.id != actor.id)
    ).all()
    to_tell = [u for u in followers if u not in mentioned]
    if to_tell:
        events.notify.send(
            None,
            user_ids=[u.id for u in to_tell],
            kind="space_reply",
            title=thread.title,
            endpoint="spaces.thread",
            values={"thread_id": thread.id},
            actor_id=actor.id,
            organization_id=actor.organization_id,
        )
    replies.email_post(post, mentioned + to_tell)
    db.session.flush()
    return post


def _add_post(actor: User, thread: Thread, body: str) -> Post:
    # The thread row is the lock that numbers posts (SQLite: the request's write intent).
    locked = db.session.execute(
        sa.select(Thread).where(Thread.id == thread.id).with_for_update()
    ).scalar_one()
    number = locked.post_count + 1
    now = utcnow()
    post = Post(thread_id=thread.id, number=number, author_id=actor.id, body=body.strip(), created_at=now)
    db.session.add(post)
    locked.post_count = number
    locked.last_post_at = now
    db.session.flush()
    return post


_MENTION = re.compile(r"(?<![\w@])@([^\W\d_][\w’'-]*(?:[ \t]+[^\W\d_][\w’'-]*){0,3})")


def mentioned_readers(text: str, space: Space) -> list[User]:
    """People named « @Prénom Nom » who can read the space (a name of up to four words)."""
    wanted: set[str] = set()
    for match in _MENTION.finditer(text or ""):
        words = fold(match.group(1)).split()
        wanted.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
    if not wanted:
        return []
    firsts = {w.split()[0] for w in wanted}
    candidates = db.session.scalars(
        sa.select(User).where(
            User.active, User.closed_at.is_(None), sa.or_(*[User.name.ilike(f"{f[:3]}%") for f in firsts])
        )
    )
    found = [u for u in candidates if fold(u.name) in wanted and len(fold(u.name).split()) >= 2]
    return [u for u in found if policy.can_read(u, space)]


def _notify_mentions(actor: User, post: Post) -> list[User]:
    people = [u for u in mentioned_readers(post.body, post.thread.space) if u.id != actor.id]
    if people:
        events.notify.send(
            None,
            user_ids=[u.id for u in people],
            kind="space_mention",
            title=post.thread.title,
            endpoint="spaces.thread",
            values={"thread_id": post.thread_id},
            actor_id=actor.id,
            organization_id=actor.organization_id,
        )
    return people


def edit_post(actor: User, post: Post, body: str) -> None:
    if not policy.can_edit_post(actor, post):
        raise SpaceError(_l("Vous ne pouvez pas modifier ce message."))
    if body.strip() == post.body:
        return
    db.session.add(
        PostRevision(post_id=post.id, body=post.body, written_at=post.edited_at or post.created_at)
    )
    post.body = body.strip()
    post.edited_at = utcnow()
    db.session.flush()


def delete_post(actor: User, post: Post) -> None:
    """The text goes for good, its earlier versions too; the post's place stays, marked removed."""
    if not policy.can_edit_post(actor, post):
        raise SpaceError(_l("Vous ne pouvez pas retirer ce message."))
    db.session.execute(sa.delete(PostRevision).where(PostRevision.post_id == post.id))
    post.body = ""
    post.deleted_at = utcnow()
    db.session.flush()


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            sa.select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.written_at.desc())
        )
    )


@dataclass(frozen=True)
class ThreadPage:
    posts: list[Post]
    page: int
    pages: int
    first_unread: int | None  # the number of the first post new since the last visit


def thread_page(user: User, thread: Thread, page: int | None) -> ThreadPage:
    """A page of posts; without a page asked, the one holding the first unread post."""
    reader = db.session.scalar(
        sa.select(ThreadReader).where(ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id)
    )
    last_read = reader.last_read_number if reader else 0
    first_unread = last_read + 1 if last_read < thread.post_count else None
    pages = max(1, math.ceil(thread.post_count / POSTS_PER_PAGE))
    if page is None:
        page = (first_unread - 1) // POSTS_PER_PAGE + 1 if first_unread and last_read else 1
    page = min(max(1, page), pages)
    low = (page - 1) * POSTS_PER_PAGE
    posts = list(
        db.session.scalars(
            sa.select(Post)
            .options(selectinload(Post.author))
            .where(Post.thread_id == thread.id, Post.number > low, Post.number <= low + POSTS_PER_PAGE)
            .order_by(Post.number)
        )
    )
    return ThreadPage(posts, page, pages, first_unread)


def mark_read(user: User, thread: Thread, upto: int) -> None:
    reader = _reader(user, thread)
    if upto > reader.last_read_number:
        reader.last_read_number = min(upto, thread.post_count)
        db.session.flush()


def watch_of(user: User, thread: Thread) -> str:
    return (
        db.session.scalar(
            sa.select(ThreadReader.watch).where(
                ThreadReader.thread_id == thread.id, ThreadReader.user_id == user.id
            )
        )
        or ""
    )


def set_watch(user: User, thread: Thread, watch: str) -> None:
    if watch not in WATCHES:
        raise SpaceError(_l("Choix inconnu."))
    _reader(user, thread).watch = watch
    db.session.flush()


def quote(post: Post) -> str:
    """The post as a Markdown quotation, to start a reply with."""
    if post.deleted_at:
        return ""
    author = post.author.name if post.author else ""
    lines = [f"> {line}" if line else ">" for line in post.body.splitlines()]
    return (f"> **{author}** :\n" if author else "") + "\n".join(lines) + "\n\n"


def report(actor: User, post: Post, reason: str) -> PostReport:
    if not policy.can_read(actor, post.thread.space):
        raise SpaceError(_l("Message introuvable."))
    item = PostReport(post_id=post.id, reporter_id=actor.id, reason=reason.strip())
    db.session.add(item)
    db.session.flush()
    managers = {f.user_id for f in facilitators(post.thread.space)}
    if managers:
        events.notify.send(
            None,
            user_ids=sorted(managers),
            kind="space_report",
            title=post.thread.title,
            endpoint="spaces.reports",
            values={"space_id": post.thread.space_id},
            actor_id=actor.id,
        )
    return item


def open_reports(space: Space) -> list[PostReport]:
    return list(
        db.session.scalars(
            sa.select(PostReport)
            .join(Post, Post.id == PostReport.post_id)
            .join(Thread, Thread.id == Post.thread_id)
            .where(Thread.space_id == space.id, PostReport.resolved_at.is_(None))
            .order_by(PostReport.created_at)
        )
    )


def resolve_report(actor: User, item: PostReport) -> None:
    if not policy.can_manage(actor, item.post.thread.space):
        raise SpaceError(_l("Vous ne gérez pas cet espace."))
    item.resolved_at = utcnow()
    item.resolved_by_id = actor.id
    db.session.flush()
