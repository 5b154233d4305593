"""Where messages leave: ``.eml`` files under ``instance/outbox/`` (the embedded default) or an
SMTP server, both behind one small interface (``Transport``)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import current_app

from ...database import utcnow
from ..models import OutboxMessage
from ..wire import WireMessage


class Transport(Protocol):
    """What delivery needs of a transport; ``linesep`` and ``mangle_from`` say how it writes the
    bytes, so that a message built beforehand (``building.outgoing``) is exactly what it sends."""

    linesep: str
    mangle_from: bool

    def send(self, msg: EmailMessage | WireMessage, row: OutboxMessage) -> None: ...

    def alive(self) -> bool: ...

    def close(self) -> None: ...


class FileTransport:
    """Writes each message to instance/outbox/ as an .eml file (the embedded default)."""

    # What ``bytes(msg)`` writes: the policy's line ends, "From " lines left alone.
    linesep = "\n"
    mangle_from = False

    def __init__(self) -> None:
        self.folder = Path(current_app.instance_path) / "outbox"
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, msg: EmailMessage | WireMessage, row: OutboxMessage) -> None:
        stamp = utcnow().strftime("%Y%m%d-%H%M%S")
        (self.folder / f"{stamp}-{row.id}.eml").write_bytes(bytes(msg))

    def alive(self) -> bool:
        return True

    def close(self) -> None:
        pass


class SMTPTransport:
    # What ``smtplib.SMTP.send_message`` sends: CRLF, "From " lines mangled by its generator.
    linesep = "\r\n"
    mangle_from = True

    def __init__(self) -> None:
        cfg = current_app.config
        self.smtp = smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=cfg["MAIL_TIMEOUT"])
        if cfg.get("MAIL_USE_TLS"):
            self.smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            self.smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")

    def send(self, msg: EmailMessage | WireMessage, row: OutboxMessage) -> None:
        if isinstance(msg, WireMessage):
            self.smtp.sendmail(msg.sender, msg.recipients, msg.data)
        else:
            self.smtp.send_message(msg)

    def alive(self) -> bool:
        try:
            return self.smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass


def open_transport() -> Transport:
    """The configured transport, connected (raises ``OSError`` or ``SMTPException`` when not)."""
    return FileTransport() if current_app.config["MAIL_BACKEND"] == "file" else SMTPTransport()
