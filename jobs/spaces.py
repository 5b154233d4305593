"""Spaces' periodic work: reminders of proposals that close within a day, and of meetings the day before."""

from __future__ import annotations

from flask import current_app

from intranet.briefs import download_name, render_brief, store_pdf
from intranet.database import write_intent
from intranet.extensions import db
from intranet.network import network_today
from intranet.spaces import decisions
from intranet.spaces.meetings import feeds
from intranet.spaces.protocols import services as protocols
from intranet.spaces.protocols.models import Protocol

from .runner import set_progress


def send_proposal_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): remind who has not answered, once per proposal."""
    write_intent()
    count = decisions.send_reminders()
    db.session.commit()
    return count


def send_meeting_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): the day before a meeting, tell the registered
    organizations' people, once per meeting."""
    write_intent()
    count = feeds.send_reminders()
    db.session.commit()
    return count


def send_protocol_reminders() -> int:
    """Periodic (jobs.scheduler.SCHEDULE): tell a space, once, that a protocol is due for review."""
    write_intent()
    count = protocols.send_review_reminders(network_today())
    db.session.commit()
    return count


def render_protocol(protocol_id: int, version_number: int, *, task_id: int) -> dict:
    """The protocol's PDF with its signatories (queue ``pdf``), through ``intranet.briefs``."""
    protocol = db.session.get(Protocol, protocol_id)
    if protocol is None:
        raise LookupError(f"protocol {protocol_id} does not exist")
    version = protocols.get_version(protocol, version_number)
    if version is None:
        raise LookupError(f"protocol {protocol_id} has no version {version_number}")
    locale = str(
        current_app.config.get("BABEL_DEFAULT_LOCALE") or "fr"
    )  # protocols are in the network's language
    context = protocols.brief_context(protocol, version, locale)
    download = download_name(version.title, f"v{version.number}", default="protocole")
    db.session.rollback()  # end the read transaction before the long part
    set_progress(task_id, 20)
    data = render_brief(context)
    set_progress(task_id, 90)
    return store_pdf(data, download)
