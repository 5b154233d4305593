"""Building the message a transport sends from an outbox row: its headers (the sender under the
network's neutral name, List-Unsubscribe kept readable), its parts, its bytes."""

from __future__ import annotations

import base64
import email.policy
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import Policy
from email.utils import formataddr, formatdate, parseaddr

from flask import current_app

from ..models import OutboxMessage
from ..wire import WireMessage, wire_message


class _URIListHeader(UnstructuredHeader, BaseHeader):
    """List-Unsubscribe (RFC 2369, RFC 8058): URIs in angle brackets that mail clients read as they
    are. The standard folding turns a URI longer than a line into RFC 2047 encoded words, which
    clients do not decode there (the one-click unsubscribe button then never shows): folded only
    between URIs, never encoded (a line may hold 998 characters, RFC 5322).

    ``BaseHeader`` is named among the bases so the class is what ``map_to_type`` takes: the
    registry makes each header class from it and ``BaseHeader`` anyway, in the same order."""

    def fold(self, *, policy: Policy) -> str:
        text = str(self)
        if not text.isascii() or len(text) > 900:
            return super().fold(policy=policy)
        uris = [part.strip() for part in text.split(",")]
        return f"{self.name}: " + ("," + policy.linesep + " ").join(uris) + policy.linesep


class _HeaderClasses(HeaderRegistry):
    """The standard registry creates a new class for every header it parses (a tenth of a
    millisecond each); make each header's class once. Parsing itself is unchanged, except for the
    headers that hold URIs (``_URIListHeader``)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}
        self.map_to_type("list-unsubscribe", _URIListHeader)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


EMAIL_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())


def sender_header(name: str | None) -> str:
    """The configured sender address under the network's neutral display name."""
    configured: str = current_app.config["MAIL_DEFAULT_SENDER"]
    if not name:
        return configured
    return formataddr((name, parseaddr(configured)[1]))


def build_message(row: OutboxMessage) -> EmailMessage:
    msg = EmailMessage(policy=EMAIL_POLICY)
    msg["From"] = sender_header(row.sender_name)
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = row.message_id
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (row.headers or {}).items():
        msg[name] = value
    # Quoted-printable said outright: left to choose, the library encodes each part twice to pick
    # the shorter (a third of the time spent building a digest's message).
    msg.set_content(row.body_text, cte="quoted-printable")
    if row.body_html:
        msg.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    for item in row.attachments or []:
        maintype, _, subtype = item["content_type"].partition("/")
        data = base64.b64decode(item["data"])
        if maintype == "text":
            # Text parts (calendar invitations, CSV) are UTF-8 and say so.
            msg.add_attachment(
                data.decode("utf-8"), subtype=subtype, filename=item["filename"], charset="utf-8"
            )
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=item["filename"])
    return msg


def outgoing(
    row: OutboxMessage, linesep: str = "\r\n", mangle_from: bool = True
) -> EmailMessage | WireMessage:
    """The message to hand a transport: its bytes built directly (``wire.wire_message``, the same
    bytes at a fraction of the cost), or the email package's message when it needs the general
    path (attachments, an address that is not ASCII)."""
    wire = wire_message(
        row,
        from_header=sender_header(row.sender_name),
        policy=EMAIL_POLICY,
        linesep=linesep,
        mangle_from=mangle_from,
    )
    return wire if wire is not None else build_message(row)
