"""One path for every email: render, store in the outbox, deliver from a worker.

``queue_email`` only writes a row (in the caller's transaction) and asks for delivery after
commit; ``deliver_due`` claims rows, sends them over one SMTP connection, and records the
outcome. A message that a worker was sending when it died is claimed again after a while.
"""

from __future__ import annotations

import base64
import email.policy
import logging
import smtplib
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from ..database import is_sqlite, read_intent, utcnow, write_intent
from ..extensions import db
from ..i18n import moment, number
from ..tasks.services import enqueue_after_commit
from ..urls import external_url
from . import privacy
from .coalesce import hold
from .models import MailStatus, OutboxMessage
from .wire import WireMessage, wire_message

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
CLAIM_TIMEOUT = timedelta(minutes=10)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


# Context that only the "full" level may show: names of people and organizations, free text.
FULL_ONLY = frozenset(
    {
        "user_name",
        "inviter_name",
        "organization_name",
        "actor_name",
        "registered_by",
        "inviting_organization",
        "network_name",
        "cancelled_by",
        "note",
        "reason",
        "room_details",
        "online_url",
    }
)


def queue_email(
    *,
    to: str,
    kind: str,
    template: str,
    locale: str = "fr",
    user_id: int | None = None,
    level: privacy.Level | None = None,
    content: str | None = None,
    headers: dict | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    dedupe_key: str | None = None,
    coalesce: str | None = None,
    html: bool = True,
    deliver: bool = True,
    **context,
) -> OutboxMessage | None:
    """Compose ``templates/email/<template>.txt`` (and ``.html``) for the recipient and put it in the outbox.

    ``kind`` is one of ``intranet.mail.privacy.EMAIL_KINDS``: it gives the neutral subject (the
    network's, in the recipient's language) and the kind of content whose cap applies
    (``content`` overrides it). The recipient's level (``level``, else their preference within
    the cap) decides what the body may say; the email language is their preference's, else
    ``locale``. Returns None when ``dedupe_key`` says this message was already queued. With
    ``deliver=False`` no delivery job is enqueued: the caller delivers (a digest batch over its
    own connection) and the scheduler's ``flush_outbox`` catches up if it does not.

    ``coalesce`` names the object the email is about ("advocacy_position:3"): the email then waits
    ``EMAIL_COALESCE_SECONDS`` in the outbox, and a later email of the same kind about the same
    object to the same person, queued while it waits, takes its place (rendered with ``events``,
    the number of events it now stands for): a burst leaves as one email, saying the latest state.
    """
    if "subject" in context:
        raise TypeError("a subject comes from the kind of email (intranet.mail.privacy), never from content")
    if dedupe_key and db.session.scalar(
        sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    ):
        return None
    pref = privacy.preference_of(user_id)
    locale = privacy.recipient_locale(pref, locale)
    if level is None:
        level = privacy.level_for(pref, content or privacy.email_kind(kind).content)
    store = dict(
        to=to, kind=kind, user_id=user_id, headers=headers, attachments=attachments, dedupe_key=dedupe_key
    )
    if coalesce:
        key = f"{kind}:{user_id if user_id is not None else to}:{coalesce}"[:200]
        return hold(
            key,
            lambda events: compose(
                kind, template, locale=locale, level=level, html=html, count=events, events=events, **context
            ),
            **store,
        )
    rendered = compose(kind, template, locale=locale, level=level, html=html, **context)
    return store_email(rendered, deliver=deliver, **store)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str | None
    sender_name: str | None = None


def compose(
    kind: str,
    template: str,
    *,
    locale: str,
    level: privacy.Level,
    count: int | None = None,
    html: bool = True,
    **context,
) -> RenderedEmail:
    """The email of ``kind`` at ``level``: its neutral envelope, and a body that says no more than
    the level allows. At "discreet" an email about content becomes "N new items for you" with a
    sign-in link; below "full", names and free text (``FULL_ONLY``) are left out of the context."""
    policy = privacy.settings()
    if level == privacy.Level.DISCREET and not privacy.email_kind(kind).functional:
        count = count or 1
        subject = policy.subject("discreet", locale, count)
        template = "discreet"
        context = {
            "home_url": external_url("home.index"),
            "preferences_url": external_url("notifications.preferences"),
            **{key: context[key] for key in ("unsubscribe_url",) if key in context},
        }
    else:
        subject = policy.subject(kind, locale, count)
        if level != privacy.Level.FULL:
            shows = privacy.email_kind(kind).shows
            context = {
                key: (None if key in FULL_ONLY and not shows(key, value, level) else value)
                for key, value in context.items()
            }
    sender = policy.sender_name(locale)
    rendered = render_email(
        template,
        subject,
        locale=locale,
        html=html,
        level=level.value,
        sender_name=sender,
        count=count,
        **context,
    )
    return RenderedEmail(rendered.subject, rendered.body_text, rendered.body_html, sender)


