"""Demo audit events: a plausible last month of sign-ins, invitations and one role change."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from .models import AuditEvent


def load_demo() -> None:
    people = {u.email.split("@")[0]: u for u in db.session.scalars(sa.select(User))}
    admin, staff = people.get("admin"), people.get("equipe")
    if admin is None or staff is None:
        return
    now = utcnow()
    rows: list[AuditEvent] = []

    def add(days, action, actor, target=None, **details):
        rows.append(
            AuditEvent(
                at=now - timedelta(days=days, minutes=len(rows) * 7),
                action=action,
                actor_id=actor.id if actor else None,
                organization_id=(target or actor).organization_id if (target or actor) else None,
                target_type="user" if target else None,
                target_id=str(target.id) if target else None,
                details=details,
                network="192.0.2.0/24",
            )
        )

    for i, key in enumerate(("intervenante", "coordination", "partenaire", "equipe", "admin", "gabrielle")):
        user = people.get(key)
        if user is not None:
            add(1 + i % 4, "login.succeeded", user, user, method="totp" if user.is_staff else "password")
    add(2, "login.failed", people.get("intervenante"), people.get("intervenante"), reason="password")
    add(9, "login.failed", None, None, reason="unknown_account")
    add(20, "2fa.enabled", staff, staff)
    add(20, "2fa.enabled", admin, admin)
    for key in ("helene", "ines", "josee"):
        if key in people:
            add(15, "invitation.sent", staff, people[key], role=people[key].role.value)
            add(14, "invitation.accepted", people[key], people[key])
    if "karine" in people:
        add(6, "role.changed", admin, people["karine"], before="member", after="member")
    add(3, "directory.exported", staff)
    db.session.add_all(rows)
    db.session.flush()
