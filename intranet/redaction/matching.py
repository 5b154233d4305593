"""Finding a passage wherever a copy of it sits: with other spacing, escaped in HTML, or cut
short with an ellipsis (digests shorten summaries to whole words followed by « … »)."""

from __future__ import annotations

import re

from markupsafe import escape

# Enough words for any shortened copy (digest summaries stop at 220 characters).
MAX_PREFIX_WORDS = 60
MIN_PREFIX_WORDS = 3


def normalize(text: str | None) -> str:
    return " ".join((text or "").split())


def _word(word: str) -> str:
    variants = dict.fromkeys([word, str(escape(word))])
    return "(?:" + "|".join(re.escape(v) for v in variants) + ")" if len(variants) > 1 else re.escape(word)


def pattern(needle: str, *, shortened: bool = False) -> re.Pattern | None:
    """A pattern for ``needle`` whatever the spacing, plain or HTML-escaped, not inside a longer
    word. With ``shortened``, also its first words (three at least) followed by « … »."""
    words = needle.split()
    if not words:
        return None
    parts = [_word(w) for w in words]
    full = r"\s+".join(parts)
    if re.match(r"\w", words[0]):
        full = r"(?<!\w)" + full
    if re.search(r"\w$", words[-1]):
        full += r"(?!\w)"
    alternatives = [full]
    if shortened and len(words) > MIN_PREFIX_WORDS:
        head = parts[: min(len(parts) - 1, MAX_PREFIX_WORDS)]
        tail = ""
        for part in reversed(head[MIN_PREFIX_WORDS:]):
            tail = r"(?:\s+" + part + tail + ")?"
        prefix = r"\s+".join(head[:MIN_PREFIX_WORDS]) + tail + r"\s*…"
        if re.match(r"\w", words[0]):
            prefix = r"(?<!\w)" + prefix
        alternatives.append(prefix)
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


def scrub(value: str, patterns: list[re.Pattern], mark: str) -> tuple[str, int]:
    """``value`` with every match of ``patterns`` replaced by ``mark``; and how many there were."""
    total = 0
    for compiled in patterns:
        value, count = compiled.subn(lambda _m: mark, value)
        total += count
    return value, total
