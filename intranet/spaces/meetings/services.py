"""The rules of a space's meetings: scheduling (a date, or a time poll first), answers, the pick,
registrations by organization, minutes and their files.

Services add and flush, never commit; they take the acting person and never read the request.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ... import events
from ...accounts.models import User
from ...database import page_of, utcnow
from ...extensions import db
from ...files.services import UploadError, attach_upload, remove_attached
from .. import policy
from .. import services as spaces
from ..models import Space
from .models import Answer, Meeting, MeetingAttachment, MeetingRegistration, PollAnswer, Slot

MIN_SLOTS, MAX_SLOTS = 2, 8
PER_PAGE = 20
MAX_PEOPLE = 50  # people one organization may bring


class MeetingError(Exception):
    """A rule refused the change; the message is for the person, ``field`` the form field it is about."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Place:
    is_online: bool
    town: str = ""
    online_url: str = ""


def _tell_space(meeting: Meeting, actor: User | None, kind: str, user_ids: list[int] | None = None) -> None:
    ids = user_ids if user_ids is not None else spaces.people_of(meeting.space)
    if ids:
        events.notify.send(
            None,
            user_ids=ids,
            kind=kind,
            title=meeting.title,
            endpoint="spaces.meeting",
            values={"meeting_id": meeting.id},
            actor_id=actor.id if actor else None,
        )


def _check_place(place: Place) -> None:
    if place.is_online and not place.online_url.strip():
        raise MeetingError(_l("Donnez le lien de la rencontre en ligne."), "online_url")
    if not place.is_online and not place.town.strip():
        raise MeetingError(_l("Indiquez la ville de la rencontre."), "town")


def schedule(
    actor: User,
    space: Space,
    *,
    title: str,
    agenda: str,
    duration_minutes: int,
    place: Place,
    starts_at: datetime | None = None,
    slots: list[datetime] | None = None,
) -> Meeting:
    """A meeting at ``starts_at``, or a time poll over ``slots`` (2 to 8) when no date is given."""
    if not policy.can_run_meetings(actor, space):
        raise MeetingError(
            _l("Seules les personnes qui animent l’espace et l’équipe du réseau planifient les rencontres.")
        )
    _check_place(place)
    now = utcnow()
    meeting = Meeting(
        space_id=space.id,
        title=title.strip(),
        agenda=agenda.strip(),
        duration_minutes=duration_minutes,
        is_online=place.is_online,
        town="" if place.is_online else place.town.strip(),
        online_url=place.online_url.strip() if place.is_online else "",
        created_by_id=actor.id,
    )
    if starts_at is not None:
        if starts_at <= now:
            raise MeetingError(_l("La date de la rencontre doit être à venir."), "starts_at")
        meeting.starts_at = starts_at
    else:
        proposed = sorted(set(slots or ()))
        if not MIN_SLOTS <= len(proposed) <= MAX_SLOTS:
            raise MeetingError(_l("Proposez de 2 à 8 créneaux différents, ou une date."), "when")
        if proposed[0] <= now:
            raise MeetingError(_l("Les créneaux proposés doivent être à venir."), "when")
        meeting.polled = True
    db.session.add(meeting)
    db.session.flush()
    if meeting.polled:
        db.session.add_all(Slot(meeting_id=meeting.id, starts_at=when) for when in proposed)
        db.session.flush()
    meeting.space = space
    _tell_space(meeting, actor, "space_meeting")
    return meeting


def update(
    actor: User,
    meeting: Meeting,
    *,
    title: str,
    agenda: str,
    duration_minutes: int,
    place: Place,
    starts_at: datetime | None = None,
) -> None:
    """Change what was planned; a new time or place raises the calendar's sequence."""
    if not policy.can_run_meetings(actor, meeting.space):
        raise MeetingError(_l("Vous n’animez pas cet espace."))
    _check_place(place)
    moved = (
        (starts_at is not None and starts_at != meeting.starts_at)
        or duration_minutes != meeting.duration_minutes
        or place.is_online != meeting.is_online
        or place.town.strip() != meeting.town
        or place.online_url.strip() != meeting.online_url
    )
    rescheduled = starts_at is not None and not meeting.poll_open and starts_at != meeting.starts_at
    if rescheduled:
        meeting.starts_at = starts_at
    meeting.title = title.strip()
    meeting.agenda = agenda.strip()
    meeting.duration_minutes = duration_minutes
    meeting.is_online = place.is_online
    meeting.town = "" if place.is_online else place.town.strip()
    meeting.online_url = place.online_url.strip() if place.is_online else ""
    if moved:
        meeting.sequence += 1
    db.session.flush()
    if rescheduled:
        _tell_space(meeting, actor, "space_meeting_date")


# --- the time poll --------------------------------------------------------------------------------


