"""Neutral or inclusive French (issue 17, DOMAIN.md): a member, a partner, a colleague may be a
man, so no message the intranet writes to or about a person is feminine only ("Vous êtes
inscrite", "Cela m’a aidée"). Agreement with a feminine noun stays ("les personnes présentes")."""

from __future__ import annotations

import re
from pathlib import Path

from intranet.messages import extract

ROOT = Path(__file__).resolve().parent.parent

FEMININE_ONLY = re.compile(
    r"\bvous êtes (?:\w+ée|inscrite|invitée|seule|prête|certaine|sûre|satisfaite)s?\b"
    r"|\bm’a (?:aidée|inscrite|invitée)\b"
    r"|\bvous a (?:inscrite|invitée|ajoutée|nommée)\b"
    r"|(?<!personne )(?<!personnes )(?<!la )\b(?:inscrite|invitée|connectée|déconnectée|présente|absente|"
    r"autrice|participante|nommée)s?\b"
    r"|\bintervenantes?\b(?! (?:et|ou) intervenants?)"
    r"|\b(?:une|la|cette) collègue\b"
    r"|\bce qu’elle\b",
    re.IGNORECASE,
)

# A participle or "elle" after a feminine noun that is not a person agrees with that noun:
# "organisations inscrites", "chaque version montre ce qu’elle a changé".
THING_BEFORE = re.compile(
    r"\b(?:organisations?|rencontres?|versions?|coordination|tables?|séances?|formations?)\b[^.:;!?]*$",
    re.IGNORECASE,
)
ABOUT_A_PERSON = re.compile(r"\bvous\b|\bm’a\b", re.IGNORECASE)


def feminine_only(message: str) -> bool:
    for match in FEMININE_ONLY.finditer(message):
        before = message[: match.start()]
        if ABOUT_A_PERSON.search(match.group(0)) or not THING_BEFORE.search(before):
            return True
    return False


def test_the_check_knows_what_it_looks_for():
    for wrong in ("Vous êtes inscrite.", "Cela m’a aidée", "Inscrire une collègue", "Intervenante (membre)",
                  "%(by)s vous a inscrite à une formation.", "%(name)s était présente"):  # fmt: skip
        assert feminine_only(wrong), wrong
    for right in ("Votre inscription est confirmée.", "Cela m’a été utile", "Inscrire une ou un collègue",
                  "Membre (intervenante ou intervenant)", "Notez les présences : les attestations vont aux "
                  "personnes présentes.", "Aucune personne nommée pour l’instant."):  # fmt: skip
        assert not feminine_only(right), right
    for agreeing in ("Aucune organisation inscrite pour l’instant.", "Votre organisation est inscrite.",
                     "Chaque version montre ce qu’elle a changé.",
                     "La coordination sera invitée à signer."):  # fmt: skip
        assert not feminine_only(agreeing), agreeing
    assert feminine_only("Votre organisation a une nouvelle membre inscrite ? Vous êtes inscrite.")


def test_no_message_is_feminine_only():
    found = extract([ROOT / "intranet", ROOT / "templates", ROOT / "jobs"])
    wrong = sorted(f"{where}: {msgid}" for msgid, (where, _plural) in found.items() if feminine_only(msgid))
    assert not wrong, "feminine-only wording:\n" + "\n".join(wrong)
