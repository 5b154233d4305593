"""What the trainings' pages share: the blueprint, the catalogue's filters, loading a session or a
registration the visitor may see, and the booking fragment."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...params import int_arg
from ...security import require, require_row
from ...urls import wants_fragment
from .. import policy, services
from ..models import Registration, RegistrationStatus, SessionFormat, TrainingSession

bp = Blueprint("trainings", __name__, url_prefix="/formations")

PER_PAGE = 20


def _month_arg(name: str = "mois") -> date | None:
    value = request.args.get(name, "")
    try:
        parsed = datetime.strptime(value, "%Y-%m")
    except ValueError:
        return None
    return date(parsed.year, parsed.month, 1) if 2000 <= parsed.year <= 2100 else None


def catalogue_filter() -> services.CatalogueFilter:
    fmt = request.args.get("format")
    return services.CatalogueFilter(
        region_id=int_arg("region"),
        theme_id=int_arg("theme"),
        format=fmt if fmt in (SessionFormat.IN_PERSON.value, SessionFormat.ONLINE.value) else None,
        month=_month_arg(),
    )


def filter_args(f: services.CatalogueFilter) -> dict[str, int | str]:
    args: dict[str, int | str] = {}
    if f.region_id:
        args["region"] = f.region_id
    if f.theme_id:
        args["theme"] = f.theme_id
    if f.format:
        args["format"] = f.format
    if f.month:
        args["mois"] = f.month.strftime("%Y-%m")
    return args


def load_session(session_id: int) -> TrainingSession:
    session = require_row(TrainingSession, session_id)
    require(policy.can_see_session(current_user, session))
    return session


def load_registration(registration_id: int) -> Registration:
    registration = require_row(Registration, registration_id)
    require(policy.can_see_registration(current_user, registration))
    return registration


def booking_context(
    session: TrainingSession, *, error: str | None = None, message: str | None = None
) -> dict:
    mine = services.registration_of(session.id, current_user.id)
    if mine is not None and mine.status == RegistrationStatus.CANCELLED:
        mine = None
    counts = services.counts(session.id)
    return {
        "session": session,
        "mine": mine,
        "position": services.position(mine) if mine else None,
        "seats_left": max(session.capacity - counts["confirmed"], 0),
        "waiting_count": counts["waiting"],
        "state": services.registration_state(session),
        "eligible": policy.is_eligible(current_user, session),
        "show_venue": policy.can_see_venue(current_user, mine),
        "colleagues": services.colleagues_to_register(current_user, session),
        "colleague_registrations": services.colleague_registrations(current_user, session),
        "error": error,
        "message": message,
        "sector_names": services.sector_names(),
        "role_names": services.role_names(),
    }


def booking_response(session: TrainingSession, *, error=None, message=None):
    """After a booking action: the fragment for htmx (errors shown inside it, since htmx does not
    swap 4xx answers), a redirect after success, or the page again with 422 on a refusal."""
    if wants_fragment():
        return render_template(
            "trainings/_booking.html", **booking_context(session, error=error, message=message)
        )
    if error is None:
        flash(message, "success")
        return redirect(url_for("trainings.session", session_id=session.id), code=303)
    return render_template("trainings/session.html", **booking_context(session, error=error)), 422
