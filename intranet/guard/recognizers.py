"""What the guard looks for: one Presidio recognizer per kind of identifier.

Names of people come from spaCy's French pipeline (through Presidio's ``SpacyRecognizer``), filtered
so that a place, an acronym or a capitalized common word is not taken for a person; phone numbers
from ``phonenumbers``; the rest from patterns written for the French and English of this network
(Québec and France). Each recognizer answers ``RecognizerResult``s whose ``entity_type`` is the
guard's kind ("phone", "child"...). English text goes through the same recognizers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import phonenumbers
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import SpacyRecognizer

# --- building blocks ---------------------------------------------------------------------------------

UPPER = "A-ZÀÂÄÁÇÉÈÊËÍÎÏÑÓÔÖÙÚÛÜŸÆŒ"
LOWER = "a-zàâäáçéèêëíîïñóôöùúûüÿæœß"
# A capitalized word with at least one lower-case letter (so "DPJ" or "NAS" is not a name), with
# its inner hyphens and apostrophes: Marc-André, O'Brien, Boucher-Lalonde.
NAME = rf"[{UPPER}][{LOWER}]+(?:['’-][{UPPER}]?[{LOWER}]+)*"
# A name token that may also be an initial-capital compound such as "McDonald" or "DiNapoli".
NAME_TOKEN = rf"(?:[{UPPER}]['’])?[{UPPER}][{LOWER}]*[{UPPER}]?[{LOWER}]+(?:['’-][{UPPER}]?[{LOWER}]+)*"

MONTHS_FR = (
    r"janvier|janv\.?|février|fevrier|févr\.?|mars|avril|avr\.?|mai|juin|juillet|juil\.?|août|aout|"
    r"septembre|sept\.?|octobre|oct\.?|novembre|nov\.?|décembre|decembre|déc\.?"
)
MONTHS_EN = (
    r"january|jan\.?|february|feb\.?|march|mar\.?|april|apr\.?|may|june|jun\.?|july|jul\.?|august|aug\.?|"
    r"september|sept?\.?|october|oct\.?|november|nov\.?|december|dec\.?"
)
MONTHS = f"{MONTHS_FR}|{MONTHS_EN}"
DATE = (
    rf"(?:\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?i:{MONTHS})\s+\d{{4}}"
    rf"|(?i:{MONTHS_EN})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})"
)


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class PatternsRecognizer(LocalRecognizer):
    """Compiled regular expressions, each with a kind; a match's group "hit" (or the whole match) is the span.

    ``keep(kind, match)`` may refuse a match (a check digit, a year...)."""

    PATTERNS: tuple[tuple[str, str, int], ...] = ()
    KINDS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__(supported_entities=list(self.KINDS), supported_language="fr")

    def load(self) -> None:
        self._compiled = [(kind, re.compile(pattern, flags)) for kind, pattern, flags in self.PATTERNS]

    def keep(self, kind: str, match: re.Match) -> bool:
        return True

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        results = []
        for kind, pattern in self._compiled:
            if kind not in entities:
                continue
            for match in pattern.finditer(text):
                if not self.keep(kind, match):
                    continue
                group = "hit" if "hit" in pattern.groupindex and match.group("hit") else 0
                results.append(RecognizerResult(kind, match.start(group), match.end(group), 0.9))
        return results


# --- contact details ---------------------------------------------------------------------------------


class PhoneRecognizer(LocalRecognizer):
    """Phone numbers in any form, through Google's libphonenumber (Canadian and French numbers, with or
    without +1/+33). Toll-free and short public lines (1 800..., 0 800..., 3919) are not personal."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["phone"], supported_language="fr")

    def load(self) -> None:
        pass

    @staticmethod
    def _public_line(number: phonenumbers.PhoneNumber) -> bool:
        national = str(number.national_number)
        if number.country_code == 1:
            return national[:3] in {"800", "833", "844", "855", "866", "877", "888"}
        if number.country_code == 33:
            return national.startswith("8")
        return False

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if "phone" not in entities or sum(c.isdigit() for c in text) < 8:
            return []
        results = []
        for match in phonenumbers.PhoneNumberMatcher(text, "CA", leniency=phonenumbers.Leniency.POSSIBLE):
            if self._public_line(match.number):
                continue
            results.append(RecognizerResult("phone", match.start, match.end, 0.9))
        return results


