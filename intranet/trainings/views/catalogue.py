"""Display: the catalogue (a list and a month) and a session's page."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta

from flask import render_template
from flask_login import current_user

from ...database import utcnow
from ...params import int_arg
from ...security import access
from ...urls import wants_fragment
from .. import services
from ..models import TrainingSession
from .common import PER_PAGE, booking_context, bp, catalogue_filter, filter_args, load_session


@bp.route("/")
@access("member")
def index():
    f = catalogue_filter()
    page = int_arg("page", 1)
    sessions, total = services.catalogue(f, page=page, per_page=PER_PAGE)
    ids = [s.id for s in sessions]
    context = {
        "sessions": sessions,
        "total": total,
        "page": page,
        "pages": max((total + PER_PAGE - 1) // PER_PAGE, 1),
        "filters": f,
        "args": filter_args(f),
        "seats": services.seats_left(sessions),
        "mine": services.registrations_of(current_user.id, ids),
    }
    if wants_fragment():
        return render_template("trainings/_results.html", **context)
    return render_template("trainings/index.html", **context, **services.filter_choices())


@bp.route("/calendrier")
@access("member")
def month():
    f = catalogue_filter()
    today = services.to_local(utcnow()).date()
    shown = f.month or today.replace(day=1)
    sessions = services.month_sessions(f, shown)
    by_day: dict[date, list[TrainingSession]] = {}
    for s in sessions:
        by_day.setdefault(services.to_local(s.starts_at).date(), []).append(s)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(shown.year, shown.month)
    previous = (shown - timedelta(days=1)).replace(day=1)
    following = (shown + timedelta(days=32)).replace(day=1)
    args = filter_args(f)
    args.pop("mois", None)
    context = {
        "shown": shown,
        "weeks": weeks,
        "by_day": by_day,
        "today": today,
        "filters": f,
        "args": args,
        "previous": previous,
        "following": following,
        "seats": services.seats_left(sessions),
        "count": len(sessions),
    }
    if wants_fragment():
        return render_template("trainings/_calendar.html", **context)
    return render_template("trainings/calendar.html", **context, **services.filter_choices())


@bp.route("/seances/<int:session_id>")
@access("member")
def session(session_id: int):
    s = load_session(session_id)
    if wants_fragment():
        return render_template("trainings/_booking.html", **booking_context(s))
    return render_template("trainings/session.html", **booking_context(s))
