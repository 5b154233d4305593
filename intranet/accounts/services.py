"""Accounts: sign-in, server-side sessions, invitations and password resets.

Functions take the acting user as an argument and never read request globals, so the views,
jobs and CLI share them. They add and flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import events
from ..database import rowcount, separate_write, utcnow
from ..extensions import db
from ..mail.services import queue_email
from ..urls import external_url as _external
from . import twofactor
from .blocklist import is_common
from .models import Organization, Role, Sector, User, UserSession
from .passwords import hash_password, needs_rehash, verify_password


class AccountError(Exception):
    """A refusal whose message is safe to show to the user (already translated lazily)."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


# --- sign-in -------------------------------------------------------------------------------


def audit(action: str, actor: User | None, *, target: User | Organization | None = None, **details) -> None:
    """Send an audit event (recorded in the caller's transaction by the audit package)."""
    events.audit.send(
        None,
        action=action,
        actor_id=actor.id if actor is not None else None,
        organization_id=(
            target.organization_id
            if isinstance(target, User)
            else target.id
            if isinstance(target, Organization)
            else actor.organization_id
            if actor is not None
            else None
        ),
        target_type=("user" if isinstance(target, User) else "organization" if target is not None else None),
        target_id=target.id if target is not None else None,
        details=details,
    )


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


def record_failure(user: User | None, reason: str) -> None:
    """Count a failed attempt. From the ``LOGIN_LOCK_AFTER``-th in a row, the account refuses every
    attempt (even a right one) for 30 s, then 60 s... at most ``LOGIN_LOCK_MAX`` seconds: enough to
    slow a guesser down, never long enough to shut a member out (a reset link also unlocks)."""
    if user is None:
        audit("login.failed", None, reason=reason)
        return
    cfg = current_app.config
    user.failed_logins = (user.failed_logins or 0) + 1
    excess = user.failed_logins - cfg["LOGIN_LOCK_AFTER"]
    if excess >= 0:
        delay = min(30 * 2 ** min(excess, 20), cfg["LOGIN_LOCK_MAX"])
        user.locked_until = utcnow() + timedelta(seconds=delay)
        if excess == 0:
            audit("login.locked", user, target=user, seconds=delay)
    audit("login.failed", user, target=user, reason=reason)
    db.session.flush()


