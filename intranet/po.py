"""Writing a .po catalogue from a dict of translations (used to maintain the English catalogues)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def write_catalogue(path: Path, translations: dict, locale: str = "en", project: str = "Passerelle") -> None:
    """Merge ``translations`` (msgid -> msgstr, or (singular, plural) for plural msgids) into ``path``."""
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    else:
        catalog = Catalog(locale=locale, project=project, domain="messages", fuzzy=False)
    for msgid, value in translations.items():
        if isinstance(value, tuple):
            # plural: the French plural form is looked up from the existing entry or given in the key list
            existing = next((m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid), None)
            plural_id = existing.id[1] if existing else value[2] if len(value) > 2 else msgid
            catalog.add((msgid, plural_id), string=(value[0], value[1]))
        else:
            catalog.add(msgid, string=value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True)
