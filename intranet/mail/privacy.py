"""How much an email may say (issue 9): levels, the network's settings, neutral envelopes.

An inbox is not always private: a shared office computer, a phone someone else picks up, an
address an abuser can read. So every email the application sends is shaped by a level:

* ``full``: titles, summaries, names and links;
* ``titles``: titles and links only: no summaries, no free text, no names of people or
  organizations;
* ``discreet``: no content at all: "N new items for you on the intranet" and a sign-in link.

Each member chooses a level (``NotificationPreference.email_level``), or keeps the network's
default. The administrator sets that default and, per kind of content, the most an email may
ever reveal (drafts under review: titles at most, by default). What an email shows of an item is
the lower of the two.

The envelope never depends on the level: the sender's display name and every subject line come
from the network's settings (both languages) and carry no content, no title, no name. Emails
carry no remote content (no images, no tracking), and their links hold opaque ids only.
"""

from __future__ import annotations

import enum
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol, overload

from flask import Flask, current_app, g, has_app_context
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..text import fold
from .models import MailSettings

LOCALES = ("fr", "en")


class Level(enum.StrEnum):
    FULL = "full"
    TITLES = "titles"
    DISCREET = "discreet"

    @property
    def rank(self) -> int:
        """How much the level reveals: discreet 0, titles 1, full 2."""
        return _RANKS[self]

    @overload
    @classmethod
    def parse(cls, value: str | None, default: Level) -> Level: ...

    @overload
    @classmethod
    def parse(cls, value: str | None, default: None = None) -> Level | None: ...

    @classmethod
    def parse(cls, value: str | None, default: Level | None = None) -> Level | None:
        """The level named ``value``, else ``default``."""
        if value is None:
            return default
        try:
            return cls(value)
        except ValueError:
            return default


_RANKS = {Level.DISCREET: 0, Level.TITLES: 1, Level.FULL: 2}


def lowest(*levels: Level) -> Level:
    """The least revealing of ``levels``."""
    return min(levels, key=lambda level: level.rank)


LEVEL_LABELS = {
    Level.FULL: _l("Complet"),
    Level.TITLES: _l("Titres seulement"),
    Level.DISCREET: _l("Discret"),
}
LEVEL_HINTS = {
    Level.FULL: _l("Titres, résumés, noms des personnes et des organismes, liens."),
    Level.TITLES: _l("Les titres et les liens, sans résumé ni nom de personne ou d’organisme."),
    Level.DISCREET: _l("Aucun contenu : seulement le nombre de nouveautés et un lien pour vous connecter."),
}

# --- kinds of content (what the administrator caps) ------------------------------------------

CONTENT_KINDS = {
    "practice": _l("Bonnes pratiques (et leurs commentaires)"),
    "training": _l("Formations et inscriptions (et leurs invitations d’agenda)"),
    "advocacy": _l("Textes de plaidoyer publiés et demandes de cosignature"),
    "advocacy_draft": _l("Brouillons de plaidoyer en révision"),
    "space": _l("Tables et espaces : discussions, mentions, rencontres"),
    "directory": _l("Répertoire des organismes et ressources partagées"),
    "account": _l("Compte : invitation, mot de passe, sécurité"),
    "other": _l("Autres avis"),
}
DEFAULT_LEVEL = Level.TITLES
DEFAULT_CAPS = {"advocacy_draft": Level.TITLES}

# Registries on the app (``app.extensions``), like the project's others: what a feature registers
# in its ``init_app`` belongs to that app alone. The built-in entries below are read-only; the
# first registration copies them into the app's dict, which readers then take as it is.

#: ``app.extensions[ITEM_CONTENT_KEY]``: digest items and notifications by kind -> kind of content.
ITEM_CONTENT_KEY = "passerelle.item_content"

