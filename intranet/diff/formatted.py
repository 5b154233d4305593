"""The difference between two Markdown texts shown as formatted text, changes in <del>/<ins>.

Both texts go through the app's renderer (sanitized HTML), and only that markup is reassembled:
blocks (paragraphs, headings, list items, table cells...) are matched between the two versions,
and inside a matched block the words are compared. The result keeps the new version's tags
exactly (balanced, already sanitized); removed words come back as escaped text in <del>, removed
blocks whole in <del>. Nothing the person typed becomes markup that the renderer did not make.

When the structure changed so much that the formatted comparison marks far more than the words do
(paragraphs turned into a list...), the caller gets the word difference of the source instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from markupsafe import Markup

from ..markdown import render_markdown, sanitize_diff_html
from .words import diff_html, word_diff

# A whole tag as the sanitizer writes it: attribute values in double quotes may hold ">".
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:\s+[^\s"\'>/=]+(?:\s*=\s*"[^"]*")?)*\s*/?>')
_TEXT_TOKEN = re.compile(r"&#?\w+;|\s+|[\w’'-]+|[^\w\s]")
_VOID = {"br", "hr", "img", "wbr"}
_BLOCK = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "section", "hr", "div", "dl", "dt", "dd",
}  # fmt: skip
# Marked inside (the parent allows no <del> around them), or through their children.
_MARK_INSIDE = {"li", "td", "th", "dt", "dd"}
_MARK_CHILDREN = {"tr", "thead", "tbody", "tfoot"}
# Blocks are paired inside a changed stretch only when the stretch is small, and when alike enough
# (a paragraph rewritten reads better removed then added), except where their place is their meaning.
_IN_PLACE = {"#inline", "td", "th", "tr", "thead", "tbody", "tfoot"}
_PAIR_WITHIN = 400
_ALIKE = 0.4
# The formatted comparison gives way to the word difference when more than this share of the text
# is marked as whole blocks (the structure changed), and this much more than the word difference marks.
_TOO_MUCH = 0.6
_MARGIN = 0.3


@dataclass
class _Node:
    tag: str
    start: str = ""
    end: str = ""
    children: list[_Node | str] = field(default_factory=list)

    def html(self) -> str:
        return self.start + "".join(c if isinstance(c, str) else c.html() for c in self.children) + self.end

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


def _parse(html: str) -> _Node:
    root = _Node("")
    stack = [root]
    position = 0
    for match in _TAG.finditer(html):
        if match.start() > position:
            stack[-1].children.append(html[position : match.start()])
        position = match.end()
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if closing:
            if any(node.tag == tag for node in stack[1:]):
                while stack[-1].tag != tag:
                    stack.pop()
                stack.pop().end = match.group(0)
        elif tag in _VOID:
            stack[-1].children.append(_Node(tag, match.group(0)))
        else:
            node = _Node(tag, match.group(0))
            stack[-1].children.append(node)
            stack.append(node)
    if position < len(html):
        stack[-1].children.append(html[position:])
    for node in stack[1:]:
        node.end = node.end or f"</{node.tag}>"
    return root


@dataclass
class _Unit:
    """A block element, or a run of inline content (text and inline elements) between blocks."""

    block: _Node | None
    inline: list[_Node | str]

    @property
    def kind(self) -> str:
        return self.block.tag if self.block is not None else "#inline"

    def html(self) -> str:
        if self.block is not None:
            return self.block.html()
        return "".join(c if isinstance(c, str) else c.html() for c in self.inline)

    def text(self) -> str:
        if self.block is not None:
            return self.block.text()
        return "".join(c if isinstance(c, str) else c.text() for c in self.inline)


def _units(children: list[_Node | str]) -> list[_Unit]:
    units: list[_Unit] = []
    run: list[_Node | str] = []

    def flush() -> None:
        if run and "".join(c if isinstance(c, str) else c.html() for c in run).strip():
            units.append(_Unit(None, list(run)))
        run.clear()

    for child in children:
        if isinstance(child, _Node) and child.tag in _BLOCK:
            flush()
            units.append(_Unit(child, []))
        else:
            run.append(child)
    flush()
    return units


def _text_length(html_text: str) -> int:
    return len(_TAG.sub("", html_text).strip())


class _Writer:
    """Builds the markup and counts how much visible text is kept and how much is marked."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.same = 0
        self.marked = 0
        self.whole = 0  # marked as whole blocks: what a change of structure makes

    def keep(self, html: str) -> None:
        self.out.append(html)
        self.same += _text_length(html)

    def mark(self, unit: _Unit, tag: str) -> None:
        self.marked += len(unit.text().strip())
        self.whole += len(unit.text().strip())
        self.out.append(
            _marked(unit.block, tag) if unit.block is not None else f"<{tag}>{unit.html()}</{tag}>"
        )

    def children(self, old: list[_Node | str], new: list[_Node | str]) -> None:
        a, b = _units(old), _units(new)
        keys_a, keys_b = [u.html() for u in a], [u.html() for u in b]
        for op, i1, i2, j1, j2 in SequenceMatcher(None, keys_a, keys_b, autojunk=False).get_opcodes():
            if op == "equal":
                for unit in b[j1:j2]:
                    self.keep(unit.html() + ("\n" if unit.block is not None else ""))
                continue
            for i, j in _pairs(a[i1:i2], b[j1:j2]):
                if i is not None and j is not None:
                    self.unit(a[i1 + i], b[j1 + j])
                elif i is not None:
                    self.mark(a[i1 + i], "del")
                elif j is not None:
                    self.mark(b[j1 + j], "ins")

    def unit(self, old: _Unit, new: _Unit) -> None:
        if new.block is None:
            self.words(old.inline, new.inline)
            return
        assert old.block is not None
        self.out.append(new.block.start)
        self.children(old.block.children, new.block.children)
        self.out.append(new.block.end + "\n")

    def words(self, old: list[_Node | str], new: list[_Node | str]) -> None:
        """Inline content: the new tags as they are, removed words in <del>, added ones in <ins>."""
        a, b = _tokens(old), _tokens(new)
        for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                self.keep("".join(b[j1:j2]))
                continue
            removed = "".join(t for t in a[i1:i2] if not t.startswith("<"))
            if removed.strip():
                self.marked += len(removed.strip())
                self.out.append(f"<del>{removed}</del>")
            run: list[str] = []
            for token in [*b[j1:j2], "<"]:  # a last tag closes the last run
                if token.startswith("<"):
                    added = "".join(run)
                    if added.strip():
                        self.marked += len(added.strip())
                        self.out.append(f"<ins>{added}</ins>")
                    elif added:
                        self.out.append(added)
                    run = []
                    if token != "<":
                        self.out.append(token)
                else:
                    run.append(token)


