"""Discussions by email: the email about a new post, and the reply that becomes a post.

An email about a thread carries a reply address ``reponse+<token>@<INBOUND_DOMAIN>`` whose token
is signed for one person and one thread (lower-case hex, since mail systems may change the case
of an address) and expires after ``REPLY_BY_EMAIL_MAX_AGE_DAYS``. At the discreet level no email
carries one. A reply is posted when its token is good, its sender is the token's person, the
person may still take part, and the guard finds nothing; otherwise nothing is posted and the
person is told why by email (a forged token is refused to the sending server: nobody to tell).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from email.message import EmailMessage
from email.utils import parseaddr

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..database import write_intent
from ..extensions import db
from ..guard import check_text
from ..guard.detect import KIND_LABELS
from ..mail import privacy
from ..mail.inbound import InboundResult, reply_address, reply_text
from ..mail.services import queue_email
from ..urls import external_url
from . import policy, services
from .models import Post, Thread

PREFIX = "reponse"
COALESCE_SECONDS = 600  # a burst of posts in one thread within ten minutes: one email each


def register_email_kinds(app: Flask) -> None:
    """The emails about a discussion and about a refused reply (from the spaces' ``init_app``)."""
    privacy.register_email_kind(
        app,
        privacy.EmailKind(
            "space_post", "space", _l("Discussion d’un espace"), _l("Du nouveau dans une discussion")
        ),
    )
    privacy.register_email_kind(
        app,
        privacy.EmailKind(
            "space_reply_refused",
            "space",
            _l("Réponse par courriel non publiée"),
            _l("Votre réponse n’a pas été publiée"),
            functional=True,
        ),
    )


REFUSALS = ("expired", "sender", "not_allowed", "empty", "guard")  # the template says each in words


def _day() -> int:
    return int(time.time() // 86400)


def _signature(user_id: int, thread_id: int, day: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"space-reply:{user_id}:{thread_id}:{day}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def make_token(user_id: int, thread_id: int, day: int | None = None) -> str:
    day = _day() if day is None else day
    return f"{user_id:x}.{thread_id:x}.{day:x}.{_signature(user_id, thread_id, day)}"


def read_token(token: str) -> tuple[int, int, int] | None:
    """(user id, thread id, day issued) of a well-signed token, else None."""
    try:
        user_hex, thread_hex, day_hex, signature = token.lower().split(".")
        user_id, thread_id, day = int(user_hex, 16), int(thread_hex, 16), int(day_hex, 16)
    except ValueError:
        return None
    if not (0 < user_id < 2**31 and 0 < thread_id < 2**31) or len(signature) != 24:
        return None
    if not hmac.compare_digest(signature, _signature(user_id, thread_id, day)):
        return None
    return user_id, thread_id, day


def email_post(post: Post, recipients: list[User]) -> None:
    """Tell each recipient of a new post by email (coalesced per thread and ten minutes)."""
    thread = post.thread
    window = int(time.time() // COALESCE_SECONDS)
    for person in recipients:
        if not person.active or person.closed_at is not None:
            continue
        pref = privacy.preference_of(person.id)
        level = privacy.level_for(pref, "space")
        headers = {}
        if level != privacy.Level.DISCREET:
            headers["Reply-To"] = reply_address(PREFIX, make_token(person.id, thread.id))
        queue_email(
            to=person.email,
            kind="space_post",
            template="spaces_post",
            locale=person.locale,
            user_id=person.id,
            level=level,
            headers=headers,
            dedupe_key=f"space-post:{thread.id}:{person.id}:{window}",
            user_name=person.name,
            thread_title=thread.title,
            actor_name=post.author.name if post.author else None,
            organization_name=post.author.organization.name if post.author else None,
            note=post.body[:600],
            can_reply=bool(headers),
            link=external_url("spaces.thread", thread_id=thread.id),
        )


def _refuse(person: User, thread_id: int, reason: str, kinds: tuple = ()) -> InboundResult:
    assert reason in REFUSALS
    queue_email(
        to=person.email,
        kind="space_reply_refused",
        template="spaces_reply_refused",
        locale=person.locale,
        user_id=person.id,
        reason=reason,
        kinds=[KIND_LABELS.get(kind, kind) for kind in kinds],
        link=external_url("spaces.thread", thread_id=thread_id),
    )
    return InboundResult(False, reason)


def handle_reply(token: str, message: EmailMessage) -> InboundResult:
    """The inbound handler for ``reponse+<token>@...`` (registered by the feature's init_app)."""
    write_intent()  # a reply is a write, as a POST on the web is
    found = read_token(token)
    if found is None:
        return InboundResult(False, "forged", reject=True)
    user_id, thread_id, day = found
    person = db.session.get(User, user_id)
    thread = db.session.get(Thread, thread_id)
    if person is None or thread is None or not person.active or person.closed_at is not None:
        return InboundResult(False, "unknown", reject=True)
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender != person.email.lower():
        return _refuse(person, thread_id, "sender")
    if _day() - day > current_app.config["REPLY_BY_EMAIL_MAX_AGE_DAYS"]:
        return _refuse(person, thread_id, "expired")
    if not policy.can_post(person, thread.space):
        return _refuse(person, thread_id, "not_allowed")
    text = reply_text(message)
    if not text:
        return _refuse(person, thread_id, "empty")
    findings = check_text(text)
    if findings:
        return _refuse(person, thread_id, "guard", kinds=tuple(dict.fromkeys(f.kind for f in findings)))
    services.reply(person, thread, text[:20000])
    return InboundResult(True, "posted")