def slots(meeting: Meeting) -> list[Slot]:
    return list(
        db.session.scalars(sa.select(Slot).where(Slot.meeting_id == meeting.id).order_by(Slot.starts_at))
    )


def own_answers(user: User, meeting: Meeting) -> dict[int, str]:
    rows = db.session.execute(
        sa.select(PollAnswer.slot_id, PollAnswer.answer).where(
            PollAnswer.meeting_id == meeting.id, PollAnswer.user_id == user.id
        )
    )
    return {slot_id: answer.value for slot_id, answer in rows}


def answer_poll(actor: User, meeting: Meeting, answers: dict[int, str]) -> None:
    """The person's answer set: one answer per slot, all of them, changed until the poll closes.
    A second insert for the same slot and person (a double submission) becomes an update."""
    if not policy.can_answer_poll(actor, meeting):
        raise MeetingError(_l("Vous ne pouvez pas répondre à ce sondage."))
    proposed = slots(meeting)
    try:
        chosen = {slot.id: Answer(answers[slot.id]) for slot in proposed}
    except (KeyError, ValueError) as exc:
        raise MeetingError(_l("Répondez pour chaque créneau : oui, si besoin ou non.")) from exc
    now = utcnow()
    mine = {
        row.slot_id: row
        for row in db.session.scalars(
            sa.select(PollAnswer).where(PollAnswer.meeting_id == meeting.id, PollAnswer.user_id == actor.id)
        )
    }
    for slot_id, answer in chosen.items():
        row = mine.get(slot_id)
        if row is None:
            try:
                with db.session.begin_nested():
                    row = PollAnswer(
                        meeting_id=meeting.id,
                        slot_id=slot_id,
                        user_id=actor.id,
                        answer=answer,
                        updated_at=now,
                    )
                    db.session.add(row)
            except IntegrityError:
                row = db.session.execute(
                    sa.select(PollAnswer).where(PollAnswer.slot_id == slot_id, PollAnswer.user_id == actor.id)
                ).scalar_one()  # the answer given at the same moment
        row.answer, row.updated_at = answer, now
    db.session.flush()


@dataclass
class SlotResult:
    slot: Slot
    counts: dict[str, int] = field(default_factory=lambda: {a.value: 0 for a in Answer})

    @property
    def score(self) -> tuple[int, int]:
        return (self.counts["yes"], self.counts["maybe"])


@dataclass(frozen=True)
class PollResults:
    rows: list[SlotResult]
    respondents: list[str]  # names of who answered
    best: int | None  # the slot with the most "yes" (then "if need be")

    @property
    def total(self) -> int:
        return len(self.respondents)


def poll_results(meeting: Meeting) -> PollResults:
    """Counts per slot and who answered: two queries whatever the number of answers."""
    rows = [SlotResult(slot) for slot in slots(meeting)]
    by_slot = {row.slot.id: row for row in rows}
    counted = db.session.execute(
        sa.select(PollAnswer.slot_id, PollAnswer.answer, sa.func.count())
        .where(PollAnswer.meeting_id == meeting.id)
        .group_by(PollAnswer.slot_id, PollAnswer.answer)
    )
    for slot_id, answer, count in counted:
        if slot_id in by_slot:
            by_slot[slot_id].counts[answer.value] = count
    names = list(
        db.session.scalars(
            sa.select(User.name)
            .where(User.id.in_(sa.select(PollAnswer.user_id).where(PollAnswer.meeting_id == meeting.id)))
            .order_by(User.name)
        )
    )
    best = max(rows, key=lambda r: r.score) if rows and names else None
    return PollResults(rows, names, best.slot.id if best and best.score > (0, 0) else None)


def pick_slot(actor: User, meeting: Meeting, slot_id: int) -> None:
    """The facilitator's choice: it closes the poll, sets the date and tells the space."""
    if not policy.can_run_meetings(actor, meeting.space):
        raise MeetingError(_l("Seules les personnes qui animent l’espace choisissent la date."))
    if not meeting.poll_open:
        raise MeetingError(_l("Le sondage est déjà clos."))
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.meeting_id != meeting.id:
        raise MeetingError(_l("Choisissez un des créneaux proposés."))
    meeting.starts_at = slot.starts_at
    meeting.poll_closed_at = utcnow()
    meeting.sequence += 1
    db.session.flush()
    _tell_space(meeting, actor, "space_meeting_date")


# --- registrations --------------------------------------------------------------------------------


def registrations(meeting: Meeting) -> list[MeetingRegistration]:
    return list(
        db.session.scalars(
            sa.select(MeetingRegistration)
            .where(MeetingRegistration.meeting_id == meeting.id)
            .order_by(MeetingRegistration.updated_at)
        )
    )


def registration_of(user: User, meeting: Meeting) -> MeetingRegistration | None:
    return db.session.scalar(
        sa.select(MeetingRegistration).where(
            MeetingRegistration.meeting_id == meeting.id,
            MeetingRegistration.organization_id == user.organization_id,
        )
    )


