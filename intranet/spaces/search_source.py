"""Discussions, decisions, meetings and protocols of the spaces in the header's search
(``intranet.search``).

A thread, a proposal or a meeting belongs to its space and its readers are the space's readers
(``policy.readable_clause``): a space open to the network, or one whose member organizations
include the searcher's; the network's team reads them all. A removed message is not searched; a
meeting is found by its title, agenda and published minutes, never by its place; a protocol's
draft only by who takes part in the space (``policy.participant_clause``), as on its pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..database import is_sqlite
from ..extensions import db
from ..search import Found, Query, Result, Source, paged, register_source
from ..search.highlight import mark, prefix_matcher, snippet
from ..search.matching import all_words_in, all_words_in_folded
from .decisions import is_open
from .meetings.models import Meeting
from .models import Post, Proposal, Space, Thread
from .policy import participant_clause, readable_clause
from .protocols.models import Protocol, ProtocolStatus

# The messages searched are the most recent matching ones a person may read, at most ``WINDOW``:
# a common word is found by walking back from the newest message until enough matched, not by
# reading every message of every space; the count says « plus de » past it. On SQLite the walk
# first takes the ``RECENT`` newest messages by their key (bounded whatever the planner guesses of
# the words), then, if the window is not full, the older ones; PostgreSQL's trigram index on
# ``search_body`` lets its planner choose in one query.
WINDOW = 400
RECENT = 3000


def _walk(query: Query, user, need: int, *, before: int | None = None, walk: int | None = None) -> list[int]:
    """Thread ids of the ``need`` most recent readable messages holding every word, among the
    ``walk`` newest messages older than ``before`` (every older one without ``walk``)."""
    posts = sa.select(Post.id, Post.thread_id, Post.search_body).where(Post.deleted_at.is_(None))
    if before is not None:
        posts = posts.where(Post.id < before)
    posts = posts.order_by(Post.id.desc())
    recent = (posts.limit(walk) if walk else posts).subquery("recent")
    return list(
        db.session.scalars(
            sa.select(recent.c.thread_id)
            .join(Thread, Thread.id == recent.c.thread_id)
            .join(Space, Space.id == Thread.space_id)
            .where(readable_clause(user), *all_words_in_folded(recent.c.search_body, query.words))
            .order_by(recent.c.id.desc())
            .limit(need)
        )
    )


def _recent_matching_threads(query: Query, user) -> tuple[list[int], bool]:
    """Threads of the ``WINDOW`` most recent readable messages holding every word, and whether
    the window was full."""
    if not is_sqlite():
        # PostgreSQL has the trigram index: one query, the planner walks back from the newest
        # message for a common word and reads the index for a rare one.
        rows = _walk(query, user, WINDOW + 1)
        return list(dict.fromkeys(rows[:WINDOW])), len(rows) > WINDOW
    rows = _walk(query, user, WINDOW + 1, walk=RECENT)
    if len(rows) <= WINDOW:
        edge = db.session.scalar(sa.select(Post.id).order_by(Post.id.desc()).offset(RECENT - 1).limit(1))
        if edge is not None:
            rows += _walk(query, user, WINDOW + 1 - len(rows), before=edge)
    return list(dict.fromkeys(rows[:WINDOW])), len(rows) > WINDOW


def _first_matching_bodies(query: Query, thread_ids: list[int]) -> dict[int, str]:
    """Per thread, the first message that holds every word (for its snippet)."""
    if not thread_ids:
        return {}
    first = (
        sa.select(sa.func.min(Post.id))
        .where(
            Post.thread_id.in_(thread_ids),
            Post.deleted_at.is_(None),
            *all_words_in_folded(Post.search_body, query.words),
        )
        .group_by(Post.thread_id)
    )
    return dict(db.session.execute(sa.select(Post.thread_id, Post.body).where(Post.id.in_(first))).all())


def find_threads(query: Query, user, limit: int) -> Found:
    in_messages, capped = _recent_matching_threads(query, user)
    statement = (
        sa.select(Thread)
        .join(Space, Space.id == Thread.space_id)
        .where(
            readable_clause(user),
            sa.or_(sa.and_(*all_words_in([Thread.title], query.words)), Thread.id.in_(in_messages)),
        )
    )
    total, threads = paged(statement, query, limit, Thread.last_post_at.desc(), Thread.id.desc())
    bodies = _first_matching_bodies(query, [t.id for t in threads])
    matches = prefix_matcher(query.words)
    results = [
        Result(
            mark(thread.title, matches),
            url_for("spaces.thread", thread_id=thread.id),
            snippet(bodies.get(thread.id, ""), matches),
            " · ".join(
                (thread.space.name, ngettext("%(num)s message", "%(num)s messages", thread.post_count))
            ),
            thread.last_post_at,
        )
        for thread in threads
    ]
    return Found(total, results, capped)


def find_decisions(query: Query, user, limit: int) -> Found:
    statement = (
        sa.select(Proposal)
        .join(Space, Space.id == Proposal.space_id)
        .where(
            readable_clause(user),
            *all_words_in([Proposal.title, Proposal.body, Proposal.outcome], query.words),
        )
    )
    total, proposals = paged(statement, query, limit, Proposal.created_at.desc(), Proposal.id.desc())
    matches = prefix_matcher(query.words)
    results = [
        Result(
            mark(proposal.title, matches),
            url_for("spaces.proposal", proposal_id=proposal.id),
            snippet(f"{proposal.outcome}\n\n{proposal.body}" if proposal.outcome else proposal.body, matches),
            proposal.space.name,
            proposal.created_at,
            _("Ouverte") if is_open(proposal) else _("Close"),
        )
        for proposal in proposals
    ]
    return Found(total, results)


def find_meetings(query: Query, user, limit: int) -> Found:
    published_minutes = sa.case((Meeting.minutes_published_at.is_not(None), Meeting.minutes), else_="")
    statement = (
        sa.select(Meeting)
        .join(Space, Space.id == Meeting.space_id)
        .where(
            readable_clause(user),
            *all_words_in([Meeting.title, Meeting.agenda, published_minutes], query.words),
        )
    )
    total, meetings = paged(statement, query, limit, Meeting.starts_at.desc(), Meeting.id.desc())
    matches = prefix_matcher(query.words)
    results = [
        Result(
            mark(meeting.title, matches),
            url_for("spaces.meeting", meeting_id=meeting.id),
            snippet(
                f"{meeting.agenda}\n\n{meeting.minutes}" if meeting.minutes_published_at else meeting.agenda,
                matches,
            ),
            meeting.space.name,
            meeting.starts_at,
            _("Date à choisir") if meeting.starts_at is None else "",
        )
        for meeting in meetings
    ]
    return Found(total, results)


def find_protocols(query: Query, user, limit: int) -> Found:
    statement = (
        sa.select(Protocol)
        .join(Space, Space.id == Protocol.space_id)
        .where(
            readable_clause(user),
            sa.or_(Protocol.status != ProtocolStatus.DRAFT, participant_clause(user)),
            *all_words_in([Protocol.title, Protocol.body], query.words),
        )
    )
    total, protocols = paged(statement, query, limit, Protocol.updated_at.desc(), Protocol.id.desc())
    matches = prefix_matcher(query.words)
    labels = {
        ProtocolStatus.DRAFT: _("Projet"),
        ProtocolStatus.OPEN: _("À signer"),
        ProtocolStatus.ADOPTED: _("Adopté"),
        ProtocolStatus.ARCHIVED: _("Archivé"),
    }
    results = [
        Result(
            mark(protocol.title, matches),
            url_for("spaces.protocol", protocol_id=protocol.id),
            snippet(protocol.body, matches),
            protocol.space.name,
            protocol.adopted_at or protocol.updated_at,
            labels.get(ProtocolStatus(protocol.status), ""),
        )
        for protocol in protocols
    ]
    return Found(total, results)


def register(app: Flask) -> None:
    register_source(app, Source("threads", _l("Discussions des tables"), 50, find_threads))
    register_source(app, Source("decisions", _l("Décisions des tables"), 55, find_decisions))
    register_source(app, Source("meetings", _l("Rencontres des tables"), 56, find_meetings))
    register_source(app, Source("protocols", _l("Protocoles des tables"), 57, find_protocols))
