"""The highlighter: escaped first, then marked; accents and case optional; snippets cut between words."""

from __future__ import annotations

from markupsafe import Markup

from intranet.search import make_query
from intranet.search.highlight import START, STOP, from_markers, mark, plain, prefix_matcher, snippet


def test_marks_words_whatever_their_accents_and_case():
    marked = mark("Hébergement d’urgence et HÉBERGEMENTS", prefix_matcher(["hebergement"]))
    assert marked == Markup("<mark>Hébergement</mark> d’urgence et <mark>HÉBERGEMENTS</mark>")


def test_markup_in_the_text_is_escaped_before_marking():
    marked = mark('<script>alert("x")</script> maison', prefix_matcher(["script", "maison"]))
    assert "<script>" not in marked
    assert (
        str(marked)
        == "&lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script</mark>&gt; <mark>maison</mark>"
    )


def test_ligatures_and_decomposed_accents_keep_their_place():
    assert mark("Cœur de l’œuvre", prefix_matcher(["oeuvre"])) == Markup("Cœur de l’<mark>œuvre</mark>")
    decomposed = "He\u0301bergement"
    assert mark(decomposed, prefix_matcher(["hebergement"])) == Markup(f"<mark>{decomposed}</mark>")


def test_a_snippet_is_cut_around_the_matches_between_words():
    text = (
        ("Un long début sans rapport. " * 20)
        + "Le plan de sécurité se construit avec elle. "
        + ("Une fin. " * 30)
    )
    cut = snippet(text, prefix_matcher(["securite"]), length=80)
    assert "<mark>sécurité</mark>" in cut
    assert cut.startswith("… ") and cut.endswith(" …")
    inner = str(cut)[2:-2]
    assert not inner.startswith(" ") and len(plain(inner.replace("<mark>", "").replace("</mark>", ""))) <= 80


def test_a_snippet_leaves_markdown_out_and_escapes():
    cut = snippet("## Titre\n**Gras** et [un lien](https://exemple.org) <b>x</b>", prefix_matcher(["gras"]))
    assert cut == Markup("Titre <mark>Gras</mark> et un lien x")


def test_engine_markers_become_marks_and_nothing_else_is_markup():
    text = f"<i>a</i> {START}Hébergement{STOP} & **plus**{STOP}"
    assert from_markers(text) == Markup("a <mark>Hébergement</mark> &amp; plus")


def test_queries_are_cleaned_of_control_characters_and_cut():
    query = make_query("a\x00b " + "mot " * 200 + "\u202e")
    assert "\x00" not in query.text and len(query.text) <= 200
    assert make_query('"NEAR(abri toit)" * -x OR').words == ("near", "abri", "toit")
    assert make_query("de la").empty


def test_a_title_from_the_engine_keeps_its_characters():
    assert from_markers(f"<b>{START}Plan{STOP}</b> *x*", markdown=False) == Markup(
        "&lt;b&gt;<mark>Plan</mark>&lt;/b&gt; *x*"
    )
