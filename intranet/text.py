"""Small text helpers shared by features (search, email privacy)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents: « Hébergement » -> « hebergement », « œuvre » -> « oeuvre »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")
