"""What Passerelle holds about a member, as a download, and closing an account.

The inventory is read from the models at run time: every table with a foreign key to the account
is found, so the features built later are covered without a change here. Rows the person owns
(``user_id``, ``author_id``...) are exported without their secrets (hashes, tokens, email bodies);
rows that only mention them (someone they invited, a report they resolved) are counted, since
they hold other people's data.

Closing keeps the organization's content (practices, comments, positions keep their rows, now
signed by a closed account) and removes the person: name, email, password, second factor,
sessions, notifications, preferences, bookmarks, calendar feed and emails waiting to be sent.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import events
from ..accounts import services as accounts
from ..accounts import twofactor
from ..accounts.models import Role, User
from ..audit.models import AuditEvent
from ..database import utcnow
from ..extensions import db
from ..mail.models import OutboxMessage

OWN_COLUMNS = {
    "user_id",
    "author_id",
    "editor_id",
    "reporter_id",
    "signed_by_id",
    "created_by_id",
    "uploaded_by_id",
}
SECRET_PARTS = ("hash", "token", "secret", "password", "last_step", "public_id", "search", "vector")
# Emails keep only what says what was sent: bodies hold one-time links.
ONLY_COLUMNS = {"outbox_message": ("id", "kind", "subject", "status", "created_at", "sent_at")}
# Rows that exist only for the person (preferences, bookmarks...) are deleted when they leave;
# these tables keep theirs (history the organization needs), attached to the closed account.
KEEP_ON_CLOSE = {"training_registration", "training_evaluation", "audit_event"}
ROW_LIMIT = 5000
CLOSED_NAME = "Compte fermé"  # stored data, the same in every language


class ClosingError(Exception):
    pass


@dataclass
class TableData:
    table: str
    column: str
    owned: bool
    count: int
    rows: list[dict] = field(default_factory=list)


def _user_columns() -> list[tuple[sa.Table, sa.Column]]:
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "user_account" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} octets>"
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _visible(table: str, column_name: str) -> bool:
    if table in ONLY_COLUMNS:
        return column_name in ONLY_COLUMNS[table]
    return not any(part in column_name.lower() for part in SECRET_PARTS)


def inventory(user: User, *, with_rows: bool) -> list[TableData]:
    # The profile itself is given separately; others' accounts are not ours to give.
    columns = [(table, column) for table, column in _user_columns() if table.name != "user_account"]
    # Every count in one statement (a scalar subquery each), not one round trip per column.
    counts = db.session.execute(
        sa.select(
            *(
                sa.select(sa.func.count()).select_from(table).where(column == user.id).scalar_subquery()
                for table, column in columns
            )
        )
    ).one()
    result = []
    for (table, column), count in zip(columns, counts, strict=True):
        owned = column.name in OWN_COLUMNS
        if not count:
            continue
        data = TableData(table.name, column.name, owned, count)
        if with_rows and owned:
            cols = [c for c in table.columns if _visible(table.name, c.name)]
            rows = db.session.execute(
                sa.select(*cols)
                .where(column == user.id)
                .order_by(*table.primary_key.columns)
                .limit(ROW_LIMIT)
            ).all()
            data.rows = [{c.name: _plain(v) for c, v in zip(cols, row, strict=True)} for row in rows]
        result.append(data)
    return result


def audit_about(user: User, limit: int | None = 200) -> list[AuditEvent]:
    query = (
        sa.select(AuditEvent)
        .where(
            sa.or_(
                AuditEvent.actor_id == user.id,
                sa.and_(AuditEvent.target_type == "user", AuditEvent.target_id == str(user.id)),
            )
        )
        .order_by(AuditEvent.at.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def profile(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "organization": user.organization.name,
        "organization_region": user.organization.region.name,
        "language": user.locale,
        "created_at": _plain(user.created_at),
        "invited_at": _plain(user.invited_at),
        "last_login_at": _plain(user.last_login_at),
        "two_factor_enabled": user.two_factor_enabled,
    }


def export_json(user: User) -> bytes:
    """Everything above as one JSON document (what the member downloads)."""
    document = {
        "generated_at": utcnow().isoformat(),
        "profile": profile(user),
        "data": {
            f"{t.table}.{t.column}": ({"count": t.count, "rows": t.rows} if t.owned else {"count": t.count})
            for t in inventory(user, with_rows=True)
        },
        "security_log": [
            {"at": e.at.isoformat(), "action": e.action, "details": e.details, "network": e.network}
            for e in audit_about(user, limit=None)
        ],
    }
    accounts.audit("mydata.downloaded", user, target=user)
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def close_account(user: User) -> None:
    """Remove the person's data and keep their organization's content. Irreversible."""
    if user.role == Role.ADMIN:
        others = db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.role == Role.ADMIN, User.active, User.closed_at.is_(None), User.id != user.id
            )
        )
        if not others:
            raise ClosingError(
                _l("Vous êtes la seule personne de l’administration : nommez-en une autre d’abord.")
            )
    events.account_closing.send(None, user=user)
    accounts.audit("account.closed", user, target=user)
    for table, column in _user_columns():
        if table.name in KEEP_ON_CLOSE or table.name == "user_account":
            continue
        if not column.nullable and any(fk.ondelete == "CASCADE" for fk in column.foreign_keys):
            db.session.execute(table.delete().where(column == user.id))
    db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.user_id == user.id))
    twofactor.disable(user)
    user.name = CLOSED_NAME
    user.email = f"ferme-{user.public_id}@compte-ferme.invalid"
    user.password_hash = None
    user.active = False
    user.closed_at = utcnow()
    user.last_login_at = None
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()
