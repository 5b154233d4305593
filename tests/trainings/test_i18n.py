"""Every French message of the trainings feature has an English translation (plurals too)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _msgids() -> set:
    found = set()
    sources = [
        (ROOT / "intranet" / "trainings", [("**.py", "python")]),
        (ROOT / "jobs", [("trainings.py", "python")]),
        (ROOT / "templates" / "trainings", [("**.html", "jinja2")]),
        (ROOT / "templates" / "email", [("trainings_*.*", "jinja2")]),
    ]
    for folder, mapping in sources:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            str(folder), mapping, keywords=KEYWORDS, options_map={"**": {"extensions": "jinja2.ext.do"}}
        ):
            found.add(message)
    return found


def test_every_message_has_an_english_translation():
    path = ROOT / "intranet/trainings/translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id}
    ids = _msgids()
    assert len(ids) > 200
    missing = []
    for message in ids:
        key = message if isinstance(message, str) else tuple(message)
        string = translated.get(key)
        ok = all(string) if isinstance(key, tuple) and isinstance(string, (tuple, list)) else bool(string)
        if not ok:
            missing.append(message)
    assert not missing, missing


def test_pages_render_in_english(login_as, make_session):
    client, user = login_as("member", locale="en")
    make_session()
    html = client.get("/formations/").get_data(as_text=True)
    assert "Trainings" in html and "seats left" in html
