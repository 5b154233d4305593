"""Plain-text templates keep the line breaks their authors typed.

The app's Jinja environment trims the newline after a block tag (``trim_blocks``), which suits
HTML and lines made only of tags, but in a ``.txt`` email it glued a line that *ends* with a tag
to the next one: ``{{ _("Où :") }} {% if is_online %}…{% else %}{{ place }}{% endif %}`` then
"Vos formations" gave "Capitale-NationaleVos formations". For ``.txt`` templates this extension
marks such a closing tag ``+%}`` (Jinja's "keep the newline") before compiling: a line that prints
something keeps its break, a line of tags alone still vanishes, and an optional line
(``{% if x %}…{% endif %}`` with no ``else``) vanishes whole when its condition is false.
Nothing to remember per template.
"""

from __future__ import annotations

import re

from jinja2.ext import Extension

_TAG = re.compile(r"\{%.*?%\}", re.S)
_ENDS_WITH_TAG = re.compile(r"(?<![+-])%\}[ \t]*$")


def _optional_line(line: str) -> bool:
    """``{% if x %}…{% endif %}`` spanning the whole line with no ``else``: the line is optional,
    so its break goes with it (inside the block)."""
    tags = list(_TAG.finditer(line))
    stripped = line.strip()
    if not tags or not stripped.startswith("{%") or not stripped.endswith("%}"):
        return False
    depth = 0
    for index, tag in enumerate(tags):
        word = tag.group(0)[2:-2].strip("+- \t").split(" ", 1)[0]
        if word in ("if", "for"):
            depth += 1
        elif word in ("endif", "endfor"):
            depth -= 1
            if depth == 0 and index != len(tags) - 1:
                return False  # the first block closes before the end of the line
        elif word in ("else", "elif") and depth == 1:
            return False  # something is printed either way: the line is not optional
    return depth == 0 and tags[0].group(0)[2:].lstrip("+- ").startswith("if ")


def keep_text_lines(source: str) -> str:
    lines = source.split("\n")
    for i, line in enumerate(lines[:-1]):  # the last line has no break to keep
        if not _ENDS_WITH_TAG.search(line) or "{%" not in line:
            continue
        if not _TAG.sub("", line).strip():
            continue  # a line of tags alone: trimmed, as everywhere
        if _optional_line(line):
            # "{% if x %}text{% endif %}" -> "{% if x %}text\n{% endif %}": no empty line when false.
            last = list(_TAG.finditer(line))[-1]
            lines[i] = line[: last.start()] + "\n" + line[last.start() :]
        else:
            lines[i] = _ENDS_WITH_TAG.sub("+%}", line)
    return "\n".join(lines)


class TextLines(Extension):
    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name and name.endswith(".txt"):
            return keep_text_lines(source)
        return source
