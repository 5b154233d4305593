"""One path for every email: render, store in the outbox, deliver from a worker.

``queue_email`` only writes a row (in the caller's transaction) and asks for delivery after
commit; ``deliver_due`` claims rows, sends them over one SMTP connection, and records the
outcome. A message that a worker was sending when it died is claimed again after a while.

Split by concern: ``outbox`` (``queue_email``, ``store_email``), ``composing`` (the envelope and
the body at the recipient's level, rendering, the worker's ``warm_up``), ``building`` (headers,
``build_message``, ``outgoing``), ``transports`` (files, SMTP) and ``delivery`` (``Mailer``,
``deliver_due``: claiming, backoff, failures). Callers use the package
(``services.queue_email``); a test that patches a name patches it where it is looked up
(``services.building.formatdate``).
"""

from __future__ import annotations

from .building import EMAIL_POLICY, build_message, outgoing, sender_header
from .composing import FULL_ONLY, RenderedEmail, _gettext, compose, render_email, warm_up
from .delivery import CLAIM_TIMEOUT, MAX_ATTEMPTS, Mailer, deliver_due
from .outbox import queue_email, store_email

__all__ = [
    "_gettext",
    "build_message",
    "CLAIM_TIMEOUT",
    "compose",
    "deliver_due",
    "EMAIL_POLICY",
    "FULL_ONLY",
    "Mailer",
    "MAX_ATTEMPTS",
    "outgoing",
    "queue_email",
    "render_email",
    "RenderedEmail",
    "sender_header",
    "store_email",
    "warm_up",
]
