"""Finding the translatable strings of the project (used by the catalogue test and `make messages`)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

METHOD_MAP = [
    ("**/translations/**", "ignore"),
    ("**/migrations/**", "ignore"),
    ("**.py", "python"),
    ("**.html", "jinja2"),
    ("**.txt", "jinja2"),
]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.do"}, "**.txt": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
}


def extract(paths: list[Path]) -> dict[str, tuple[str, str]]:
    """msgid -> (file, plural msgid or '') for every translatable string under ``paths``."""
    found: dict[str, tuple[str, str]] = {}
    for path in paths:
        if not path.exists():
            continue
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(path), METHOD_MAP, OPTIONS, keywords=KEYWORDS
        ):
            if isinstance(message, tuple):
                singular, plural = message[0], message[1]
            else:
                singular, plural = message, ""
            if singular:
                found.setdefault(singular, (f"{path}/{filename}", plural))
    return found
