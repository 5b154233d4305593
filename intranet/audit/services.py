"""Recording audit events (every ``events.audit`` signal) and reading them back for administrators."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from ..database import rowcount, utcnow
from ..extensions import db
from .models import AuditEvent

log = logging.getLogger("passerelle.audit")

# Keys never kept in details, whatever a feature sends (defence in depth: no secrets in the log).
_SECRET_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "code",
    "otp",
    "hash",
    "cookie",
    "email",
    "body",
    "text",
)


def _network(address: str | None) -> str | None:
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _clean_details(details: dict | None) -> dict:
    clean: dict[str, object] = {}
    for key, value in (details or {}).items():
        key = str(key)[:40]
        if any(word in key.lower() for word in _SECRET_WORDS):
            continue
        if isinstance(value, bool | int | float) or value is None:
            clean[key] = value
        else:
            clean[key] = str(value)[:200]
    return clean


def record(
    action: str,
    *,
    actor_id: int | None = None,
    organization_id: int | None = None,
    target_type: str | None = None,
    target_id: int | str | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an event in the caller's transaction (it commits with the change it describes)."""
    entry = AuditEvent(
        at=utcnow(),
        action=str(action)[:64],
        actor_id=actor_id,
        organization_id=organization_id,
        target_type=str(target_type)[:40] if target_type else None,
        target_id=str(target_id)[:64] if target_id is not None else None,
        details=_clean_details(details),
        network=_network(request.remote_addr) if has_request_context() else None,
    )
    db.session.add(entry)
    # The structured log gets the same fact, with ids only.
    log.info(
        "audit",
        extra={
            "event": entry.action,
            "actor_id": actor_id,
            "organization_id": organization_id,
            "target": f"{target_type}:{target_id}" if target_type else None,
        },
    )
    return entry


def on_audit(_sender, **kwargs) -> None:
    record(
        kwargs.get("action") or "unknown",
        actor_id=kwargs.get("actor_id"),
        organization_id=kwargs.get("organization_id"),
        target_type=kwargs.get("target_type"),
        target_id=kwargs.get("target_id"),
        details=kwargs.get("details"),
    )


def purge_expired(now: datetime | None = None) -> int:
    """Remove events older than ``AUDIT_RETENTION_DAYS`` (the only way an event ever goes)."""
    days = int(current_app.config["AUDIT_RETENTION_DAYS"])
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(sa.delete(AuditEvent).where(AuditEvent.at < cutoff))
    return rowcount(result)


@dataclass
class Filters:
    action: str = ""
    actor_id: int | None = None
    organization_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


def search(filters: Filters, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], bool]:
    """Newest first; returns the page and whether another page follows."""
    query = sa.select(AuditEvent)
    if filters.action:
        if filters.action.endswith("."):
            query = query.where(AuditEvent.action.startswith(filters.action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == filters.action)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.organization_id is not None:
        query = query.where(AuditEvent.organization_id == filters.organization_id)
    if filters.since is not None:
        query = query.where(AuditEvent.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEvent.at < filters.until)
    rows = db.session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    ).all()
    return list(rows[:per_page]), len(rows) > per_page


def known_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