class EmailRecognizer(PatternsRecognizer):
    KINDS = ("email",)
    PATTERNS = (("email", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b", 0),)


STREET_TYPES_FR = (
    r"rue|ruelle|avenue|av\.|ave\.?|boulevard|boul\.|bd\.?|blvd\.?|chemin|ch\.|rang|route|rte\.?|place|"
    r"allée|impasse|montée|côte|cours|quai|square|promenade|terrasse|voie|sentier|passage|croissant|"
    r"carré|parc|cité|résidence|lotissement|hameau"
)
STREET_TYPES_EN = (
    r"Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Lane|Ln\.?|Court|Ct\.?|"
    r"Crescent|Cres\.?|Way|Place|Pl\.?|Terrace|Parkway|Highway|Circle|Square"
)
PARTICLE = r"(?:de|du|des|la|le|les|l['’]|d['’]|aux|au|en|sur|of|the)"
STREET_NUMBER = r"\d{1,5}(?:\s?[-–]\s?\d{1,5})?(?:\s?(?:bis|ter|[A-D])\b)?"
# The name of a street: capitalized words, with their particles and ordinal numbers, up to the next
# comma or full stop ("des Érables", "de la Montagne", "Notre-Dame Est", "Sherbrooke Ouest").
STREET_NAME = (
    rf"(?:{PARTICLE}\s*)*(?:{NAME_TOKEN}|Saint|Sainte|St|Ste|\d{{1,3}}(?:e|re|er|ème|th|st|nd|rd)?)"
    rf"(?:(?:\s+|-|\s*['’])(?:(?:{PARTICLE}\s*)*{NAME_TOKEN}|\d{{1,3}}(?:e|re|er|ème)?\b))*"
)


class AddressRecognizer(PatternsRecognizer):
    """Street addresses in French ("245, rue des Érables") and in English ("1200 Maple Street West"),
    the whole of the street's name; "au 4-2210" and "9 bis" included."""

    KINDS = ("address",)
    PATTERNS = (
        (
            "address",
            rf"(?<![\w.,/-])(?P<hit>{STREET_NUMBER},?\s+(?i:{STREET_TYPES_FR})\s+{STREET_NAME})",
            0,
        ),
        (
            "address",
            rf"(?<![\w.,/-])(?P<hit>{STREET_NUMBER},?\s+(?:{NAME_TOKEN}\s+){{1,3}}(?:{STREET_TYPES_EN})"
            r"(?:\s+(?:East|West|North|South|Est|Ouest|Nord|Sud|E|W|N|S)\b)?)(?![\w-])",
            0,
        ),
    )


class PostalCodeRecognizer(PatternsRecognizer):
    """Canadian postal codes (G5L 3A1, H1W3J8) and French ones when a town or CEDEX follows (75011 Paris)."""

    KINDS = ("postal_code",)
    PATTERNS = (
        ("postal_code", r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b", 0),
        (
            "postal_code",
            rf"(?<![\d\s][\s])(?<![\w,.-])(?P<hit>(?:F-)?(?:0[1-9]|[1-8]\d|9[0-8])\d{{3}})"
            rf"(?=\s+(?:{NAME_TOKEN}|CEDEX|Cedex)\b)",
            0,
        ),
        ("postal_code", r"(?i:code postal|postal code|zip code)\s*:?\s*(?P<hit>\d{5})\b", 0),
    )


# --- people ------------------------------------------------------------------------------------------

HONORIFICS = (
    r"Mmes?|Mlle|Mademoiselle|Madame|Monsieur|MM\.|M\.|Mrs\.?|Mr\.?|Ms\.?|Miss|Dre?\.?|Docteure?|Doctor"
)
AGE_UNIT = r"(?:ans?|mois|years?(?:\s+old)?|yrs?\.?|months?(?:\s+old)?|y\.?o\.?)"
CHILD_CUE_FR = (
    r"(?i:(?:sa|son|leur|la|le|l['’]|une|un|ma|mon|votre|notre)\s*"
    r"(?:fille|fils|enfant|bébé|petite?|aînée?|cadette?|benjamine?|garçon|fillette|jumelle|jumeau))"
)
CHILD_CUE_EN = (
    r"(?i:(?:her|his|their|my|your|the|a)\s+(?:little\s+)?"
    r"(?:son|daughter|child|baby|boy|girl|eldest|oldest|youngest|kid|toddler))"
)


class ChildRecognizer(PatternsRecognizer):
    """A child named with an age ("Léa, 7 ans", "Noah (6 ans)", "Liam, 9,") or with a word that
    says it is a child ("sa fille Rosalie", "her son Ethan")."""

    KINDS = ("child",)
    PATTERNS = (
        (
            "child",
            rf"(?P<hit>\b{NAME}\s*,\s*(?:(?i:âgée?\s+de|agée?\s+de|aged?)\s+)?\d{{1,2}}\s*{AGE_UNIT})(?!\w)",
            0,
        ),
        (
            "child",
            rf"(?P<hit>\b{NAME}\s*\(\s*(?:(?i:âgée?\s+de|aged?)\s+)?\d{{1,2}}(?:\s*{AGE_UNIT})?\s*\))",
            0,
        ),
        (
            "child",
            rf"(?:{CHILD_CUE_FR}|{CHILD_CUE_EN})\s*,?\s+(?P<hit>{NAME}(?:\s*,\s*\d{{1,2}}(?=[\s,.;)]))?)",
            0,
        ),
        ("child", rf"(?P<hit>\b{NAME}\s*,\s*\d{{1,2}})(?=\s*,)", 0),
    )
    COMMON = frozenset(
        "Le La Les Un Une Elle Il Ils Elles Nous Vous On The A An She He They We It This That Mme Madame "
        "Monsieur Mrs Mr Ms Miss".split()
    )

    def keep(self, kind: str, match: re.Match) -> bool:
        first = re.match(NAME, match.group("hit") if match.group("hit") else match.group(0))
        return first is not None and first.group(0) not in self.COMMON


class HonorificRecognizer(PatternsRecognizer):
    """A title and a name: "Mme Tremblay", "Madame Sylvie Paquette", "M. Lefebvre", "Mrs. Thompson"."""

    KINDS = ("honorific",)
    PATTERNS = (
        (
            "honorific",
            rf"(?<![\w.])(?P<hit>(?:{HONORIFICS})\s+{NAME_TOKEN}(?:[\s-]+{NAME_TOKEN}){{0,3}})",
            0,
        ),
    )


class BirthDateRecognizer(PatternsRecognizer):
    """A date of birth: a date (or a year after "née en" / "born in") that a birth word announces."""

    KINDS = ("birth_date",)
    _CUE = (
        r"\b(?i:née?s?|né\(e\)|born|date\s+de\s+naissance|date\s+of\s+birth|birth\s*date|birthday|"
        r"anniversaire|dob|ddn|d\.d\.n\.)"
    )
    PATTERNS = (
        ("birth_date", rf"(?P<hit>{_CUE}(?![\w(])[^\d\n.;!?]{{0,40}}?{DATE})", 0),
        ("birth_date", r"(?P<hit>\b(?i:née?s?|born)\s+(?i:en|in)\s+(?:19|20)\d{2})\b", 0),
    )


# --- numbers that designate one person ---------------------------------------------------------------


class HealthNumberRecognizer(PatternsRecognizer):
    """Health-insurance numbers: Québec's RAMQ (four letters, eight digits) and France's NIR (the
    "numéro de sécurité sociale" of the carte Vitale: 13 digits and a two-digit key)."""

    KINDS = ("health_number",)
    PATTERNS = (
        ("health_number", r"\b(?P<hit>(?!ISBN|ISSN)[A-Z]{4}\s?\d{4}\s?\d{4})\b", 0),
        (
            "health_number",
            r"(?<!\d)(?<!\d )"
            r"(?P<hit>[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?)"
            r"(?![\d])",
            0,
        ),
    )


class SinRecognizer(PatternsRecognizer):
    """Social insurance numbers: a Canadian SIN written in groups (checked by its Luhn digit), any nine
    digits announced by "NAS"/"SIN"/"assurance sociale", and a US SSN (123-45-6789)."""

    KINDS = ("sin",)
    _CUE = (
        r"\b(?i:nas|sin|ssn|n\.a\.s\.|assurance\s+sociale"
        r"|social\s+insurance(?:\s+number)?|social\s+security)\b"
    )
    PATTERNS = (
        ("sin", r"(?<![\d-])(?P<hit>\d{3}([ -])\d{3}\2\d{3})(?![\d-])", 0),
        ("sin", rf"{_CUE}[^\d\n.;]{{0,40}}?(?P<hit>\d{{3}}[ -]?\d{{3}}[ -]?\d{{3}})(?![\d-])", 0),
        ("sin", r"(?<![\d-])(?P<hit>\d{3}-\d{2}-\d{4})(?![\d-])", 0),
    )

    def keep(self, kind: str, match: re.Match) -> bool:
        if match.re.pattern.startswith("(?<![\\d-])(?P<hit>\\d{3}([ -])"):
            return _luhn(re.sub(r"\D", "", match.group("hit")))
        return True


class FileNumberRecognizer(PatternsRecognizer):
    """File numbers of a person at an agency, a court or a service ("dossier DPJ n° 2023-45871",
    "UCI 1234-5678", "case file no. 2024-CF-00871"): an identifier with at least four digits that a
    file word announces, within the same clause."""

    KINDS = ("file_number",)
    _CUE = (
        r"\b(?i:dossiers?|file|case|uci|iuc|client\s+id|num[ée]ro\s+de\s+client|allocataire|demande|"
        r"application|plainte|matricule|référence|reference|réf\.|ref\.|cour|court)\b"
    )
    _ID = r"(?:[A-Z]{1,5}-?)?\d[\dA-Z]*(?:[-/][\dA-Z]+)*"
    PATTERNS = (
        (
            "file_number",
            rf"{_CUE}(?P<gap>(?:[^\n.;!?]|\b(?i:no|n|nos|num|réf|ref)\.){{0,50}}?)(?<![\w-])(?P<hit>{_ID})(?![\w-])",
            0,
        ),
    )
    _YEARS = re.compile(r"(?:19|20)\d\d(?:[-/](?:19|20)?\d\d)?")

    def keep(self, kind: str, match: re.Match) -> bool:
        ident = match.group("hit")
        if sum(c.isdigit() for c in ident) < 4 or self._YEARS.fullmatch(ident):
            return False
        # "le dossier du 12 mars 2025", "la demande de 12 000 $": a number within a date or an amount.
        after = match.string[match.end() : match.end() + 3]
        return not re.match(r"\s?(?:\$|%|€|h\b)", after)


PERSON_CUES = (
    r"(?i:ex-?conjointe?|conjointe?|mari|époux|épouse|ex|père|mère|voisine?|sœur|soeur|frère|tante|oncle|"
    r"cousine?|grand-mère|grand-père|beau-frère|belle-sœur|amie?|copain|copine|"
    r"partner|husband|wife|boyfriend|girlfriend|father|mother|neighbou?r|sister|brother|aunt|uncle|"
    r"cousin|grandmother|grandfather|brother-in-law|sister-in-law|friend)"
)


class RelationNameRecognizer(PatternsRecognizer):
    """A name that a family or relation word introduces ("l'ex-conjoint, Kevin Morin", "her partner,
    Daniel Murphy"), which the statistical model may miss."""

    KINDS = ("person_name",)
    PATTERNS = (
        (
            "person_name",
            rf"\b{PERSON_CUES}\s*,?\s+(?P<hit>{NAME_TOKEN}(?:[\s-]+{NAME_TOKEN}){{1,2}})",
            0,
        ),
    )


class PersonNameRecognizer(SpacyRecognizer):
    """Names of people from spaCy's NER (PER), kept when they look like a person's full name: two or
    more capitalized words that are not places, titles or common words."""

    def __init__(self, not_names: Iterable[str] = ()) -> None:
        self.not_names = frozenset(not_names)
        super().__init__(supported_language="fr", supported_entities=["person_name"])

    def analyze(self, text: str, entities, nlp_artifacts=None) -> list[RecognizerResult]:
        if nlp_artifacts is None or "person_name" not in entities:
            return []
        results = []
        for ent in nlp_artifacts.entities:
            if ent.label_ not in ("PERSON", "PER"):
                continue
            # Words as written (spaCy splits "O'Brien" and "Emploi-Québec"); trim what the model
            # swallowed around the name: "Yesterday I", "Merci à".
            words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[^\s,;:()]+", ent.text)]
            while words and not self._name_like(words[0][2]):
                words.pop(0)
            while words and not self._name_like(words[-1][2]):
                words.pop()
            if len(words) < 2 or not all(self._name_like(w) or w.lower() in _PARTICLES for _, _, w in words):
                continue
            start = ent.start_char + words[0][0]
            results.append(RecognizerResult("person_name", start, ent.start_char + words[-1][1], 0.85))
        return results

    def _name_like(self, word: str) -> bool:
        return bool(re.fullmatch(NAME_TOKEN, word)) and word not in self.not_names


_PARTICLES = {"de", "du", "des", "van", "von", "der", "da", "di", "el", "al", "ben", "bin", "le", "la"}


def _words_of(filename: str) -> frozenset[str]:
    text = (Path(__file__).parent / "data" / filename).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


class FirstNameRecognizer(PatternsRecognizer):
    """A common first name followed by a capitalized word ("Fatima Yusuf"): English text and names the
    French model does not know."""

    KINDS = ("person_name",)
    PATTERNS = (
        (
            "person_name",
            rf"(?<![\w'’-])(?P<hit>(?P<first>{NAME_TOKEN})\s+{NAME_TOKEN}(?:[\s-]+{NAME_TOKEN})?)(?![\w'’-])",
            0,
        ),
    )

    def load(self) -> None:
        super().load()
        self.first_names = _words_of("first_names.txt")

    def keep(self, kind: str, match: re.Match) -> bool:
        return match.group("first") in self.first_names