def _tokens(children: list[_Node | str]) -> list[str]:
    tokens: list[str] = []
    for child in children:
        if isinstance(child, str):
            tokens.extend(_TEXT_TOKEN.findall(child))
        else:
            tokens.append(child.start)
            tokens.extend(_tokens(child.children))
            if child.end:
                tokens.append(child.end)
    return tokens


def _marked(node: _Node, tag: str) -> str:
    if node.tag in _MARK_INSIDE:
        inner = "".join(c if isinstance(c, str) else c.html() for c in node.children)
        return f"{node.start}<{tag}>{inner}</{tag}>{node.end}\n"
    if node.tag in _MARK_CHILDREN:
        inner = "".join(c if isinstance(c, str) else _marked(c, tag) for c in node.children)
        return f"{node.start}{inner}{node.end}\n"
    return f'<{tag} class="diff-block">{node.html()}</{tag}>\n'


def _alike(old: _Unit, new: _Unit) -> float:
    if old.kind != new.kind:
        return 0.0
    a, b = _TEXT_TOKEN.findall(old.text()), _TEXT_TOKEN.findall(new.text())
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _pairs(a: list[_Unit], b: list[_Unit]) -> list[tuple[int | None, int | None]]:
    """Pair the blocks of a changed stretch that are alike (same kind, similar words), in order."""
    if len(a) * len(b) > _PAIR_WITHIN:
        return [(i, None) for i in range(len(a))] + [(None, j) for j in range(len(b))]
    if len(a) == 1 and len(b) == 1 and a[0].kind == b[0].kind in _IN_PLACE:
        return [(0, 0)]  # text inside a block, a table's cells and rows: compared where they stand
    alike = [[_alike(x, y) for y in b] for x in a]
    best = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            pair = best[i - 1][j - 1] + alike[i - 1][j - 1] if alike[i - 1][j - 1] >= _ALIKE else -1.0
            best[i][j] = max(best[i - 1][j], best[i][j - 1], pair)
    pairs: list[tuple[int | None, int | None]] = []
    i, j = len(a), len(b)
    while i > 0 or j > 0:
        if (
            i > 0
            and j > 0
            and alike[i - 1][j - 1] >= _ALIKE
            and best[i][j] == best[i - 1][j - 1] + alike[i - 1][j - 1]
        ):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif j > 0 and (i == 0 or best[i][j] == best[i][j - 1]):
            pairs.append((None, j - 1))
            j -= 1
        else:
            pairs.append((i - 1, None))
            i -= 1
    pairs.reverse()
    return pairs


@dataclass(frozen=True)
class TextDiff:
    html: Markup
    changed: bool
    formatted: bool  # html is formatted text (blocks); otherwise source text to show with its line breaks
    fallback: bool = False  # formatted was asked for, but the structure changed too much


def formatted_diff(
    old: str | None, new: str | None, *, render: Callable[[str | None], Markup] = render_markdown
) -> TextDiff:
    """Compare two Markdown texts as the reader sees them (`render` defaults to the app's renderer)."""
    old, new = old or "", new or ""
    if old == new:
        return TextDiff(render(new), False, True)
    writer = _Writer()
    writer.children(_parse(str(render(old))).children, _parse(str(render(new))).children)
    share = writer.whole / max(writer.marked + writer.same, 1)
    if share > _TOO_MUCH and old and new:
        pieces = word_diff(old, new)
        marked = sum(len(p.text.strip()) for p in pieces if p.op != "same")
        source_share = marked / max(sum(len(p.text.strip()) for p in pieces), 1)
        if share > source_share + _MARGIN:
            return TextDiff(diff_html(old, new), True, False, fallback=True)
    # Every piece came from the sanitizer already; a last pass keeps it so whatever happened above.
    return TextDiff(Markup(sanitize_diff_html("".join(writer.out))), True, True)


def text_diff(old: str | None, new: str | None) -> TextDiff:
    """Plain text (titles, lists of demands): the word difference."""
    old, new = old or "", new or ""
    return TextDiff(diff_html(old, new), old != new, False)
