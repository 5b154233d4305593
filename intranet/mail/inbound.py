"""Mail that people send to Passerelle: a real SMTP receiver (aiosmtpd) on loopback.

The receiver knows no feature. A feature registers a handler for a prefix of local part with
``register_inbound(app, "reponse", handler)``: a message to ``reponse+<token>@<INBOUND_DOMAIN>``
goes to ``handler(token, message) -> InboundResult``, inside an app context, and the receiver
commits what it wrote. A handler refuses what it cannot accept: ``reject`` answers the sending
server at once (550: nothing is kept, nobody is written to); otherwise the handler answers the
person through the outbox itself. ``python -m intranet.mail.inbound`` runs the receiver
(``make run`` starts it); a mail server in front relays the network's reply domain to it.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

import nh3
from flask import Flask, current_app

from .. import create_app
from ..extensions import db

log = logging.getLogger(__name__)

INBOUND_KEY = "passerelle.inbound"
MAX_MESSAGE_BYTES = 512 * 1024


@dataclass(frozen=True)
class InboundResult:
    accepted: bool
    reason: str = ""  # for the log: never the message's text
    reject: bool = False  # answer 550 to the sending server instead of 250


Handler = Callable[[str, EmailMessage], InboundResult]


def register_inbound(app: Flask, prefix: str, handler: Handler) -> None:
    app.extensions.setdefault(INBOUND_KEY, {})[prefix] = handler


def reply_address(prefix: str, token: str) -> str:
    return f"{prefix}+{token}@{current_app.config['INBOUND_DOMAIN']}"


_ADDRESS = re.compile(r"^([a-z0-9-]+)\+([a-z0-9.]+)@(.+)$")


def dispatch(app: Flask, recipient: str, raw: bytes) -> InboundResult:
    """Hand one message for one recipient to its feature; commit what it wrote."""
    match = _ADDRESS.match(recipient.strip().lower())
    if not match or match.group(3) != app.config["INBOUND_DOMAIN"].lower():
        return InboundResult(False, "unknown address", reject=True)
    handler = app.extensions.get(INBOUND_KEY, {}).get(match.group(1))
    if handler is None:
        return InboundResult(False, "unknown address", reject=True)
    message = email.message_from_bytes(raw, policy=email.policy.default)
    with app.app_context():
        try:
            result = handler(match.group(2), message)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("inbound message for %s failed", match.group(1))
            raise
        finally:
            db.session.remove()
    log.info(
        "inbound %s: %s", match.group(1), result.reason or ("accepted" if result.accepted else "refused")
    )
    return result


def plain_text(message: EmailMessage) -> str:
    """The message's text: its text/plain part, else its HTML made plain."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = part.get_content()
    if part.get_content_type() == "text/html":
        text = nh3.clean(re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", text), tags=set())
    return text.replace("\r\n", "\n")


_QUOTE_HEADERS = re.compile(
    r"^(?:Le .{1,200} a écrit ?:|On .{1,200} wrote:"
    r"|-{2,} ?(?:Original Message|Message d’origine|Message d'origine) ?-{2,}"
    r"|De ?: .+|From: .+|Envoyé de mon .+|Sent from my .+)\s*$",
    re.IGNORECASE,
)


def reply_text(message: EmailMessage) -> str:
    """What the person wrote: quoted text, the quoted message's header and the signature removed."""
    kept: list[str] = []
    for line in plain_text(message).split("\n"):
        if line.rstrip() == "--" or line == "-- " or _QUOTE_HEADERS.match(line.strip()):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


class _Handler:
    def __init__(self, app: Flask) -> None:
        self.app = app

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name for it
        if len(envelope.content) > MAX_MESSAGE_BYTES:
            return "552 Message too large"
        answers = [dispatch(self.app, rcpt, envelope.content) for rcpt in envelope.rcpt_tos]
        if answers and all(a.reject for a in answers):
            return "550 No such recipient"
        return "250 Message accepted"


def controller(app: Flask, host: str | None = None, port: int | None = None):
    from aiosmtpd.controller import Controller  # lazy: only the inbound SMTP server needs aiosmtpd

    return Controller(
        _Handler(app),
        hostname=host or app.config["INBOUND_SMTP_HOST"],
        port=port or app.config["INBOUND_SMTP_PORT"],
        data_size_limit=MAX_MESSAGE_BYTES,
    )


def main() -> None:  # pragma: no cover - the process make run starts
    app = create_app()
    server = controller(app)
    server.start()
    print(f"Courriels entrants : smtp://{server.hostname}:{server.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
