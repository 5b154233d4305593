"""intranet.diff: the word difference, and the difference of formatted (rendered Markdown) texts."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from intranet.diff import (
    Piece,
    diff_html,
    field_diff,
    formatted_diff,
    list_field,
    word_diff,
)


class _Elements(HTMLParser):
    """Every start tag, and whether the tags nest properly (each end closes the last open one)."""

    VOID = {"br", "hr", "img", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False


def _elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert parser.balanced and not parser.stack, html
    return parser


def _marked(html: str, tag: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", html, re.S)]


def _side(html: str, side: str) -> str:
    """The visible text of one side of a difference (the other side's marks taken out), without
    tags or spaces: a change of spacing alone is not marked."""
    other = "del" if side == "new" else "ins"
    return _flat(re.sub(rf"<{other}\b[^>]*>.*?</{other}>", "", html, flags=re.S))


def _flat(html: str) -> str:
    return "".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


PAIRS = [
    ("Un **plan** simple.\n\nDeuxième paragraphe.", "Un **plan** plus simple.\n\nDeuxième paragraphe."),
    ("- un\n- deux\n- trois", "- un\n- deux bis\n- trois\n- quatre"),
    ("> Une citation retirée\n\nLa suite.", "La suite.\n\n## Un intertitre ajouté"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | c |\n|---|---|\n| 1 | 3 |\n| 4 | 5 |"),
    ("Un [lien](https://a.org) et *ceci*.", "Un lien et **cela** aussi."),
    ("1. un\n2. deux\n   - sous\n3. trois", "1. un\n2. deux, modifié\n   - sous\n   - autre\n\nFin."),
    ("Avant\n\n```\ncode <x>\n```", "Avant\n\n```\ncode <y> & z\n```"),
]


def test_each_side_of_a_formatted_diff_reads_as_its_version():
    from intranet.markdown import render_markdown

    def text(markdown: str) -> str:
        return _flat(str(render_markdown(markdown)))

    for old, new in PAIRS:
        result = formatted_diff(old, new)
        assert result.formatted, (old, new)
        html = str(result.html)
        _elements(html)
        assert _side(html, "new") == text(new), (old, new, html)
        assert _side(html, "old") == text(old), (old, new, html)


def test_word_diff_keeps_lines_and_marks_words():
    pieces = word_diff("Un coin jeux.\nUne trousse.", "Un coin jeux calme.\nUne trousse.")
    assert Piece("added", " calme") in pieces
    assert "".join(p.text for p in pieces if p.op != "removed") == "Un coin jeux calme.\nUne trousse."
    assert "".join(p.text for p in pieces if p.op != "added") == "Un coin jeux.\nUne trousse."


def test_the_source_word_diff_escapes_what_was_typed():
    old, new = "un <b>deux</b>", "un <img src=x onerror=alert(1)>"
    html = str(diff_html(old, new))
    assert "<img" not in html and "<b>" not in html
    assert re.findall(r"</?(\w+)", html) and set(re.findall(r"</?(\w+)", html)) <= {"ins", "del"}
    # Each side reads back whole once the other side's marks are taken out.
    assert unescape(re.sub(r"</?ins>", "", re.sub(r"<del>.*?</del>", "", html))) == new
    assert unescape(re.sub(r"</?del>", "", re.sub(r"<ins>.*?</ins>", "", html))) == old


def test_formatted_diff_compares_words_inside_the_formatting():
    result = formatted_diff(
        "Un **plan** simple.\n\nDeuxième paragraphe.", "Un **plan** plus simple.\n\nDeuxième paragraphe."
    )
    html = str(result.html)
    assert result.formatted and result.changed and not result.fallback
    assert "<strong>plan</strong>" in html  # the formatting, not the asterisks
    assert "**" not in html
    assert _marked(html, "ins") == ["plus"]
    assert not _marked(html, "del")
    assert "<p>Deuxième paragraphe.</p>" in html
    _elements(html)


def test_formatted_diff_marks_list_items_and_table_cells_in_place():
    html = str(formatted_diff("- un\n- deux\n- trois", "- un\n- deux bis\n- trois\n- quatre").html)
    parser = _elements(html)
    assert [t for t, _ in parser.tags].count("ul") == 1  # one list, not a removed one and an added one
    assert _marked(html, "ins") == ["bis", "quatre"]
    assert "<li><ins>quatre</ins></li>" in html  # an added item: <ins> inside the <li>

    table = str(formatted_diff("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|\n| 1 | 3 |").html)
    _elements(table)
    assert "<td><del>2</del><ins>3</ins></td>" in table


def test_formatted_diff_shows_removed_and_added_blocks_whole():
    html = str(
        formatted_diff("> Une citation retirée\n\nLa suite.", "La suite.\n\n## Un intertitre ajouté").html
    )
    _elements(html)
    assert re.search(
        r'<del class="diff-block"><blockquote>\s*<p>Une citation retirée</p>\s*</blockquote></del>', html
    )
    assert '<ins class="diff-block"><h2>Un intertitre ajouté</h2></ins>' in html
    assert "<p>La suite.</p>" in html


def test_formatted_diff_lets_no_markup_through():
    old = 'Texte <b>gras</b> et [lien](https://exemple.org "t>i") fin.'
    new = (
        'Texte <script>alert(1)</script> et [lien](javascript:alert(1) "x\\"><img src=x onerror=alert(1)>")'
        " <img src=x onerror=alert(2)> fin."
    )
    result = formatted_diff(old, new)
    html = str(result.html)
    parser = _elements(html)
    assert {tag for tag, _ in parser.tags} <= {"p", "a", "ins", "del"}
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert all(not name.startswith("on") for _, attrs in parser.tags for name in attrs)
    assert not any(str(attrs.get("href", "")).startswith("javascript") for _, attrs in parser.tags)
    # What was typed is there, as text, on each side.
    assert "<script>alert(1)</script>" in _side(html, "new") and "<b>gras</b>" in _side(html, "old")
    assert "<imgsrc=xonerror=alert(2)>" in _side(html, "new")


def test_formatted_diff_of_an_unchanged_text_is_the_text():
    result = formatted_diff("Un *texte*", "Un *texte*")
    assert not result.changed and str(result.html) == "<p>Un <em>texte</em></p>\n"


def test_a_first_version_is_all_added():
    html = str(formatted_diff(None, "Nouveau *texte*").html)
    assert html.startswith('<ins class="diff-block"><p>Nouveau <em>texte</em></p></ins>')


def test_a_change_of_structure_falls_back_to_the_source_words():
    old = "Premier point important.\n\nDeuxième point important.\n\nTroisième point important."
    new = "- Premier point important.\n- Deuxième point important.\n- Troisième point important."
    result = formatted_diff(old, new)
    assert result.fallback and not result.formatted and result.changed
    html = str(result.html)
    assert "<ul>" not in html and "<li>" not in html
    assert _marked(html, "ins")[0] == "-"  # the list marks are what was added
    assert "Deuxième point important." in html


def test_formatted_diff_uses_the_page_renderer():
    from markupsafe import Markup

    def shouting(text):
        return Markup(f"<p>{(text or '').upper()}</p>")

    html = str(formatted_diff("un mot", "un autre mot", render=shouting).html)
    assert _marked(html, "ins") == ["AUTRE"]


def test_field_diff_and_list_field_say_how_to_show_them():
    text = field_diff("title", "Titre", "Un titre", "Un autre titre")
    assert text.kind == "text" and text.changed and "<ins>autre </ins>" in str(text.html)
    body = field_diff("body", "Texte", "Un **mot**", "Un **mot** de plus", markdown=True)
    assert body.kind == "formatted" and "<strong>mot</strong>" in str(body.html)
    same = field_diff("body", "Texte", "Pareil", "Pareil", markdown=True)
    assert not same.changed
    items = list_field("themes", "Thèmes", ["Logement", "Tribunaux"], ["Logement", "<Santé>"])
    assert items.kind == "list"
    assert str(items.html) == "Logement, <del>Tribunaux</del>, <ins>&lt;Santé&gt;</ins>"
