"""French is the source language; English must be complete (DOMAIN.md rule 6)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from intranet.i18n import translation_directories
from intranet.messages import extract

ROOT = Path(__file__).resolve().parent.parent


def _english() -> dict:
    merged: dict = {}
    for directory in translation_directories(ROOT):
        for po in Path(directory).glob("en/LC_MESSAGES/*.po"):
            with po.open("rb") as handle:
                catalog = read_po(handle, locale="en")
            for message in catalog:
                if not message.id:
                    continue
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if all(strings) and not message.fuzzy:
                    merged[key] = strings
    return merged


def test_every_french_string_has_an_english_translation():
    english = _english()
    found = extract([ROOT / "intranet", ROOT / "templates", ROOT / "jobs"])
    missing = sorted(f"{where}: {msgid}" for msgid, (where, _plural) in found.items() if msgid not in english)
    assert not missing, "untranslated strings:\n" + "\n".join(missing)


def test_placeholders_survive_translation():
    import re

    english = _english()
    found = extract([ROOT / "intranet", ROOT / "templates", ROOT / "jobs"])
    wrong = []
    for msgid in found:
        if msgid not in english:
            continue
        expected = set(re.findall(r"%\(\w+\)s", msgid))
        for string in english[msgid]:
            if set(re.findall(r"%\(\w+\)s", string)) != expected:
                wrong.append((msgid, string))
    assert not wrong, wrong
