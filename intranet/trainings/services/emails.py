"""The emails (with their calendar invitations) and notifications a registration's changes send.

They are written in the transaction of the change and leave only after its commit."""

from __future__ import annotations

from ... import events
from ...accounts.models import User
from ...mail import privacy
from ...mail.services import queue_email
from ...urls import external_url
from .. import ics
from ..models import Registration
from .catalogue import position
from .common import CONFIRMED


def _email(
    registration: Registration,
    *,
    kind: str,
    template: str,
    with_ics: bool = False,
    cancel_ics: bool = False,
    **context,
) -> None:
    person = registration.user
    session = registration.session
    page_url = external_url("trainings.session", session_id=session.id)
    # The calendar invitation says no more than the email (issue 9): at "discreet" its title is
    # neutral and it has no location.
    pref = privacy.preference_of(person.id)
    level = privacy.level_for(pref, "training")
    locale = privacy.recipient_locale(pref, person.locale)
    attachments = []
    if with_ics or cancel_ics:
        attachments.append(
            (
                "seance.ics",
                "text/calendar",
                ics.invitation(session, page_url=page_url, cancel=cancel_ics, level=level, locale=locale),
            )
        )
    queue_email(
        to=person.email,
        kind=kind,
        template=template,
        level=level,
        locale=locale,
        user_id=person.id,
        attachments=attachments,
        user_name=person.name,
        training_title=session.training.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        is_online=session.is_online,
        place=", ".join(p for p in (session.town, session.region.name if session.region else "") if p),
        room_details=session.room_details if with_ics else "",
        online_url=session.online_url if with_ics else "",
        page_url=page_url,
        my_url=external_url("trainings.mine"),
        **context,
    )


def _email_confirmed(registration: Registration, actor: User) -> None:
    by = actor.name if actor.id != registration.user_id else None
    _email(
        registration,
        kind="training_confirmed",
        template="trainings_confirmed",
        with_ics=True,
        registered_by=by,
    )


def _email_waiting(registration: Registration, actor: User) -> None:
    by = actor.name if actor.id != registration.user_id else None
    _email(
        registration,
        kind="training_waiting",
        template="trainings_waiting",
        position=position(registration),
        registered_by=by,
    )


def _email_promoted(registration: Registration, actor: User | None) -> None:
    _email(
        registration,
        kind="training_promoted",
        template="trainings_promoted",
        with_ics=True,
    )
    events.notify.send(
        None,
        user_ids=[registration.user_id],
        kind="waitlist_promoted",
        title=registration.session.training.title,
        endpoint="trainings.session",
        values={"session_id": registration.session_id},
        actor_id=actor.id if actor else None,
        organization_id=None,
    )


def _email_cancelled(registration: Registration, actor: User, *, was_confirmed: bool) -> None:
    by = actor.name if actor.id != registration.user_id else None
    _email(
        registration,
        kind="training_registration_cancelled",
        template="trainings_registration_cancelled",
        cancel_ics=was_confirmed,
        cancelled_by=by,
    )


def _email_session_cancelled(registration: Registration) -> None:
    _email(
        registration,
        kind="training_session_cancelled",
        template="trainings_session_cancelled",
        cancel_ics=registration.status == CONFIRMED,
        reason=registration.session.cancel_reason,
    )


def _email_changed(registration: Registration) -> None:
    _email(
        registration,
        kind="training_changed",
        template="trainings_changed",
        with_ics=True,
    )
