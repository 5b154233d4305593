"""Who may read, take part in and run a space: the one place these rules live."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from .meetings.models import MeetingRegistration
from .models import Post, Space, SpaceFacilitator, SpaceMember, SpaceVisibility


def is_member(user: User, space: Space) -> bool:
    """Whether the person's organization sits in the space (asked once per request and space)."""
    known = g.setdefault("space_membership", {}) if has_request_context() else {}
    key = (space.id, user.organization_id)
    if key not in known:
        known[key] = bool(
            db.session.scalar(
                sa.select(SpaceMember.id).where(
                    SpaceMember.space_id == space.id, SpaceMember.organization_id == user.organization_id
                )
            )
        )
    return known[key]


def forget_memberships() -> None:
    """After seating or unseating an organization within a request."""
    if has_request_context():
        g.pop("space_membership", None)


def is_facilitator(user: User, space: Space) -> bool:
    return bool(
        db.session.scalar(
            sa.select(SpaceFacilitator.id).where(
                SpaceFacilitator.space_id == space.id, SpaceFacilitator.user_id == user.id
            )
        )
    )


def can_read(user: User, space: Space) -> bool:
    if space.visibility == SpaceVisibility.NETWORK or user.is_staff:
        return True
    return is_member(user, space)


def readable_clause(user: User):
    """SQL twin of ``can_read`` for lists and search."""
    if user.is_staff:
        return sa.true()
    member_of = sa.select(SpaceMember.space_id).where(SpaceMember.organization_id == user.organization_id)
    return sa.or_(Space.visibility == SpaceVisibility.NETWORK, Space.id.in_(member_of))


def participant_clause(user: User):
    """SQL twin of ``can_post`` (who takes part in a space): for lists and search."""
    if user.is_staff:
        return sa.true()
    member_of = sa.select(SpaceMember.space_id).where(SpaceMember.organization_id == user.organization_id)
    facilitates = sa.select(SpaceFacilitator.space_id).where(SpaceFacilitator.user_id == user.id)
    return sa.or_(Space.id.in_(member_of), Space.id.in_(facilitates))


def can_post(user: User, space: Space) -> bool:
    """Member organizations' people, the network's team and the facilitators take part."""
    return user.is_staff or is_member(user, space) or is_facilitator(user, space)


def can_manage(user: User, space: Space) -> bool:
    """Who seats organizations and moderates: the network's team and the space's facilitators."""
    return user.is_staff or is_facilitator(user, space)


def can_edit_post(user: User, post: Post, *, manages: bool | None = None) -> bool:
    """Its author, or who manages the space (``manages``: already known, for a page of posts)."""
    if post.deleted_at is not None:
        return False
    return post.author_id == user.id or (can_manage(user, post.thread.space) if manages is None else manages)


# --- meetings -------------------------------------------------------------------------------------


def can_run_meetings(user: User, space: Space) -> bool:
    """Who schedules meetings, runs their time polls and publishes minutes."""
    return can_manage(user, space)


def can_answer_poll(user: User, meeting) -> bool:
    """The people of the space's member organizations, while the poll is open."""
    return meeting.poll_open and is_member(user, meeting.space)


def can_register(user: User, meeting) -> bool:
    """A coordinator or any person of a member organization registers the organization, once the
    date is set and until the meeting starts."""
    return meeting.starts_at is not None and meeting.starts_at > utcnow() and is_member(user, meeting.space)


def is_registered(user: User, meeting) -> bool:
    if user.organization_id is None:
        return False
    return bool(
        db.session.scalar(
            sa.select(MeetingRegistration.id).where(
                MeetingRegistration.meeting_id == meeting.id,
                MeetingRegistration.organization_id == user.organization_id,
            )
        )
    )


def can_see_place(user: User, meeting) -> bool:
    """The town or the link: to the registered organizations' people, the facilitators and staff."""
    return can_manage(user, meeting.space) or is_registered(user, meeting)


def can_write_minutes(user: User, meeting) -> bool:
    """Once the meeting has started."""
    return (
        can_run_meetings(user, meeting.space)
        and meeting.starts_at is not None
        and meeting.starts_at <= utcnow()
    )


# --- protocols (spaces/protocols/) --------------------------------------------------------------


def can_draft_protocol(user: User, space: Space) -> bool:
    """The network's team and the space's facilitators draft protocols."""
    return can_manage(user, space)


def can_see_protocol(user: User, protocol) -> bool:
    """A draft is the space's own work: only who takes part in it (its member organizations, the
    facilitators, the team) sees it. Once open for signature, whoever reads the space does."""
    if not can_read(user, protocol.space):
        return False
    return protocol.status != "draft" or can_post(user, protocol.space)


def can_edit_protocol(user: User, protocol) -> bool:
    return protocol.status == "draft" and can_draft_protocol(user, protocol.space)


def can_sign_protocol(user: User, protocol) -> bool:
    """A coordinator of a member organization of the space, for that organization, while it is open."""
    return (
        protocol.status == "open"
        and user.organization_id is not None
        and user.is_coordinator_of(user.organization_id)
        and is_member(user, protocol.space)
    )
