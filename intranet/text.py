"""Small text helpers shared by features (search, email privacy, file names)."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: « Hébergement » -> « hebergement », « œuvre » -> « oeuvre »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")
    )


def slugify(text: str, max_length: int | None = None) -> str:
    """ASCII words joined by hyphens: « Lettre ouverte : l’accès » -> « lettre-ouverte-l-acces ».

    With ``max_length`` the slug is cut between two words, never inside one."""
    text = unicodedata.normalize("NFKD", re.sub(r"[\W_]+", "-", text)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if max_length is not None and len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug
