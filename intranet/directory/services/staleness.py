"""Stale profiles: untouched for 12 months, their coordinators are asked to confirm them.

Run by the scheduler (``jobs.directory.remind_stale_profiles``). Each stale period asks once:
``Profile.reminded_at`` is set, and cleared when the profile is edited or confirmed. The email
goes through the outbox at each coordinator's level: the organization's name is a name
(``organization_name``: "full" only), so below "full" the email says "your organization's
profile" and gives the link.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...accounts.models import Organization, Role, User
from ...database import utcnow
from ...extensions import db
from ...mail.services import queue_email
from ...urls import external_url
from ..models import Profile
from .profiles import STALE_AFTER, months_since

EMAIL_KIND = "directory_profile_stale"


def due_profiles(now: datetime | None = None, limit: int = 500) -> list[Profile]:
    cutoff = (now or utcnow()) - STALE_AFTER
    return list(
        db.session.scalars(
            sa.select(Profile)
            .join(Profile.organization)
            .where(
                Profile.confirmed_at <= cutoff,
                Profile.reminded_at.is_(None),
                Organization.active.is_(True),
                Organization.is_network.is_(False),
            )
            .order_by(Profile.confirmed_at)
            .limit(limit)
        ).unique()
    )


def coordinators_of(organization_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.organization_id == organization_id,
                User.role == Role.COORDINATOR,
                User.active.is_(True),
                User.closed_at.is_(None),
            )
            .order_by(User.id)
        )
    )


def remind_stale_profiles(now: datetime | None = None, limit: int = 500) -> int:
    """Queue one email per coordinator of each newly stale profile; returns how many."""
    now = now or utcnow()
    sent = 0
    for profile in due_profiles(now, limit):
        organization = profile.organization
        for person in coordinators_of(organization.id):
            message = queue_email(
                to=person.email,
                kind=EMAIL_KIND,
                template=EMAIL_KIND,
                locale=person.locale,
                user_id=person.id,
                dedupe_key=f"directory-stale-{organization.id}-{profile.confirmed_at:%Y%m%d}-{person.id}",
                user_name=person.name,
                organization_name=organization.name,
                months=months_since(profile.confirmed_at, now),
                link=external_url("directory.profile", organization_id=organization.id),
            )
            sent += message is not None
        profile.reminded_at = now
    db.session.flush()
    return sent
