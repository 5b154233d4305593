"""Email delivery from the outbox."""

from __future__ import annotations

from intranet.mail.services import deliver_due


def deliver_message(message_id: int) -> dict[str, int]:
    """Deliver one message right after it was queued (idempotent: a sent message is skipped)."""
    return deliver_due(ids=[message_id])


def flush_outbox() -> dict[str, int]:
    """Catch up: send everything due, including what was queued while Redis or SMTP was down."""
    total = {"sent": 0, "retry": 0, "refused": 0, "failed": 0}
    while True:
        counts = deliver_due(limit=200)
        for key, value in counts.items():
            total[key] += value
        if sum(counts.values()) == 0 or counts["sent"] == 0:
            return total