# The built-in ones (``register_item_content`` adds a feature's).
BUILT_IN_ITEM_CONTENT: Mapping[str, str] = MappingProxyType(
    {
        "practice": "practice",
        "session": "training",
        "cosign": "advocacy",
        "review": "advocacy_draft",
        "waitlist_promoted": "training",
        "training_cancelled": "training",
        "practice_comment": "practice",
        "practice_withdrawn": "practice",
        "practice_report": "practice",
        "cosign_request": "advocacy",
        "advocacy_cosign_open": "advocacy",
        "advocacy_publish": "advocacy",
        "advocacy_archive": "advocacy",
        "advocacy_comment": "advocacy_draft",
        "draft_reviewed": "advocacy_draft",
        "advocacy_submit": "advocacy_draft",
        "advocacy_resubmit": "advocacy_draft",
        "advocacy_start_review": "advocacy_draft",
        "advocacy_request_changes": "advocacy_draft",
        "advocacy_approve": "advocacy_draft",
        "space_thread": "space",
        "space_reply": "space",
        "space_mention": "space",
        "space_report": "space",
        "space_proposal": "space",
        "space_proposal_reminder": "space",
        "space_outcome": "space",
        "space_meeting": "space",
        "space_meeting_date": "space",
        "space_minutes": "space",
        "space_meeting_reminder": "space",
        "resource": "directory",
    }
)


def content_of_item(kind: str) -> str:
    """The kind of content of a digest item (``"practice"``, ``"notification:practice_comment"``...)."""
    contents = current_app.extensions.get(ITEM_CONTENT_KEY, BUILT_IN_ITEM_CONTENT)
    return contents.get(kind.split(":", 1)[-1], "other")


def register_item_content(app: Flask, kind: str, content: str) -> None:
    """A feature says which kind of content its digest items and notifications of ``kind`` are."""
    if content not in CONTENT_KINDS:
        raise ValueError(f"unknown kind of content {content!r}")
    app.extensions.setdefault(ITEM_CONTENT_KEY, dict(BUILT_IN_ITEM_CONTENT))[kind] = content


# --- kinds of email (their neutral subjects) -------------------------------------------------


@dataclass(frozen=True)
class EmailKind:
    key: str
    content: str  # the kind of content it is about (its cap)
    label: object  # what the administrator reads
    subject: object  # the built-in neutral subject (a lazy string; "{n}" is the number of items)
    # An email whose link is its whole point (an invitation, a password reset): at "discreet" it
    # keeps its link and its content-free text instead of becoming "N new items".
    functional: bool = False
    # Names (keys of ``mail.services.FULL_ONLY``) this kind still shows at "titles": who speaks,
    # not content (an invitation names the organization that invites and the network, or it reads
    # like phishing). Never at "discreet", and never a name holding a revealing word.
    keeps: frozenset[str] = frozenset()

    def shows(self, key: str, value: object, level: Level) -> bool:
        """Whether a name left out below "full" is still shown at ``level``."""
        if level == Level.FULL:
            return True
        return level == Level.TITLES and key in self.keeps and not revealing_words(str(value or ""))


#: ``app.extensions[EMAIL_KINDS_KEY]``: the kinds of email by key, built-in and registered.
EMAIL_KINDS_KEY = "passerelle.email_kinds"


def register_email_kind(app: Flask, kind: EmailKind) -> None:
    """A feature's kind of email (from its ``init_app``): ``queue_email(kind=...)`` needs one."""
    app.extensions.setdefault(EMAIL_KINDS_KEY, dict(BUILT_IN_EMAIL_KINDS))[kind.key] = kind


def email_kinds() -> Mapping[str, EmailKind]:
    """The current app's kinds of email by key: the built-in ones, then those its features registered."""
    return current_app.extensions.get(EMAIL_KINDS_KEY, BUILT_IN_EMAIL_KINDS)


