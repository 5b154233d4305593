"""Two-factor sign-in with TOTP (RFC 6238, any authenticator app) and one-time recovery codes.

Functions add and flush; the caller commits. A code is accepted in the 30-second step before,
during or after the current one (clock drift), and never twice: ``totp_last_step`` remembers
the last step used.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup

from ..database import utcnow
from ..extensions import db
from .models import RecoveryCode, User

STEP = 30
RECOVERY_CODES = 10


def _now_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def new_secret() -> str:
    return pyotp.random_base32(32)


def begin_enrolment(user: User) -> str:
    """Give the user a fresh secret to confirm (enrolment is complete after a first valid code)."""
    if not user.totp_secret:
        user.totp_secret = new_secret()
        user.totp_enabled_at = None
        user.totp_last_step = None
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    issuer = current_app.config["NETWORK_NAME"]
    assert user.totp_secret is not None  # begin_enrolment gave it one
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(user: User, label: str) -> Markup:
    """The enrolment QR code as inline SVG drawn on the server (no image request, no script)."""
    svg = segno.make(provisioning_uri(user), error="m").svg_inline(
        scale=4, svgclass="qr", lineclass=None, title=label, omitsize=False
    )
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))


def grouped_secret(user: User) -> str:
    return " ".join(re.findall(".{1,4}", user.totp_secret or ""))


def _clean(code: str) -> str:
    return re.sub(r"[\s\-]", "", code or "").lower()


def verify_totp(user: User, code: str, now: float | None = None) -> bool:
    code = _clean(code)
    if not user.totp_secret or not re.fullmatch(r"\d{6}", code):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    current = _now_step(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP), code) and step > (user.totp_last_step or -1):
            user.totp_last_step = step
            return True
    return False


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn two-factor sign-in on when ``code`` is right; returns the new recovery codes."""
    if not verify_totp(user, code):
        return None
    user.totp_enabled_at = utcnow()
    return new_recovery_codes(user)


def _hash_code(code: str) -> str:
    return hashlib.sha256(_clean(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the plain codes are shown once and never stored."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(raw)))
    db.session.flush()
    return codes


def remaining_recovery_codes(user: User) -> int:
    return db.session.execute(
        sa.select(sa.func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    ).scalar_one()


def use_recovery_code(user: User, code: str) -> bool:
    cleaned = _clean(code)
    if not re.fullmatch(r"[0-9a-f]{10}", cleaned):
        return False
    row = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(cleaned),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = utcnow()
    db.session.flush()
    return True


def verify_second_factor(user: User, code: str) -> str | None:
    """``"totp"`` or ``"recovery"`` when the code is right, None otherwise."""
    if not user.two_factor_enabled:
        return None
    if verify_totp(user, code):
        return "totp"
    if use_recovery_code(user, code):
        return "recovery"
    return None


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
