"""The demo network seen by every role, with canaries planted in one organization's private rows,
and every route of the URL map built with real ids. Shared by the matrix, fuzzing and canary tests.

Nothing here names a feature: private rows are found from the models (a row of organization A
whose ``status`` is not public or whose ``visibility`` is ``organization``, and the rows that
hang from them), route parameters are matched to tables by name, so features added later are
covered as soon as they land.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from intranet.extensions import db
from tests.conftest import sign_in

PUBLIC_STATUSES = ("published", "archived", "approved")
CANARY = "CANARI7Q"
IGNORED_TABLES = {"audit_event", "user_session"}
IGNORED_COLUMNS = {"last_seen_at", "last_login_at", "failed_logins", "locked_until", "totp_last_step"}
BLUEPRINT_PREFIX = {"practices": "practice", "trainings": "training", "notifications": "notification"}

# Roles: (demo email local part or None for anonymous, is this role of organization A?)
ROLES = {
    "anonymous": None,
    "member": "intervenante",  # Maison L'Éclaircie (organization A)
    "coordinator": "coordination",  # Maison L'Éclaircie
    "staff": "equipe",
    "admin": "admin",
    "other_member": "josee",  # Centre de femmes La Traversée
    "other_coordinator": "helene",  # Habitations Le Phare
    "partner": "partenaire",  # Accueil Horizons Nouveaux (immigration sector)
}
OTHER_ORGANIZATIONS = ("other_member", "other_coordinator", "partner")
RULE_RANK = {"public": -1, "member": 0, "coordinator": 1, "staff": 2, "admin": 3}
ROLE_RANK = {
    "anonymous": -1,
    "member": 0,
    "other_member": 0,
    "partner": 0,
    "coordinator": 1,
    "other_coordinator": 1,
    "staff": 2,
    "admin": 3,
}


@dataclass
class Route:
    endpoint: str
    rule: str
    methods: list[str]
    access: str
    urls: dict[str, str] = field(default_factory=dict)  # "any" and, when it has one, "private"


def _tables() -> dict[str, sa.Table]:
    return {t.name: t for t in db.metadata.sorted_tables}


def private_rows(org_id: int) -> dict[str, list[int]]:
    """Ids of organization ``org_id``'s rows that no other organization may see, by table."""
    tables = _tables()
    found: dict[str, list[int]] = {}
    for name, t in tables.items():
        cols = t.c
        if (
            "id" not in cols
            or "organization_id" not in cols
            or not ({"status", "visibility"} & set(cols.keys()))
        ):
            continue
        private = []
        if "status" in cols:
            private.append(cols.status.notin_(PUBLIC_STATUSES))
        if "visibility" in cols:
            private.append(cols.visibility == "organization")
        ids = db.session.scalars(
            sa.select(cols.id).where(cols.organization_id == org_id, sa.or_(*private)).order_by(cols.id)
        ).all()
        if ids:
            found[name] = list(ids)
    for name, t in tables.items():  # rows hanging from a private row (revisions, comments...)
        if name in found or "id" not in t.c:
            continue
        for column in t.columns:
            for fk in column.foreign_keys:
                parent = fk.column.table.name
                if parent in found and parent != name:
                    ids = db.session.scalars(
                        sa.select(t.c.id).where(column.in_(found[parent])).order_by(t.c.id)
                    ).all()
                    if ids:
                        found.setdefault(name, []).extend(ids)
    return found


def plant_canaries(org_id: int) -> list[str]:
    """Append a canary to the title of each private row that has one; returns the canaries."""
    planted = []
    tables = _tables()
    for name, ids in private_rows(org_id).items():
        t = tables[name]
        if "title" not in t.c:
            continue
        for row_id in ids:
            canary = f"{CANARY}{name.upper().replace('_', '')}{row_id}"
            db.session.execute(t.update().where(t.c.id == row_id).values(title=t.c.title + " " + canary))
            planted.append(canary)
    db.session.flush()
    return planted


def _table_for(blueprint: str, param: str) -> str | None:
    if not param.endswith("_id"):
        return None
    base = param[:-3]
    names = [n for n, t in _tables().items() if "id" in t.c]
    if base == "org":
        return "organization"
    if base == "user":
        return "user_account"
    prefix = BLUEPRINT_PREFIX.get(blueprint, blueprint)
    for candidate in (base, f"{prefix}_{base}"):
        if candidate in names:
            return candidate
    ends = [n for n in names if n.endswith("_" + base)]
    preferred = [n for n in ends if n.startswith(prefix)]
    return (preferred or ends or [None])[0]


def _value(table: str, chosen: dict[str, int], pool: list[int] | None):
    """An id of ``table``: from ``pool`` when given, and consistent with the ids already chosen."""
    t = _tables()[table]
    query = sa.select(t.c.id).order_by(t.c.id)
    if pool is not None:
        query = query.where(t.c.id.in_(pool))
    for column in t.columns:
        for fk in column.foreign_keys:
            if fk.column.table.name in chosen and fk.column.table.name != table:
                query = query.where(column == chosen[fk.column.table.name])
    return db.session.scalar(query.limit(1))


def routes(app, org_id: int) -> list[Route]:
    private = private_rows(org_id)
    tables = _tables()
    org_private = dict(private)
    org_private["organization"] = [org_id]
    org_private["user_account"] = list(
        db.session.scalars(
            sa.select(tables["user_account"].c.id).where(tables["user_account"].c.organization_id == org_id)
        )
    )
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        route = Route(rule.endpoint, rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}), view.access_rule)
        blueprint = rule.endpoint.split(".")[0]
        for variant in ("any", "private"):
            values, chosen, used_private = {}, {}, False
            for arg, converter in rule._converters.items():
                table = _table_for(blueprint, arg)
                if table is not None:
                    pool = org_private.get(table) if variant == "private" else None
                    value = _value(table, chosen, pool) if pool is not None else None
                    if value is not None:
                        used_private = True
                    else:
                        value = _value(table, chosen, None)
                    if value is not None:
                        chosen[table] = value
                        values[arg] = value
                        continue
                if isinstance(converter, IntegerConverter):
                    values[arg] = 1
                else:
                    values[arg] = _string_value(arg)
            if variant == "private" and not used_private:
                continue
            route.urls[variant] = rule.build(values, append_unknown=False)[1]
        found.append(route)
    return found


def _string_value(arg: str) -> str:
    for t in _tables().values():
        if arg in t.c:
            value = db.session.scalar(sa.select(t.c[arg]).limit(1))
            if value:
                return str(value)
    return "x" * 8


def fingerprint() -> str:
    """A digest of every row the application keeps (minus timestamps of activity and the log)."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in IGNORED_TABLES:
            continue
        cols = [c for c in table.columns if c.name not in IGNORED_COLUMNS]
        for row in db.session.execute(sa.select(*cols).order_by(*table.primary_key.columns)):
            digest.update(repr((table.name, tuple(row))).encode())
    return digest.hexdigest()


def demo_world(app):
    """Load the demo data, plant canaries in organization A; returns (org_id, canaries, clients)."""
    from intranet.accounts.models import Organization
    from intranet.demo import DEMO_PASSWORD, load_demo

    load_demo()
    org_id = db.session.scalar(sa.select(Organization.id).where(Organization.name == "Maison L’Éclaircie"))
    canaries = plant_canaries(org_id)
    clients = {}
    for role, local in ROLES.items():
        client = app.test_client()
        if local is not None:
            response = sign_in(client, f"{local}@demo.passerelle.example", DEMO_PASSWORD)
            assert response.status_code == 303, (role, response.status_code)
        clients[role] = client
    return org_id, canaries, clients
