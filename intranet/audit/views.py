"""The audit log for administrators: read and filter, nothing else (no route changes an event)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request

from ..accounts.models import Organization, User
from ..extensions import db
from ..params import bounded_int, int_arg
from ..security import access
from ..urls import wants_fragment
from . import services
from .labels import GROUPS, LABELS, label

bp = Blueprint("audit", __name__, url_prefix="/gestion/journal")


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    zone = ZoneInfo(current_app.config["NETWORK_TIMEZONE"])
    moment = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=zone)
    return moment


def _filters() -> tuple[services.Filters, dict, str | None]:
    args = request.args
    raw = {k: (args.get(k) or "").strip()[:254] for k in ("action", "person", "organization", "from", "to")}
    notice = None
    actor_id = None
    if raw["person"]:
        person = db.session.scalar(sa.select(User).where(User.email == raw["person"].lower()))
        actor_id = person.id if person else -1
        if person is None:
            notice = "unknown_person"
    filters = services.Filters(
        action=raw["action"],
        actor_id=actor_id,
        organization_id=bounded_int(raw["organization"], minimum=1),
        since=_day(raw["from"]),
        until=_day(raw["to"], end=True),
    )
    return filters, raw, notice


@bp.route("")
@access("admin")
def index():
    filters, raw, notice = _filters()
    page = int_arg("page", 1)
    events, more = services.search(filters, page=min(page, 10_000))
    user_ids = {e.actor_id for e in events} | {
        int(e.target_id) for e in events if e.target_type == "user" and (e.target_id or "").isdigit()
    }
    org_ids = {e.organization_id for e in events if e.organization_id}
    people = (
        {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids - {None})))}
        if user_ids
        else {}
    )
    orgs = dict(db.session.execute(sa.select(Organization.id, Organization.name)).all())
    context = {
        "events": events,
        "more": more,
        "page": page,
        "raw": raw,
        "notice": notice,
        "people": people,
        "org_names": orgs,
        "org_ids": org_ids,
        "label": label,
        "query": {k: v for k, v in raw.items() if v},
        "retention_days": current_app.config["AUDIT_RETENTION_DAYS"],
    }
    if wants_fragment():
        return render_template("audit/_results.html", **context)
    actions = sorted(set(LABELS) | set(services.known_actions()))
    return render_template(
        "audit/index.html", actions=[(a, label(a)) for a in actions], groups=GROUPS.items(), **context
    )
