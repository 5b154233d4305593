"""Common passwords are refused (NIST SP 800-63B 5.1.1.2, ASVS 2.1.7), with no composition rules.

``data/common_passwords.txt`` ships with the project: passwords of 12 characters or more that
appear at the top of public breach corpora, and the base words people pad to reach a length
(``motdepasse``, ``azerty``, ``soleil``...). A candidate is refused when, lowercased:
it is in the list; it is a listed base word padded with digits or symbols (``soleil2026!!!``);
it repeats a short pattern (``abcabcabcabc``); or it is a run along the keyboard or the digits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "common_passwords.txt"
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890123456789",
    "98765432109876543210",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "zaq12wsxcde34rfvbgt56yhnmju78ik",
    "qazwsxedcrfvtgbyhnujmikolp",
)


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], tuple[str, ...]]:
    whole, bases = set(), set()
    for line in _DATA.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if not line or line.startswith("#"):
            continue
        if line.startswith("base:"):
            bases.add(line[5:])
        else:
            whole.add(line)
    return frozenset(whole), tuple(sorted(bases, key=len, reverse=True))


def _fold(password: str) -> str:
    return re.sub(r"\s+", " ", password.strip().lower())


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_.]", "", _fold(text))


def is_common(password: str, context: tuple[str, ...] = ()) -> bool:
    """True when the password is too easy to guess. ``context`` adds words of this site and of the
    person (their email's local part, the network's name) that must not be the whole password."""
    folded = _fold(password)
    compact = _compact(password)
    whole, bases = _lists()
    if folded in whole or compact in whole:
        return True
    core = re.sub(r"[\d\W_]+$", "", re.sub(r"^[\d\W_]+", "", compact))
    words = bases + tuple(w for w in (_compact(c) for c in context) if len(w) >= 4)
    if core in words or re.sub(r"\d+$", "", core) in words:
        return True
    if len(set(compact)) <= 3:
        return True
    for size in range(1, 7):  # abcabcabcabc, 121212121212
        unit = compact[:size]
        if unit and unit * (len(compact) // size) + unit[: len(compact) % size] == compact:
            return True
    return any(compact in run or compact in run * 2 for run in _RUNS)