_BUILT_IN = (
    EmailKind(
        "invitation",
        "account",
        _l("Invitation"),
        _l("Votre invitation"),
        functional=True,
        keeps=frozenset({"inviting_organization", "organization_name", "network_name"}),
    ),
    EmailKind(
        "password_reset", "account", _l("Nouveau mot de passe"), _l("Votre mot de passe"), functional=True
    ),
    EmailKind(
        "security_notice", "account", _l("Avis de sécurité"), _l("Sécurité de votre compte"), functional=True
    ),
    EmailKind("training_confirmed", "training", _l("Inscription confirmée"), _l("Inscription confirmée")),
    EmailKind("training_waiting", "training", _l("Liste d’attente"), _l("Votre place en liste d’attente")),
    EmailKind("training_promoted", "training", _l("Place obtenue"), _l("Une place s’est libérée pour vous")),
    EmailKind(
        "training_registration_cancelled", "training", _l("Inscription annulée"), _l("Inscription annulée")
    ),
    EmailKind("training_session_cancelled", "training", _l("Séance annulée"), _l("Rendez-vous annulé")),
    EmailKind("training_changed", "training", _l("Séance modifiée"), _l("Rendez-vous modifié")),
    EmailKind(
        "training_reminder", "training", _l("Rappel de séance"), _l("Rappel : rendez-vous dans deux jours")
    ),
    EmailKind(
        "advocacy_transition",
        "advocacy_draft",
        _l("Étape d’un texte de plaidoyer"),
        _l("Un texte a changé d’étape"),
    ),
    EmailKind(
        "practice_withdrawn", "practice", _l("Pratique retirée"), _l("Une de vos publications a été retirée")
    ),
    EmailKind(
        "census_reminder", "other", _l("Rappel de recensement"), _l("Un questionnaire attend votre réponse")
    ),
    EmailKind(
        "directory_profile_stale",
        "directory",
        _l("Profil du répertoire à confirmer"),
        _l("Une information à confirmer"),
    ),
    EmailKind("digest_daily", "other", _l("Résumé du jour"), _l("Votre résumé du jour : {n}")),
    EmailKind("digest_weekly", "other", _l("Résumé de la semaine"), _l("Votre résumé de la semaine : {n}")),
    EmailKind("discreet", "other", _l("Tout courriel au niveau discret"), _l("Du nouveau pour vous : {n}")),
)
BUILT_IN_EMAIL_KINDS: Mapping[str, EmailKind] = MappingProxyType({kind.key: kind for kind in _BUILT_IN})

DEFAULT_SENDER_NAME = _l("Passerelle")

# Words an envelope must never carry (subject lines and sender names are read by whoever sees the
# inbox). Compared without accents or case; the administrator is told which word was refused.
REVEALING_WORDS = (
    "violence", "violent", "conjugal", "abus", "agress", "victim", "refuge", "hebergement",
    "maison des femmes", "maison d'aide", "femmes battues", "battered", "shelter", "abuse",
    "assault", "homicide", "feminicide", "femicide", "survivant", "survivor", "securite des femmes",
)  # fmt: skip


def revealing_words(text: str) -> list[str]:
    folded = fold((text or "").replace("’", "'"))
    return [word for word in REVEALING_WORDS if word in folded]


_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def bad_placeholders(text: str) -> list[str]:
    return [p for p in _PLACEHOLDER.findall(text or "") if p != "{n}"]


# --- the settings ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    default_level: Level
    caps: dict[str, Level]
    sender_names: dict[str, str]
    subjects: dict[str, dict[str, str]]

    def cap(self, content: str) -> Level:
        return self.caps.get(content, DEFAULT_CAPS.get(content, Level.FULL))

    def sender_name(self, locale: str) -> str:
        custom = (self.sender_names.get(locale) or "").strip()
        if custom:
            return custom
        with force_locale(locale):
            return str(DEFAULT_SENDER_NAME)

    def subject(self, kind: str, locale: str, count: int | None = None) -> str:
        custom = ((self.subjects.get(kind) or {}).get(locale) or "").strip()
        with force_locale(locale):
            if custom:
                text = custom
            elif kind in ("digest_daily", "digest_weekly", "discreet") and count is not None:
                text = str(_COUNTED[kind](count))
            else:
                text = str(email_kind(kind).subject)
            number = "" if count is None else str(count)
            return " ".join(text.replace("{n}", number).split())


