"""File names and search keys from people's text."""

from __future__ import annotations

from intranet.text import fold, slugify


def test_slugify_ascii_words():
    assert slugify("Lettre ouverte : l’accès au logement") == "lettre-ouverte-l-acces-au-logement"


def test_slugify_cuts_between_words():
    title = "Position commune sur la collaboration entre les secteurs"
    assert slugify(title, 40) == "position-commune-sur-la-collaboration"
    assert all(len(slugify(title, n)) <= n for n in range(5, 60))
    assert not any(slugify(title, n).endswith("-") for n in range(1, 60))


def test_slugify_one_long_word_is_cut():
    assert slugify("Anticonstitutionnellement", 10) == "anticonsti"


def test_fold():
    assert fold("Hébergement Œuvre") == "hebergement oeuvre"