def clear_failures(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None


def authenticate(email: str, password: str) -> User | None:
    """The user if the email and password match an active, unlocked account; None otherwise, in
    the same time and with the same answer whatever the reason (the failure is counted and audited)."""
    user = find_user_by_email(email)
    locked = user is not None and is_locked(user)
    usable = user is not None and user.active and user.closed_at is None and not locked
    ok = verify_password(user.password_hash if user is not None and usable else None, password)
    if not ok:
        reason = (
            "unknown_account"
            if user is None
            else "locked"
            if locked
            else "inactive"
            if not usable
            else "password"
        )
        record_failure(user, reason)
        return None
    assert user is not None and user.password_hash is not None  # verify_password refused otherwise
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, user_agent: str = "") -> str:
    """Create a server-side session record; returns the secret kept in the signed cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_token_hash(token), user_id=user.id, user_agent=user_agent[:200]))
    user.last_login_at = utcnow()
    db.session.flush()
    return token


def load_session(token: str | None, user_id: int) -> UserSession | None:
    """The live session for this token and user, or None if it was ended or timed out."""
    if not token:
        return None
    record = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if record is None or record.user_id != user_id:
        return None
    now = utcnow()
    cfg = current_app.config
    if now - record.last_seen_at > timedelta(
        seconds=cfg["SESSION_IDLE_TIMEOUT"]
    ) or now - record.created_at > timedelta(seconds=cfg["SESSION_ABSOLUTE_TIMEOUT"]):
        # Looked up before the request's own work: the dead record goes in a write of its own
        # (a read request, a refreshing region, may be the one that finds it).
        record_id = record.id
        with separate_write():
            db.session.execute(sa.delete(UserSession).where(UserSession.id == record_id))
        return None
    return record


def touch_session(record: UserSession) -> bool:
    """Refresh the idle timer at most once a minute (avoids a write per request), or more often
    when the idle timeout is shorter than ten minutes."""
    every = min(60, current_app.config["SESSION_IDLE_TIMEOUT"] // 10)
    if utcnow() - record.last_seen_at > timedelta(seconds=every):
        record.last_seen_at = utcnow()
        return True
    return False


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _token_hash(token)))


def end_all_sessions(user: User, except_token: str | None = None) -> int:
    query = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if except_token:
        query = query.where(UserSession.token_hash != _token_hash(except_token))
    return rowcount(db.session.execute(query))


def validate_new_password(password: str, user: User | None = None) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(_l("Le mot de passe doit compter au moins %(n)s caractères.", n=minimum))
    if len(password) > 256:
        raise AccountError(_l("Le mot de passe ne peut dépasser 256 caractères."))
    context: tuple[str, ...] = (current_app.config["NETWORK_NAME"], "passerelle")
    if user is not None:
        context += (user.email.split("@")[0], user.name)
    if is_common(password, context):
        raise AccountError(
            _l(
                "Ce mot de passe est trop courant ou trop facile à deviner. "
                "Essayez une phrase de quelques mots qui n’ont pas de lien entre eux."
            )
        )


def set_password(user: User, password: str) -> None:
    validate_new_password(password, user)
    user.password_hash = hash_password(password)
    clear_failures(user)
    end_all_sessions(user)


# --- signed links (invitation, reset) -------------------------------------------------------


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"passerelle-{purpose}")


def _fingerprint(user: User) -> str:
    # Changes as soon as the password is set, so each link works once.
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.public_id, "f": _fingerprint(user)})


def read_token(token: str, purpose: str) -> User:
    max_age = current_app.config["INVITATION_MAX_AGE" if purpose == "invite" else "RESET_MAX_AGE"]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AccountError(_l("Ce lien a expiré. Demandez-en un nouveau.")) from exc
    except BadSignature as exc:
        raise AccountError(_l("Ce lien n’est pas valide.")) from exc
    user = db.session.scalar(sa.select(User).where(User.public_id == data.get("u")))
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        raise AccountError(_l("Ce lien a déjà servi ou n’est plus valide."))
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; says nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active or not user.password_hash:
        return
    queue_email(
        to=user.email,
        kind="password_reset",
        template="password_reset",
        locale=user.locale,
        user_id=user.id,
        link=_external("accounts.reset_password", token=make_token(user, "reset")),
        user_name=user.name,
    )


# --- invitations and organizations ----------------------------------------------------------


@dataclass
class Invitation:
    email: str
    name: str
    organization_id: int
    role: Role
    locale: str = "fr"


def can_invite(actor: User, organization_id: int, role: Role) -> bool:
    if actor.is_admin:
        return True
    if actor.role == Role.STAFF:
        return role in (Role.MEMBER, Role.COORDINATOR, Role.STAFF)
    if actor.role == Role.COORDINATOR:
        return organization_id == actor.organization_id and role in (Role.MEMBER, Role.COORDINATOR)
    return False


def invite(actor: User, inv: Invitation) -> User:
    if not can_invite(actor, inv.organization_id, inv.role):
        raise AccountError(_l("Vous ne pouvez pas inviter cette personne avec ce rôle."))
    organization = db.session.get(Organization, inv.organization_id)
    if organization is None or not organization.active:
        raise AccountError(_l("Cet organisme n’existe pas."))
    if inv.role in (Role.STAFF, Role.ADMIN) and not organization.is_network:
        raise AccountError(_l("L’équipe du réseau appartient à l’organisme du réseau."))
    email = normalize_email(inv.email)
    if find_user_by_email(email) is not None:
        raise AccountError(_l("Une personne utilise déjà cette adresse."))
    user = User(
        email=email,
        name=inv.name.strip(),
        role=inv.role,
        organization_id=organization.id,
        locale=inv.locale,
        invited_at=utcnow(),
        invited_by_id=actor.id,
    )
    db.session.add(user)
    db.session.flush()
    send_invitation(actor, user, first=True)
    return user


def send_invitation(actor: User, user: User, *, first: bool = False) -> None:
    if user.has_password:
        raise AccountError(_l("Cette personne a déjà activé son compte."))
    user.invited_at = utcnow()
    audit("invitation.sent" if first else "invitation.resent", actor, target=user, role=user.role.value)
    queue_email(
        to=user.email,
        kind="invitation",
        template="invitation",
        locale=user.locale,
        user_id=user.id,
        link=_external("accounts.accept_invitation", token=make_token(user, "invite")),
        user_name=user.name,
        # Who invites: the inviting organization (the network's team speaks as the network) and
        # the network, so the email does not read like phishing; never the inviter's own data.
        inviting_organization=None if actor.organization.is_network else actor.organization.name,
        organization_name=user.organization.name,
        network_name=current_app.config["NETWORK_NAME"],
    )


def accept_invitation(user: User, password: str) -> None:
    if user.has_password:
        raise AccountError(_l("Ce lien a déjà servi ou n’est plus valide."))
    set_password(user, password)
    audit("invitation.accepted", user, target=user)


def organizations_without_coordinator(limit: int = 5) -> tuple[int, list[Organization]]:
    """Active member organizations where no active person coordinates (the staff desk): how many,
    and the first by name."""
    coordinated = sa.select(User.organization_id).where(User.role == Role.COORDINATOR, User.active)
    where = (Organization.active, Organization.is_network.is_(False), Organization.id.not_in(coordinated))
    count = db.session.scalar(sa.select(sa.func.count(Organization.id)).where(*where)) or 0
    first = list(
        db.session.scalars(sa.select(Organization).where(*where).order_by(Organization.name).limit(limit))
    )
    return count, first


def can_manage_organization(actor: User, organization_id: int) -> bool:
    return actor.is_staff or actor.is_coordinator_of(organization_id)


def create_organization(actor: User, *, name: str, sector: Sector, region_id: int, town: str) -> Organization:
    if not actor.is_staff:
        raise AccountError(_l("Seule l’équipe du réseau peut ajouter un organisme."))
    name = name.strip()
    if db.session.scalar(sa.select(Organization.id).where(sa.func.lower(Organization.name) == name.lower())):
        raise AccountError(_l("Un organisme porte déjà ce nom."))
    org = Organization(name=name, sector=sector, region_id=region_id, town=town.strip())
    db.session.add(org)
    db.session.flush()
    audit("organization.created", actor, target=org, sector=sector.value)
    return org


def change_role(actor: User, user: User, role: Role) -> None:
    if not actor.is_admin:
        raise AccountError(_l("Seule l’administration peut changer un rôle."))
    if user.id == actor.id:
        raise AccountError(_l("Vous ne pouvez pas changer votre propre rôle."))
    if role in (Role.STAFF, Role.ADMIN) and not user.organization.is_network:
        raise AccountError(_l("L’équipe du réseau appartient à l’organisme du réseau."))
    previous = user.role
    user.role = role
    end_all_sessions(user)  # a privilege change starts fresh sessions
    audit("role.changed", actor, target=user, before=previous.value, after=role.value)


def set_active(actor: User, user: User, active: bool) -> None:
    if not can_manage_organization(actor, user.organization_id) or (user.is_staff and not actor.is_admin):
        raise AccountError(_l("Vous ne pouvez pas modifier ce compte."))
    if user.id == actor.id:
        raise AccountError(_l("Vous ne pouvez pas désactiver votre propre compte."))
    user.active = active
    if not active:
        end_all_sessions(user)
    audit("account.enabled" if active else "account.disabled", actor, target=user)


def reset_two_factor(actor: User, user: User) -> None:
    """An administrator turns off someone's two-factor sign-in (lost phone): recorded, the person
    is told by email, and every session of theirs ends. They enrol again at their next sign-in."""
    if not actor.is_admin:
        raise AccountError(_l("Seule l’administration peut réinitialiser la double authentification."))
    if user.id == actor.id:
        raise AccountError(_l("Une autre personne de l’administration doit le faire pour vous."))
    if not user.totp_secret:
        raise AccountError(_l("Cette personne n’utilise pas la double authentification."))
    twofactor.disable(user)
    end_all_sessions(user)
    audit("2fa.reset", actor, target=user)
    queue_email(
        to=user.email,
        kind="security_notice",
        template="security_2fa_reset",
        locale=user.locale,
        user_id=user.id,
        user_name=user.name,
        required=user.two_factor_required,
    )
