"""The guard's detector: Presidio's analyzer over spaCy's French pipeline and the guard's recognizers.

The spaCy pipeline (``fr_core_news_sm``, a pinned dependency: nothing is downloaded at run time) is
loaded once per process, on first use: it is read-only, and every app of the process (tests create
several) shares it. The ``Detector`` built on it lives on ``app.extensions["guard_detector"]``.
Only the components that named-entity recognition needs are loaded (``ner`` carries its own
embedding layer): the parser, tagger and lemmatizer would triple the time and the memory.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine

from . import recognizers as r

PIPELINE = "fr_core_news_sm"
_UNUSED_COMPONENTS = ["tok2vec", "parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"]
_LOCK = threading.Lock()

# When two findings overlap, the more specific kind is kept: a SIN is not also a phone number, and
# "Mme Tremblay" is a title and a name, shown once.
PRIORITY = (
    "email",
    "health_number",
    "sin",
    "file_number",
    "birth_date",
    "phone",
    "postal_code",
    "address",
    "child",
    "honorific",
    "person_name",
)
# Kinds a name on the allow-list can clear (a member organization's or a colleague's name).
NAME_KINDS = frozenset({"person_name", "honorific", "child"})


@dataclass(frozen=True)
class Span:
    kind: str
    start: int
    end: int


@cache
def load_pipeline():
    """spaCy's French pipeline, NER only; once per process."""
    with _LOCK:
        return spacy.load(PIPELINE, exclude=_UNUSED_COMPONENTS)


def fold_same_length(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes unified, one character for one: offsets in the
    folded text are offsets in the original."""
    out = []
    for char in text.lower():
        base = unicodedata.normalize("NFKD", char)[0] if char.isalpha() else char
        out.append({"-": " ", "–": " ", "’": "'", "\u00a0": " "}.get(base, base))
    return "".join(out)


class AllowList:
    """Names that are not a resident's: member organizations, the network's people, public bodies,
    regions and towns. A name-like finding that lies inside one of them is dropped."""

    def __init__(self, phrases: Iterable[str]) -> None:
        folded = {" ".join(fold_same_length(p).split()) for p in phrases if p and len(p.strip()) > 2}
        self.size = len(folded)
        self.words = frozenset(w for p in folded if " " not in p for w in [p])
        ordered = sorted(folded, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")(?!\w)"
            )
            if ordered
            else None
        )

    def occurrences(self, text: str) -> list[tuple[int, int]]:
        if self._pattern is None:
            return []
        return [m.span() for m in self._pattern.finditer(fold_same_length(text))]


def _no_context():
    class NoContext(ContextAwareEnhancer):
        """Presidio's context enhancer reads lemmas, which this pipeline does not compute; the
        guard's patterns carry their own context words."""

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
            return raw_results

    return NoContext(0, 0, 0, 0)


@dataclass(frozen=True)
class _Entity:
    """A person's name found by the model, placed in the whole text."""

    label_: str
    text: str
    start_char: int


# Two capitalized words in a row (a particle may sit between them): the least a full name needs.
_NAME_PAIR = re.compile(rf"{r.NAME_TOKEN}\s+(?:(?:de|du|des|van|von|da|di|el|al|ben)\s+)?{r.NAME_TOKEN}")
_SENTENCE = re.compile(r"[^\n.!?…]+(?:[.!?…]+|$)")


def _engine_class():
    class CandidateSpacyEngine(SpacyNlpEngine):
        """Runs spaCy's NER only on the sentences that hold two capitalized words in a row: a
        person's name is kept only when it has two, and most sentences of a practice have none. The
        model's window is a few words wide, so a sentence alone gives it the same context."""

        def process_text(self, text: str, language: str):
            pieces = [
                (m.start(), m.group(0)) for m in _SENTENCE.finditer(text) if _NAME_PAIR.search(m.group(0))
            ]
            entities: list[_Entity] = []
            if pieces:
                assert self.nlp is not None  # the Detector gives the engine its pipeline
                docs = self.nlp[language].pipe([piece for _, piece in pieces])
                for (offset, _), doc in zip(pieces, docs, strict=True):
                    entities.extend(
                        _Entity("PERSON", e.text, offset + e.start_char)
                        for e in doc.ents
                        if e.label_ == "PER"
                    )
            # Stand-ins for spaCy's spans, and no tokens: Presidio's stubs ask for spaCy's types, the
            # recognizers here read only each entity's label, text and start.
            return NlpArtifacts(
                entities=entities,  # type: ignore[arg-type]
                tokens=None,  # type: ignore[arg-type]
                tokens_indices=[],
                lemmas=[],
                nlp_engine=self,
                language=language,
            )

    return CandidateSpacyEngine


class Detector:
    def __init__(self, nlp=None, not_names: Iterable[str] = ()) -> None:
        nlp = nlp if nlp is not None else load_pipeline()
        engine = _engine_class()(models=[{"lang_code": "fr", "model_name": PIPELINE}])
        engine.nlp = {"fr": nlp}  # loaded here, never through Presidio (which would download a missing model)
        registry = RecognizerRegistry(supported_languages=["fr"])
        for recognizer in (
            r.PhoneRecognizer(),
            r.EmailRecognizer(),
            r.AddressRecognizer(),
            r.PostalCodeRecognizer(),
            r.ChildRecognizer(),
            r.HonorificRecognizer(),
            r.BirthDateRecognizer(),
            r.HealthNumberRecognizer(),
            r.SinRecognizer(),
            r.FileNumberRecognizer(),
            r.RelationNameRecognizer(),
            r.FirstNameRecognizer(),
            r.PersonNameRecognizer(not_names),
        ):
            registry.add_recognizer(recognizer)
        self.analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=engine,
            supported_languages=["fr"],
            context_aware_enhancer=_no_context(),
        )
        self.entities = list(PRIORITY)

    def find(self, text: str, allowed: AllowList | None = None) -> list[Span]:
        if not text or not text.strip():
            return []
        results = self.analyzer.analyze(text=text, language="fr", entities=self.entities)
        spans = [Span(x.entity_type, x.start, x.end) for x in results]
        if allowed is not None and any(s.kind in NAME_KINDS for s in spans):
            cleared = allowed.occurrences(text)
            spans = [s for s in spans if s.kind not in NAME_KINDS or not _inside(s, cleared, text)]
        return _resolve(spans)


def _inside(span: Span, cleared: list[tuple[int, int]], text: str) -> bool:
    """The name part of the finding lies in an allowed occurrence ("Mme" aside)."""
    start = span.start
    if span.kind == "honorific":
        head = text[span.start : span.end].split(None, 1)
        start = span.start + len(head[0]) + 1 if len(head) == 2 else span.start
    return any(a <= start and span.end <= b for a, b in cleared)


def _resolve(spans: list[Span]) -> list[Span]:
    rank = {kind: i for i, kind in enumerate(PRIORITY)}
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (rank.get(s.kind, 99), -(s.end - s.start), s.start)):
        if all(span.end <= k.start or k.end <= span.start for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.start, s.end))
