"""The directory's fixed vocabularies: pathway steps, approaches, modalities, languages.

Codes are what the database, the filters and the HSDS export carry; labels are what people read.
Languages are ISO 639 codes (639-1 where it exists, else 639-3: Dari ``prs``, Atikamekw ``atj``,
Mandarin ``cmn``...), each with its French and English name: the export gives the code and the
English name, the pages the reader's language.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l


class Step(enum.StrEnum):
    """Steps of the unified pathway (seed 004): what an organization offers at each."""

    PREVENTION = "prevention"
    SCREENING = "screening"
    REFERRAL = "referral"
    EMERGENCY_SHELTER = "emergency_shelter"
    SECOND_STAGE = "second_stage"
    OUTREACH = "outreach"
    FOLLOW_UP = "follow_up"
    LEGAL = "legal"
    INTERPRETING = "interpreting"
    TRAINING = "training"


STEP_LABELS = {
    Step.PREVENTION: _l("Prévention et sensibilisation"),
    Step.SCREENING: _l("Dépistage"),
    Step.REFERRAL: _l("Référence"),
    Step.EMERGENCY_SHELTER: _l("Hébergement d’urgence"),
    Step.SECOND_STAGE: _l("Hébergement de 2e étape"),
    Step.OUTREACH: _l("Intervention externe"),
    Step.FOLLOW_UP: _l("Suivi post-hébergement"),
    Step.LEGAL: _l("Accompagnement juridique"),
    Step.INTERPRETING: _l("Interprétariat"),
    Step.TRAINING: _l("Formation"),
}

APPROACH_LABELS = {
    "feminist": _l("Féministe"),
    "intercultural": _l("Interculturelle"),
    "intersectional": _l("Intersectionnelle"),
}

# The directory's sectors: shelters belong to the violence sector.
SECTOR_GROUPS = {
    "violence": ("shelter", "violence"),
    "immigration": ("immigration",),
    "other": ("other",),
}
SECTOR_LABELS = {
    "violence": _l("Secteur violence"),
    "immigration": _l("Secteur immigration"),
    "other": _l("Autre"),
}


def sector_group(sector: str) -> str:
    for group, members in SECTOR_GROUPS.items():
        if sector in members:
            return group
    return "other"


class Kind(enum.StrEnum):
    INTERPRETING = "interpreting"
    LEGAL = "legal"
    HEALTH = "health"
    HOUSING = "housing"
    OTHER = "other"


# Keyed by the kind as a resource stores it, a plain string (each Kind is one).
KIND_LABELS: dict[str, Any] = {
    Kind.INTERPRETING: _l("Interprétariat"),
    Kind.LEGAL: _l("Juridique"),
    Kind.HEALTH: _l("Santé"),
    Kind.HOUSING: _l("Logement"),
    Kind.OTHER: _l("Autre ressource"),
}


class Coverage(enum.StrEnum):
    REGIONS = "regions"
    PROVINCE = "province"
    REMOTE = "remote"


COVERAGE_LABELS = {
    Coverage.REGIONS: _l("Régions choisies"),
    Coverage.PROVINCE: _l("Tout le Québec"),
    Coverage.REMOTE: _l("À distance, partout"),
}

MODALITIES = ("in_person", "telephone", "video")
MODALITY_LABELS = {
    "in_person": _l("En personne"),
    "telephone": _l("Téléphone"),
    "video": _l("Vidéo"),
}


class Training(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


TRAINING_LABELS = {
    Training.YES: _l("Oui"),
    Training.PARTLY: _l("En partie"),
    Training.NO: _l("Non"),
}

# code: (French name, English name). Kept small: the languages the network meets most.
LANGUAGES: dict[str, tuple[str, str]] = {
    "fr": ("français", "French"),
    "en": ("anglais", "English"),
    "ar": ("arabe", "Arabic"),
    "es": ("espagnol", "Spanish"),
    "prs": ("dari", "Dari"),
    "fa": ("persan (farsi)", "Persian (Farsi)"),
    "ps": ("pachto", "Pashto"),
    "ti": ("tigrigna", "Tigrinya"),
    "am": ("amharique", "Amharic"),
    "so": ("somali", "Somali"),
    "sw": ("swahili", "Swahili"),
    "ln": ("lingala", "Lingala"),
    "rw": ("kinyarwanda", "Kinyarwanda"),
    "ht": ("créole haïtien", "Haitian Creole"),
    "pt": ("portugais", "Portuguese"),
    "uk": ("ukrainien", "Ukrainian"),
    "ru": ("russe", "Russian"),
    "ro": ("roumain", "Romanian"),
    "tr": ("turc", "Turkish"),
    "ku": ("kurde", "Kurdish"),
    "cmn": ("mandarin", "Mandarin"),
    "yue": ("cantonais", "Cantonese"),
    "vi": ("vietnamien", "Vietnamese"),
    "tl": ("tagalog", "Tagalog"),
    "hi": ("hindi", "Hindi"),
    "pa": ("pendjabi", "Punjabi"),
    "ur": ("ourdou", "Urdu"),
    "bn": ("bengali", "Bengali"),
    "ta": ("tamoul", "Tamil"),
    "ne": ("népalais", "Nepali"),
    "iu": ("inuktitut", "Inuktitut"),
    "atj": ("atikamekw", "Atikamekw"),
    "moe": ("innu-aimun", "Innu-aimun"),
    "cr": ("cri", "Cree"),
    "fcs": ("langue des signes québécoise (LSQ)", "Quebec Sign Language (LSQ)"),
    "ase": ("langue des signes américaine (ASL)", "American Sign Language (ASL)"),
}


def language_name(code: str, locale: str | None = None) -> str:
    names = LANGUAGES.get(code)
    if names is None:
        return code
    locale = locale or str(get_locale() or "fr")
    return names[1] if locale == "en" else names[0]


def language_choices() -> list[tuple[str, str]]:
    locale = str(get_locale() or "fr")
    return sorted(((code, language_name(code, locale)) for code in LANGUAGES), key=lambda c: c[1].lower())


def labelled(values, labels: dict) -> list[str]:
    return [str(labels[v]) for v in values if v in labels]
