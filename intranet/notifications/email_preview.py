"""The email a member would get, at a level of their choosing (the preview beside the choice).

It is the real thing: the member's next digest (or, when nothing is new, one built from the last
month, so there is something to look at), rendered by the same code as the digests that leave,
at the level asked, with the network's neutral envelope. Nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..mail import privacy
from ..mail.privacy import Level
from ..mail.services import sender_header
from . import digests
from .models import Frequency, NotificationPreference
from .services import email_locale


@dataclass(frozen=True)
class EmailPreview:
    level: Level
    sender: str
    subject: str
    body: str | None  # the plain-text part; None when there is nothing at all to show
    example: bool  # nothing new since the last digest: built from the last month instead


def build(user: User, level: Level) -> EmailPreview:
    pref = db.session.get(NotificationPreference, user.id)
    links = digests.EmailLinks(current_app)
    digest = digests.next_digest(user)
    example = digest.is_empty
    if example:
        until = utcnow()
        digest = digests.build_digest(user, pref, until - digests.MAX_LOOKBACK, until)
    if digest.is_empty:
        locale = email_locale(user, pref)
        policy = privacy.settings()
        daily = pref is not None and pref.frequency == Frequency.DAILY
        kind = "digest_daily" if daily else "digest_weekly"
        return EmailPreview(
            level, sender_header(policy.sender_name(locale)), policy.subject(kind, locale, 0), None, example
        )
    rendered, _headers = digests.render_digest(user, pref, digest, links, level=level)
    return EmailPreview(
        level, sender_header(rendered.sender_name), rendered.subject, rendered.body_text, example
    )