def _gettext(translations):
    """The templates' ``gettext`` (what ``_`` calls) with the email's catalogue looked up once:
    Jinja's new-style gettext (``jinja2.ext``) over Flask-Babel's ``get_translations().ugettext``,
    whose lookup of the locale and the catalogue was most of the cost of each ``_()``."""

    @pass_context
    def gettext(context, string, /, **variables):
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return gettext


def warm_up() -> None:
    """Load what rendering email needs once, in a worker's parent process (app context): each
    forked work horse inherits the email templates compiled, the languages' catalogues and
    their date and number formats, instead of loading them again for every job."""
    env = current_app.jinja_env
    for name in env.list_templates(filter_func=lambda name: name.startswith("email/")):
        env.get_template(name)
    for locale in privacy.LOCALES:
        with force_locale(locale):
            get_translations()
            str(privacy.DEFAULT_SENDER_NAME)
            moment(datetime(2026, 1, 1, tzinfo=UTC), "medium")
            format_date(datetime(2026, 1, 1).date(), "long")
            number(1234)


def render_email(
    template: str, subject, *, locale: str = "fr", html: bool = True, **context
) -> RenderedEmail:
    """Render an email in ``locale`` without storing it (work that can happen outside a write lock)."""
    with force_locale(locale):
        subject_text = str(subject)
        context.setdefault("gettext", _gettext(get_translations()))
        body_text = render_template(f"email/{template}.txt", locale=locale, **context)
        body_html = render_template(f"email/{template}.html", locale=locale, **context) if html else None
    return RenderedEmail(subject_text, body_text, body_html)


def store_email(
    rendered: RenderedEmail,
    *,
    to: str,
    kind: str,
    user_id: int | None = None,
    headers: dict | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    dedupe_key: str | None = None,
    deliver: bool = True,
    flush: bool = True,
) -> OutboxMessage:
    """Write a rendered email to the outbox in the caller's transaction (flushed, not committed).

    ``flush=False`` leaves the row pending so that a caller writing many (a digest chunk) inserts
    them in one statement with its own flush; such rows are never delivered from here.
    """
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip(">") or "passerelle.example"
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        user_id=user_id,
        subject=rendered.subject,
        sender_name=rendered.sender_name,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        headers=dict(headers or {}),
        attachments=[
            {"filename": name, "content_type": ctype, "data": base64.b64encode(data).decode()}
            for name, ctype, data in attachments
        ],
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain),
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    if not flush:
        return message
    db.session.flush()
    if deliver:
        enqueue_after_commit("jobs.email.deliver_message", message.id, queue="email")
    return message


class _URIListHeader(UnstructuredHeader):
    """List-Unsubscribe (RFC 2369, RFC 8058): URIs in angle brackets that mail clients read as they
    are. The standard folding turns a URI longer than a line into RFC 2047 encoded words, which
    clients do not decode there (the one-click unsubscribe button then never shows): folded only
    between URIs, never encoded (a line may hold 998 characters, RFC 5322)."""

    def fold(self, *, policy) -> str:
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
        self._made: dict[str, type] = {}
        self.map_to_type("list-unsubscribe", _URIListHeader)

    def __getitem__(self, name: str):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


EMAIL_POLICY = email.policy.default.clone(header_factory=_HeaderClasses())


def sender_header(name: str | None) -> str:
    """The configured sender address under the network's neutral display name."""
    configured = current_app.config["MAIL_DEFAULT_SENDER"]
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


class _FileTransport:
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


class _SMTPTransport:
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


def _transport():
    return _FileTransport() if current_app.config["MAIL_BACKEND"] == "file" else _SMTPTransport()


class Mailer:
    """One connection kept open across several ``deliver_due`` calls (a digest batch).

    Once the server could not be reached, the mailer stays ``down``: later calls leave their
    messages pending for the scheduler's ``flush_outbox`` instead of trying again at once.
    """

    def __init__(self) -> None:
        self.transport = None
        self.down = False

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
            self.transport = None


def _claim(ids: list[int] | None, limit: int) -> list[int]:
    """Mark due messages as being sent by this worker, in their own short transaction."""
    write_intent()
    now = utcnow()
    due = sa.or_(
        sa.and_(OutboxMessage.status == MailStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )
    query = sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    if not is_sqlite():
        query = query.with_for_update(skip_locked=True)
    claimed = list(db.session.scalars(query))
    if claimed:
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed))
            .values(status=MailStatus.SENDING, claimed_at=now)
        )
    db.session.commit()
    return claimed


