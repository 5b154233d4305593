"""The guard measured on its labelled corpus (tests/guard/corpus_fr.jsonl, corpus_en.jsonl).

Each line is a sentence in the register of practices and comments, with the identifiers planted in
it (kind and exact text), or none. A planted identifier is caught when a finding of its kind
overlaps it; a clean sentence is flagged when any finding is made. The names of the fictional
member organizations that the clean sentences cite are on the allow-list, as the database would put
them there.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from intranet.guard.engine import AllowList, Detector
from intranet.guard.recognizers import _words_of

HERE = Path(__file__).resolve().parent
KINDS = {
    "phone",
    "email",
    "address",
    "postal_code",
    "person_name",
    "child",
    "honorific",
    "birth_date",
    "health_number",
    "sin",
    "file_number",
}
MEMBER_ORGANIZATIONS = [
    "Maison Le Phare",
    "Carrefour interculturel de l'Estrie",
    "Maison Hélène-Roy",
    "Maison Aurore-Dubé",
    "Maison Kinsi",
    "Alliance Nouveaux Arrivants de Lanaudière",
    "Entraide Saguenay–Lac-Saint-Jean",
    "Eastern Townships Intercultural Hub",
]


def _rows(language: str) -> list[dict]:
    return [json.loads(line) for line in (HERE / f"corpus_{language}.jsonl").open(encoding="utf-8")]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.fixture(scope="module")
def allowed() -> AllowList:
    return AllowList(MEMBER_ORGANIZATIONS + sorted(_words_of("public_names.txt")))


def measure(detector: Detector, allowed: AllowList, rows: list[dict]) -> dict:
    caught, planted, flagged, clean, misses = Counter(), Counter(), 0, 0, []
    for row in rows:
        text = row["text"]
        spans = detector.find(text, allowed)
        if not row["planted"]:
            clean += 1
            flagged += bool(spans)
            continue
        for kind, excerpt in row["planted"]:
            start = text.index(excerpt)
            end = start + len(excerpt)
            planted[kind] += 1
            if any(s.kind == kind and s.start < end and start < s.end for s in spans):
                caught[kind] += 1
            else:
                misses.append((kind, excerpt))
    return {"caught": caught, "planted": planted, "flagged": flagged, "clean": clean, "misses": misses}


def test_the_corpus_is_what_it_says():
    rows = _rows("fr") + _rows("en")
    assert len(rows) >= 300
    with_planted = [r for r in rows if r["planted"]]
    assert abs(len(with_planted) - len(rows) / 2) <= 5, "half planted, half clean"
    kinds = Counter(kind for r in with_planted for kind, _ in r["planted"])
    assert set(kinds) == KINDS and min(kinds.values()) >= 10
    for row in with_planted:
        for _, excerpt in row["planted"]:
            assert excerpt in row["text"]


def test_recall_of_every_kind_and_clean_sentences_flagged(detector, allowed):
    figures = measure(detector, allowed, _rows("fr") + _rows("en"))
    recall = {kind: figures["caught"][kind] / figures["planted"][kind] for kind in figures["planted"]}
    print("recall by kind:", {k: f"{v:.0%}" for k, v in sorted(recall.items())})
    print("clean flagged:", figures["flagged"], "/", figures["clean"])
    assert all(value >= 0.95 for value in recall.values()), (recall, figures["misses"])
    assert figures["flagged"] <= 0.05 * figures["clean"]


def test_english_recall_apart(detector, allowed):
    """English goes through the French pipeline and the same recognizers: measured on its own."""
    figures = measure(detector, allowed, _rows("en"))
    total = sum(figures["planted"].values())
    recall = sum(figures["caught"].values()) / total
    print(f"English recall: {recall:.1%} of {total}; clean flagged {figures['flagged']}/{figures['clean']}")
    assert total >= 60 and recall >= 0.95, figures["misses"]
    assert figures["flagged"] <= 0.05 * figures["clean"]


def test_without_the_allow_list_member_organizations_named_after_people_are_flagged(detector):
    """The allow-list is what clears "Maison Hélène-Roy"'s kind of name: without it, a name-like
    organization is taken for a person (so the corpus figures above do depend on it)."""
    text = "Merci à Hélène Roy pour l'accueil."
    assert [s.kind for s in detector.find(text)] == ["person_name"]
    assert detector.find(text, AllowList(["Hélène Roy"])) == []