def register(actor: User, meeting: Meeting, people: int) -> MeetingRegistration:
    """Register the actor's organization (or change how many come): one row per organization,
    even when two of its people answer at the same moment."""
    if not policy.can_register(actor, meeting):
        raise MeetingError(_l("Votre organisation ne peut pas s’inscrire à cette rencontre."))
    if not 1 <= people <= MAX_PEOPLE:
        raise MeetingError(_l("Entre 1 et 50 personnes."))
    row = registration_of(actor, meeting)
    if row is None:
        try:
            with db.session.begin_nested():
                row = MeetingRegistration(
                    meeting_id=meeting.id, organization_id=actor.organization_id, people=people
                )
                db.session.add(row)
        except IntegrityError:
            row = registration_of(actor, meeting)
            assert row is not None  # the registration made at the same moment
    row.people, row.registered_by_id, row.updated_at = people, actor.id, utcnow()
    db.session.flush()
    return row


def cancel_registration(actor: User, meeting: Meeting) -> None:
    row = registration_of(actor, meeting)
    if row is None or not policy.is_member(actor, meeting.space):
        raise MeetingError(_l("Votre organisation n’est pas inscrite."))
    db.session.delete(row)
    db.session.flush()


# --- minutes ----------------------------------------------------------------------------------------


def publish_minutes(actor: User, meeting: Meeting, text: str) -> bool:
    """Publish (or correct) the minutes; the space is told the first time. Returns whether it was."""
    if not policy.can_write_minutes(actor, meeting):
        raise MeetingError(_l("Le compte rendu se publie après la rencontre, par son animation."))
    first = meeting.minutes_published_at is None
    meeting.minutes = text.strip()
    meeting.minutes_by_id = actor.id
    if first:
        meeting.minutes_published_at = utcnow()
    db.session.flush()
    if first:
        _tell_space(meeting, actor, "space_minutes")
    return first


def attachments(meeting: Meeting) -> list[MeetingAttachment]:
    return list(
        db.session.scalars(
            sa.select(MeetingAttachment)
            .where(MeetingAttachment.meeting_id == meeting.id)
            .order_by(MeetingAttachment.id)
        )
    )


def add_attachment(actor: User, meeting: Meeting, upload) -> MeetingAttachment:
    if not policy.can_write_minutes(actor, meeting):
        raise MeetingError(_l("Le compte rendu se publie après la rencontre, par son animation."))
    try:
        return attach_upload(
            upload, actor, lambda stored: MeetingAttachment(meeting_id=meeting.id, file_id=stored.id)
        )
    except UploadError as exc:
        raise MeetingError(exc.args[0]) from exc


def remove_attachment(actor: User, attachment: MeetingAttachment) -> None:
    meeting = db.session.get(Meeting, attachment.meeting_id)
    if not policy.can_write_minutes(actor, meeting):
        raise MeetingError(_l("Vous n’animez pas cet espace."))
    remove_attached(attachment)


# --- lists ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingPage:
    meetings: list[Meeting]
    page: int
    pages: int


def _page(query, page: int) -> MeetingPage:
    found = page_of(query, page, PER_PAGE)
    return MeetingPage(found.items, found.page, max(found.pages, 1))


def _upcoming_clause(now: datetime):
    # A meeting is upcoming until a day after it starts (the date of a long meeting is still "today").
    return sa.or_(Meeting.starts_at.is_(None), Meeting.starts_at > now - timedelta(hours=12))


def upcoming(space: Space, page: int = 1, *, now: datetime | None = None) -> MeetingPage:
    """Polls still open first, then dated meetings, soonest first."""
    where = (Meeting.space_id == space.id, _upcoming_clause(now or utcnow()))
    query = (
        sa.select(Meeting)
        .where(*where)
        .order_by(Meeting.starts_at.is_not(None), Meeting.starts_at, Meeting.id)
    )
    return _page(query, page)


def past(space: Space, page: int = 1, *, now: datetime | None = None) -> MeetingPage:
    where = (Meeting.space_id == space.id, sa.not_(_upcoming_clause(now or utcnow())))
    query = sa.select(Meeting).where(*where).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return _page(query, page)


def next_meetings(space: Space, limit: int = 3) -> list[Meeting]:
    """For the space's home page."""
    return upcoming(space).meetings[:limit]


def registered_counts(meeting_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Organizations and people registered, per meeting, in one query."""
    if not meeting_ids:
        return {}
    rows = db.session.execute(
        sa.select(MeetingRegistration.meeting_id, sa.func.count(), sa.func.sum(MeetingRegistration.people))
        .where(MeetingRegistration.meeting_id.in_(meeting_ids))
        .group_by(MeetingRegistration.meeting_id)
    )
    found: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for meeting_id, organizations, people in rows:
        found[meeting_id] = (organizations, people or 0)
    return found
