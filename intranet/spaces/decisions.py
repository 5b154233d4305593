"""Decisions of a space (issue 20): proposals, positions agree / abstain / disagree / block with a
reason, results shown while open or only at closing, an outcome recorded and notified.

Services add and flush, never commit; they take the acting person and never read the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import events
from ..accounts.models import Role, User
from ..database import page_of, utcnow
from ..extensions import db
from . import policy, services
from .models import Choice, Proposal, Space, SpaceMember, Stance

MODES = ("organization", "person")
REMIND_BEFORE = timedelta(hours=24)


class DecisionError(Exception):
    """A rule refused the change; the message is for the person."""


def is_open(proposal: Proposal, now: datetime | None = None) -> bool:
    return proposal.outcome_at is None and (now or utcnow()) < proposal.closes_at


def can_propose(user: User, space: Space) -> bool:
    return policy.can_post(user, space)


def can_take_position(user: User, proposal: Proposal) -> bool:
    """In a member organization of the space; for one position per organization, its coordinator."""
    if not is_open(proposal) or not policy.is_member(user, proposal.space):
        return False
    return proposal.mode == "person" or user.is_coordinator_of(user.organization_id)


def can_close(user: User, proposal: Proposal) -> bool:
    return proposal.author_id == user.id or policy.can_manage(user, proposal.space)


def results_visible(user: User, proposal: Proposal) -> bool:
    return proposal.results_open or not is_open(proposal)


def propose(
    actor: User, space: Space, *, title: str, body: str, closes_at: datetime, mode: str, results_open: bool
) -> Proposal:
    if not can_propose(actor, space):
        raise DecisionError(_l("Seules les organisations membres de l’espace font des propositions."))
    if mode not in MODES:
        raise DecisionError(_l("Choix inconnu."))
    if closes_at <= utcnow() + timedelta(hours=1):
        raise DecisionError(_l("La date de clôture doit laisser au moins une heure pour répondre."))
    proposal = Proposal(
        space_id=space.id,
        author_id=actor.id,
        title=title.strip(),
        body=body.strip(),
        closes_at=closes_at,
        mode=mode,
        results_open=results_open,
    )
    db.session.add(proposal)
    db.session.flush()
    _tell_space(proposal, actor, "space_proposal")
    return proposal


def _tell_space(proposal: Proposal, actor: User | None, kind: str, user_ids: list[int] | None = None) -> None:
    ids = user_ids if user_ids is not None else services.people_of(proposal.space)
    if ids:
        events.notify.send(
            None,
            user_ids=ids,
            kind=kind,
            title=proposal.title,
            endpoint="spaces.proposal",
            values={"proposal_id": proposal.id},
            actor_id=actor.id if actor else None,
        )


def take_position(actor: User, proposal: Proposal, choice: str, reason: str = "") -> Stance:
    """Record or change the actor's (or their organization's) position; one per voter, even under
    concurrent submissions: a second insert for the same voter becomes an update."""
    if not can_take_position(actor, proposal):
        raise DecisionError(_l("Vous ne pouvez pas prendre position sur cette proposition."))
    try:
        choice = Choice(choice)
    except ValueError as exc:
        raise DecisionError(_l("Choisissez une position.")) from exc
    voter = f"o{actor.organization_id}" if proposal.mode == "organization" else f"u{actor.id}"
    values = {"choice": choice, "reason": reason.strip(), "user_id": actor.id, "updated_at": utcnow()}
    stance = _stance(proposal, voter)
    if stance is None:
        try:
            with db.session.begin_nested():
                stance = Stance(
                    proposal_id=proposal.id, voter=voter, organization_id=actor.organization_id, **values
                )
                db.session.add(stance)
        except IntegrityError:  # another coordinator of the organization answered at the same moment
            stance = _stance(proposal, voter)
            assert stance is not None  # the other coordinator's
    for key, value in values.items():
        setattr(stance, key, value)
    db.session.flush()
    return stance


def _stance(proposal: Proposal, voter: str) -> Stance | None:
    return db.session.scalar(
        sa.select(Stance).where(Stance.proposal_id == proposal.id, Stance.voter == voter)
    )


def own_stance(user: User, proposal: Proposal) -> Stance | None:
    voter = f"o{user.organization_id}" if proposal.mode == "organization" else f"u{user.id}"
    return _stance(proposal, voter)


REASONS_PER_PAGE = 50
PROPOSALS_PER_PAGE = 20


@dataclass(frozen=True)
class Results:
    counts: dict[str, int]
    total: int
    reasons: list[Stance]  # one page of the positions given with a reason, who gave them loaded
    reasons_page: int
    reasons_pages: int
    expected: int  # organizations (or people) who may answer

    def share(self, choice: str) -> int:
        return round(100 * self.counts.get(choice, 0) / self.total) if self.total else 0


def results(proposal: Proposal, reasons_page: int = 1) -> Results:
    """Counts by position (one GROUP BY) and one page of the reasons: a decision with hundreds of
    positions renders in a few queries and within the page budget."""
    counts = dict(
        db.session.execute(
            sa.select(Stance.choice, sa.func.count(Stance.id))
            .where(Stance.proposal_id == proposal.id)
            .group_by(Stance.choice)
        ).all()
    )
    by_value = {getattr(choice, "value", choice): n for choice, n in counts.items()}
    with_reason = (Stance.proposal_id == proposal.id, Stance.reason != "")
    reasons = page_of(
        sa.select(Stance)
        .options(selectinload(Stance.organization), selectinload(Stance.user))
        .where(*with_reason)
        .order_by(Stance.choice, Stance.updated_at, Stance.id),
        reasons_page,
        REASONS_PER_PAGE,
    )
    seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == proposal.space_id)
    if proposal.mode == "organization":
        expected = db.session.scalar(sa.select(sa.func.count()).select_from(seated.subquery()))
    else:
        expected = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.organization_id.in_(seated), User.active)
        )
    return Results(
        {c.value: by_value.get(c.value, 0) for c in Choice},
        sum(by_value.values()),
        reasons.items,
        reasons.page,
        max(reasons.pages, 1),
        expected or 0,
    )


def close(actor: User, proposal: Proposal, outcome: str) -> None:
    if not can_close(actor, proposal):
        raise DecisionError(_l("Seules la personne qui a proposé et l’animation de l’espace concluent."))
    if proposal.outcome_at is not None:
        raise DecisionError(_l("Cette proposition est déjà conclue."))
    proposal.outcome = outcome.strip()
    proposal.outcome_at = utcnow()
    proposal.outcome_by_id = actor.id
    if proposal.closes_at > proposal.outcome_at:
        proposal.closes_at = proposal.outcome_at
    db.session.flush()
    _tell_space(proposal, actor, "space_outcome")


def _proposals_query(space: Space, open_only: bool):
    query = sa.select(Proposal).where(Proposal.space_id == space.id)
    if open_only:
        query = query.where(Proposal.outcome_at.is_(None), Proposal.closes_at > utcnow())
    return query.order_by(Proposal.closes_at.desc(), Proposal.id.desc())


def proposals(space: Space, *, open_only: bool = False, limit: int | None = None) -> list[Proposal]:
    query = _proposals_query(space, open_only)
    return list(db.session.scalars(query.limit(limit) if limit else query))


def proposals_page(space: Space, page: int = 1):
    """One page of the space's proposals (Flask-SQLAlchemy's pagination: ``items``, ``page``, ``pages``)."""
    return db.paginate(
        _proposals_query(space, False), page=max(1, page), per_page=PROPOSALS_PER_PAGE, error_out=False
    )


def send_reminders(now: datetime | None = None) -> int:
    """Remind who has not answered, once, within a day of closing (the scheduler calls it)."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Proposal).where(
            Proposal.outcome_at.is_(None),
            Proposal.reminded_at.is_(None),
            Proposal.closes_at > now,
            Proposal.closes_at <= now + REMIND_BEFORE,
        )
    ).all()
    for proposal in due:
        answered = set(db.session.scalars(sa.select(Stance.voter).where(Stance.proposal_id == proposal.id)))
        seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == proposal.space_id)
        people = db.session.scalars(
            sa.select(User).where(User.organization_id.in_(seated), User.active, User.closed_at.is_(None))
        ).all()
        if proposal.mode == "organization":
            waiting = [
                u.id for u in people if u.role == Role.COORDINATOR and f"o{u.organization_id}" not in answered
            ]
        else:
            waiting = [u.id for u in people if f"u{u.id}" not in answered]
        _tell_space(proposal, None, "space_proposal_reminder", waiting)
        proposal.reminded_at = now
    db.session.flush()
    return len(due)
