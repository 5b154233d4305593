"""The audit log for administrators: read and filter, nothing else (no route changes an event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ..accounts.models import Organization, User
from ..extensions import db
from ..network import network_zone
from ..objects import ObjectRef, describe_objects
from ..params import bounded_int, int_arg
from ..security import access
from ..urls import wants_fragment
from ..vocabulary import words
from . import services
from .labels import GROUPS, details, label


@dataclass(frozen=True)
class Row:
    event: object
    label: str
    actor: User | None
    target: ObjectRef | None
    organization: str | None
    details: list[tuple[str, str]]


def _people(ids: set) -> dict[int, User]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


bp = Blueprint("audit", __name__, url_prefix="/gestion/journal")


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    try:
        day = datetime.strptime(value or "", "%Y-%m-%d").date()
    except ValueError:
        return None
    zone = network_zone()
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
    people = _people({e.actor_id for e in events})
    orgs = dict(db.session.execute(sa.select(Organization.id, Organization.name)).all())
    # The object each event concerns, named and linked as its feature says (intranet.objects).
    targets = describe_objects(
        ((e.target_type, e.target_id) for e in events if e.target_type is not None), current_user
    )
    rows = [
        Row(
            event=e,
            label=label(e.action),
            actor=people.get(e.actor_id) if e.actor_id is not None else None,
            target=targets.get((e.target_type, str(e.target_id))) if e.target_type else None,
            organization=orgs.get(e.organization_id, str(e.organization_id)) if e.organization_id else None,
            details=details(e.details, orgs),
        )
        for e in events
    ]
    context = {
        "rows": rows,
        "more": more,
        "page": page,
        "raw": raw,
        "notice": notice,
        "org_names": orgs,
        "query": {k: v for k, v in raw.items() if v},
        "retention_days": current_app.config["AUDIT_RETENTION_DAYS"],
    }
    if wants_fragment():
        return render_template("audit/_results.html", **context)
    actions = sorted(set(words("audit.action")) | set(services.known_actions()))
    return render_template(
        "audit/index.html", actions=[(a, label(a)) for a in actions], groups=GROUPS.items(), **context
    )
