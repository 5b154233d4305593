"""Digests: what is new for a member since their last one, decided, presented, sent exactly once.

Three steps kept apart so each can change alone:

* ``build_digest`` decides *what* a member gets: it asks every registered digest source (each
  limited to what that member may see, rule 3), applies the member's regions and themes, and adds
  their unread notifications;
* ``present`` turns that decision into what an email shows (titles, links, summaries): a privacy
  level for email (issue 9) belongs here, not in the decision;
* ``send_batch`` writes the ledger row and the outbox row of each member in one transaction, then
  delivers over one SMTP connection per batch.

Exactly once: the ledger has one row per member and period (a unique constraint), inserted with
``ON CONFLICT DO NOTHING``; only the job that inserted it writes the email, in the same
transaction. A doubled schedule, a retried job or a restarted worker finds the row and skips;
a worker killed before its commit left nothing, so the next planning run sends. Messages
committed but not yet delivered are sent by the outbox's catch-up.

The package keeps those steps apart: ``periods`` (what a period is, who is due now),
``building`` (deciding), ``presenting`` (the email), ``sending`` (the batch, exactly once) and
``report`` (what was sent, for the administrator). Callers import from the package.
"""

from __future__ import annotations

from .building import (
    MAX_ITEMS_PER_SECTION,
    MAX_LOOKBACK,
    MAX_NOTIFICATIONS,
    NOTIFICATIONS_KEY,
    STANDING_KINDS,
    Digest,
    DigestSection,
    build_digest,
    next_digest,
)
from .periods import Period, batches, due_members, network_now, parse_period, period_for
from .presenting import (
    HTML_LIMIT,
    EmailLinks,
    ShownItem,
    ShownSection,
    present,
    render_digest,
    unsubscribe_headers,
)
from .report import PeriodReport, ledger_report, period_label
from .sending import Prepared, dedupe_key, send_batch

__all__ = [
    "HTML_LIMIT",
    "MAX_ITEMS_PER_SECTION",
    "MAX_LOOKBACK",
    "MAX_NOTIFICATIONS",
    "NOTIFICATIONS_KEY",
    "STANDING_KINDS",
    "Digest",
    "DigestSection",
    "EmailLinks",
    "Period",
    "PeriodReport",
    "Prepared",
    "ShownItem",
    "ShownSection",
    "batches",
    "build_digest",
    "dedupe_key",
    "due_members",
    "ledger_report",
    "network_now",
    "next_digest",
    "parse_period",
    "period_for",
    "period_label",
    "present",
    "render_digest",
    "send_batch",
    "unsubscribe_headers",
]