# One statement per message sent, built once and run on the session's connection: the ORM's
# bulk-update path (matching the session's objects, building the statement) cost more than the
# statement itself. The session's rows are expired by the commit that follows.
_OUTBOX = OutboxMessage.__table__
_MARK_SENT = (
    sa.update(_OUTBOX)
    .where(_OUTBOX.c.id == sa.bindparam("b_id"))
    .values(
        status=MailStatus.SENT,
        sent_at=sa.bindparam("b_sent_at", type_=_OUTBOX.c.sent_at.type),
        attempts=_OUTBOX.c.attempts + 1,
        last_error=None,
    )
)
# On PostgreSQL the mark need not wait for the disk: were the database to crash in the next
# fraction of a second, the message would be sent again after CLAIM_TIMEOUT, as it would if the
# crash came between the send and the commit. ``set_config(..., true)`` is ``SET LOCAL``, said in
# the UPDATE itself (a subquery PostgreSQL runs once) rather than in a round trip of its own.
_ASYNC_COMMIT = sa.select(sa.func.set_config("synchronous_commit", "off", True)).scalar_subquery()
_MARK_SENT_ASYNC = _MARK_SENT.where(_ASYNC_COMMIT.is_not(None))


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500 and exc.smtp_code not in (500, 501, 502, 503, 504, 521, 530)
    return False


def deliver_due(
    ids: list[int] | None = None, limit: int = 200, mailer: Mailer | None = None
) -> dict[str, int]:
    """Send due messages (or the given ones, when due) over one connection; returns counts.

    With ``mailer``, its open connection is used (and left open for the next call).
    """
    counts = {"sent": 0, "retry": 0, "refused": 0, "failed": 0}
    if mailer is not None and mailer.down:
        return counts
    claimed = _claim(ids, limit)
    if not claimed:
        return counts
    transport = mailer.transport if mailer is not None else None
    if transport is not None and not transport.alive():
        transport.close()
        transport = None
    if transport is None:
        try:
            transport = _transport()
        except (OSError, smtplib.SMTPException) as exc:
            write_intent()
            for row in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed))):
                _record_temporary_failure(row, exc, counts)
            db.session.commit()
            if mailer is not None:
                mailer.down = True
            return counts
    # Built up front from one query: each commit below expires the session's rows, and
    # reloading every message to send it would double the queries.
    read_intent()
    messages = [
        (row.id, outgoing(row, transport.linesep, transport.mangle_from), row)
        for row in db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.id.in_(claimed)).order_by(OutboxMessage.id)
        )
    ]
    db.session.rollback()
    try:
        for message_id, message, row in messages:
            write_intent()
            try:
                transport.send(message, row)
            except (smtplib.SMTPException, OSError) as exc:
                # SMTPException is an OSError: tell the server's answers from a lost connection.
                if isinstance(exc, smtplib.SMTPException) and not isinstance(
                    exc, smtplib.SMTPServerDisconnected
                ):
                    if _is_permanent(exc):
                        row.status = MailStatus.REFUSED
                        row.last_error = _describe(exc)
                        counts["refused"] += 1
                        log.warning("address refused for good for outbox message %s", row.id)
                    else:
                        _record_temporary_failure(row, exc, counts)
                    db.session.commit()
                    continue
                _record_temporary_failure(row, exc, counts)
                db.session.commit()
                transport.close()
                try:
                    transport = _transport()
                except (OSError, smtplib.SMTPException):
                    transport = None
                    if mailer is not None:
                        mailer.down = True
                    break
                continue
            mark = _MARK_SENT if is_sqlite() else _MARK_SENT_ASYNC
            db.session.connection().execute(mark, {"b_id": message_id, "b_sent_at": utcnow()})
            db.session.commit()
            counts["sent"] += 1
    finally:
        if mailer is not None:
            mailer.transport = transport
        elif transport is not None:
            transport.close()
    # Messages claimed but not reached (connection lost for good) go back to pending.
    write_intent()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed), OutboxMessage.status == MailStatus.SENDING)
        .values(status=MailStatus.PENDING, claimed_at=None)
    )
    db.session.commit()
    return counts


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _record_temporary_failure(row: OutboxMessage, exc: Exception, counts: dict[str, int]) -> None:
    row.attempts += 1
    row.last_error = _describe(exc)
    row.claimed_at = None
    if row.attempts >= MAX_ATTEMPTS:
        row.status = MailStatus.FAILED
        counts["failed"] += 1
    else:
        row.status = MailStatus.PENDING
        row.next_attempt_at = utcnow() + _backoff(row.attempts)
        counts["retry"] += 1
    log.warning("temporary failure for outbox message %s (attempt %s)", row.id, row.attempts)


def is_smtp_reachable() -> bool:
    cfg = current_app.config
    if cfg["MAIL_BACKEND"] == "file":
        return True
    try:
        with socket.create_connection((cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"])), timeout=3):
            return True
    except OSError:
        return False