_COUNTED = {
    "digest_daily": lambda n: ngettext(
        "Votre résumé du jour : %(num)s nouveauté", "Votre résumé du jour : %(num)s nouveautés", n
    ),
    "digest_weekly": lambda n: ngettext(
        "Votre résumé de la semaine : %(num)s nouveauté", "Votre résumé de la semaine : %(num)s nouveautés", n
    ),
    "discreet": lambda n: ngettext(
        "Du nouveau pour vous : %(num)s élément", "Du nouveau pour vous : %(num)s éléments", n
    ),
}


def email_kind(key: str) -> EmailKind:
    try:
        return email_kinds()[key]
    except KeyError:
        raise KeyError(
            f"unknown kind of email {key!r}: register it with intranet.mail.privacy.register_email_kind"
        ) from None


def _load() -> Settings:
    row = db.session.get(MailSettings, 1)
    if row is None:
        return Settings(DEFAULT_LEVEL, dict(DEFAULT_CAPS), {}, {})
    caps = {key: level for key, value in (row.caps or {}).items() if (level := Level.parse(value))}
    return Settings(
        Level.parse(row.default_level, DEFAULT_LEVEL),
        caps,
        dict(row.sender_names or {}),
        {key: dict(value or {}) for key, value in (row.subjects or {}).items()},
    )


SETTINGS_FRESH_FOR = 30.0  # seconds: a long-lived context (a CLI command, a test session) reloads


def settings() -> Settings:
    """The network's settings, read once per request or job (``g`` lives as long as either)."""
    if not has_app_context():
        return _load()
    cached = g.get("_mail_settings")
    now = time.monotonic()
    if cached is None or now - cached[0] > SETTINGS_FRESH_FOR:
        cached = g._mail_settings = (now, _load())
    return cached[1]


def forget_settings() -> None:
    g.pop("_mail_settings", None)


def save_settings(
    actor,
    *,
    default_level: Level,
    caps: dict[str, Level],
    sender_names: dict[str, str],
    subjects: dict[str, dict[str, str]],
) -> MailSettings:
    row = db.session.get(MailSettings, 1)
    if row is None:
        row = MailSettings(id=1)
        db.session.add(row)
    row.default_level = default_level.value
    row.caps = {key: level.value for key, level in caps.items() if key in CONTENT_KINDS}
    row.sender_names = {
        loc: " ".join(name.split()) for loc, name in sender_names.items() if name and name.strip()
    }
    row.subjects = {
        kind: {loc: " ".join(text.split()) for loc, text in texts.items() if text and text.strip()}
        for kind, texts in subjects.items()
        if kind in email_kinds() and any(t and t.strip() for t in texts.values())
    }
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    forget_settings()
    return row


# --- a recipient's level ---------------------------------------------------------------------


class EmailPreference(Protocol):
    """What mail reads of a member's preference (``notifications``' row, which mail never imports)."""

    @property
    def email_level(self) -> str | None: ...

    @property
    def locale(self) -> str | None: ...


def member_level(pref: EmailPreference | None) -> Level:
    """The level a member chose (their preference row, or None), else the network's default."""
    chosen = Level.parse(pref.email_level) if pref is not None and pref.email_level else None
    return chosen or settings().default_level


def level_for(pref: EmailPreference | None, content: str) -> Level:
    """What an email about ``content`` may show this member: their level within the network's cap."""
    return lowest(member_level(pref), settings().cap(content))


def recipient_locale(pref: EmailPreference | None, fallback: str | None) -> str:
    """The language of a member's emails: their preference's, else ``fallback`` (their interface's)."""
    return (pref.locale if pref is not None and pref.locale else None) or fallback or "fr"


#: ``app.extensions[PREFERENCE_LOOKUP]``: user id -> that member's email preference (with its
#: ``email_level`` and ``locale``) or None. The feature that keeps preferences (notifications)
#: registers it, so that mail, the lower layer, never imports it.
PREFERENCE_LOOKUP = "passerelle.email_preference"


def preference_of(user_id: int | None) -> EmailPreference | None:
    if user_id is None or not has_app_context():
        return None
    lookup = current_app.extensions.get(PREFERENCE_LOOKUP)
    return lookup(user_id) if lookup is not None else None
