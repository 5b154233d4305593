"""Who hears of a step in a text's life, and how (issue 17: calm notifications).

Only the people concerned: on the owners' side, those who worked on the text (its author, whoever
saved a version of it or commented on it), and the organization's coordinators when it is
published under the organization's name (or when none of the others is still there); on the
network's side, the staff who reviewed it, or the whole team when a text arrives that nobody has
looked at yet. Each step retires the notification of the step before
(a text is at one step at a time), and its emails wait a few minutes in the outbox, so that a
burst of steps (review started, approved, published) reaches each person as one email.
"""

from __future__ import annotations

import sqlalchemy as sa

from .. import events
from ..accounts.models import Role, User
from ..extensions import db
from ..mail.services import queue_email
from ..urls import external_url
from . import policy
from .models import Comment, Position, Status, Transition, Version

STEP_KINDS = tuple(f"advocacy_{action}" for action in policy.TRANSITIONS)
REVIEW_ACTIONS = ("start_review", "request_changes", "approve", "publish")


def object_key(position: Position) -> str:
    return events.object_key("advocacy.show", {"position_id": position.id})


def active_staff(ids: set[int] | None = None) -> list[User]:
    query = sa.select(User).where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active.is_(True))
    if ids is not None:
        query = query.where(User.id.in_(ids or {-1}))
    return list(db.session.scalars(query))


def reviewers(position: Position) -> list[User]:
    """The staff who acted on the text's review."""
    ids = {
        actor_id
        for actor_id in db.session.scalars(
            sa.select(Transition.actor_id).where(
                Transition.position_id == position.id,
                Transition.action.in_(REVIEW_ACTIONS),
                Transition.actor_id.is_not(None),
            )
        )
        if actor_id is not None
    }
    return active_staff(ids) if ids else []


def owners_to_tell(position: Position, *, coordinators: bool = False) -> list[User]:
    """The owning organization's people who worked on the text; its coordinators too when asked
    (the text goes out under the organization's name), or when none of the others is left."""
    worked = {position.author_id} if position.author_id else set()
    worked |= set(
        db.session.scalars(
            sa.select(Version.created_by_id).where(
                Version.position_id == position.id, Version.created_by_id.is_not(None)
            )
        )
    )
    worked |= set(
        db.session.scalars(
            sa.select(Comment.author_id)
            .join(Version, Version.id == Comment.version_id)
            .where(Version.position_id == position.id, Comment.author_id.is_not(None))
        )
    )
    mine = (User.organization_id == position.organization_id, User.active.is_(True))
    people = list(db.session.scalars(sa.select(User).where(*mine, User.id.in_(worked or {-1}))))
    if coordinators or not people:
        known = {u.id for u in people}
        people += [
            u
            for u in db.session.scalars(sa.select(User).where(*mine, User.role == Role.COORDINATOR))
            if u.id not in known
        ]
    return people


def recipients_of(position: Position, step: Transition) -> list[User]:
    if step.action == "submit":
        return active_staff()
    if step.action == "resubmit":
        return reviewers(position) or active_staff()
    return owners_to_tell(position, coordinators=step.action == "publish")


def announce(actor: User, position: Position, step: Transition) -> None:
    """Tell the people concerned, once each: a notification (the step before retired) and an email."""
    key = object_key(position)
    recipients = [u for u in recipients_of(position, step) if u.id != actor.id]
    if not recipients:
        events.retire.send(
            None, object_key=key, kinds=[k for k in STEP_KINDS if k != f"advocacy_{step.action}"]
        )
        return
    events.notify.send(
        None,
        user_ids=[u.id for u in recipients],
        kind=f"advocacy_{step.action}",
        title=position.title,
        endpoint="advocacy.show",
        values={"position_id": position.id},
        actor_id=actor.id,
        organization_id=position.organization_id,
        object_key=key,
        retires=STEP_KINDS,
    )
    link = external_url("advocacy.show", position_id=position.id)
    for person in recipients:
        queue_email(
            to=person.email,
            kind="advocacy_transition",
            template="advocacy_transition",
            # A text under review is a draft (capped by the network); once published it is not.
            content="advocacy" if step.to_status in (Status.PUBLISHED, Status.ARCHIVED) else "advocacy_draft",
            locale=person.locale,
            user_id=person.id,
            dedupe_key=f"advocacy-transition-{step.id}-{person.id}",
            coalesce=f"advocacy_position:{position.id}",
            user_name=person.name,
            title=position.title,
            organization_name=position.organization.name,
            status=step.to_status.value,
            action=step.action,
            actor_name=actor.name,
            note=step.note,
            version_number=step.version_number,
            link=link,
        )
