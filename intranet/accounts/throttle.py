"""Sign-in throttling that fits shared computers and shared addresses.

A training room or a shelter puts dozens of people behind one address: what they get right must
never count against each other. So only failures are counted, at three levels:

- per (typed email, address): from the ``LOGIN_PAIR_LOCK_AFTER``-th failure in a row, that email
  is refused from that address for 30 s, then 60 s... at most ``LOGIN_LOCK_MAX``. The person is
  told how long to wait. Unknown emails are throttled alike, so nothing says an account exists.
- per account, from any address: the lockout kept on the account itself (``services.record_failure``),
  with a looser threshold (``LOGIN_LOCK_AFTER``), against guessing spread over many addresses.
- per address: a ceiling of failures (``LOGIN_ADDRESS_FAILURES``, e.g. "30 per 5 minutes")
  against one address trying many accounts.

Counters live in the rate limiter's storage (``RATELIMIT_STORAGE_URI``: the embedded or the real
Redis, memory when there is none), never with the email in clear. When that storage cannot be
reached, sign-in goes on (logged): the lockout kept on the account still holds.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

import redis
from flask import current_app
from limits import parse_many
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter


@dataclass(frozen=True)
class Refusal:
    scope: str  # "pair": this email from this address; "address": every attempt from this address
    retry_after: int  # seconds


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _pair(email: str, address: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{address}".encode()).hexdigest()[:32]
    return f"signin/pair/{digest}"


def _address_limits():
    return parse_many(current_app.config["LOGIN_ADDRESS_FAILURES"])


def check(email: str, address: str) -> Refusal | None:
    """Whether a sign-in attempt may even be tried (before the password is checked)."""
    if not _enabled():
        return None
    try:
        storage = limiter.storage
        lock = _pair(email, address) + "/lock"
        if storage.get(lock) > 0:
            return Refusal("pair", _seconds_until(storage.get_expiry(lock)))
        window = FixedWindowRateLimiter(storage)
        for item in _address_limits():
            if not window.test(item, "signin-address", address):
                return Refusal(
                    "address",
                    _seconds_until(window.get_window_stats(item, "signin-address", address).reset_time),
                )
    except redis.RedisError:
        current_app.logger.error("sign-in throttle: storage unreachable, attempt let through")
    return None


def failed(email: str, address: str) -> None:
    """Count a failed attempt; from the threshold on, lock this email from this address a while."""
    if not _enabled():
        return
    cfg = current_app.config
    try:
        storage = limiter.storage
        window = FixedWindowRateLimiter(storage)
        for item in _address_limits():
            window.hit(item, "signin-address", address)
        key = _pair(email, address)
        count = storage.incr(key, cfg["LOGIN_PAIR_WINDOW"])
        excess = count - cfg["LOGIN_PAIR_LOCK_AFTER"]
        if excess >= 0:
            delay = min(30 * 2 ** min(excess, 20), cfg["LOGIN_LOCK_MAX"])
            storage.clear(key + "/lock")
            storage.incr(key + "/lock", delay)
    except redis.RedisError:
        current_app.logger.error("sign-in throttle: storage unreachable, failure not counted")


def succeeded(email: str, address: str) -> None:
    """A right password from this address: its count for this email starts again."""
    if not _enabled():
        return
    try:
        key = _pair(email, address)
        limiter.storage.clear(key)
        limiter.storage.clear(key + "/lock")
    except redis.RedisError:
        current_app.logger.error("sign-in throttle: storage unreachable")


def _seconds_until(moment: float) -> int:
    return max(1, math.ceil(moment - time.time()))
