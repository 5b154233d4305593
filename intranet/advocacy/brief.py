"""The PDF brief (note de synthèse): HTML from our own template, rendered by a worker.

The template gets primitives only (strings, lists), built here from one frozen version. Member
text goes through the Markdown sanitizer; then French typography and WeasyPrint footnotes are
applied to the sanitized HTML, whose shape we know (tags without attributes, except the few the
sanitizer allows).
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, format_date
from markupsafe import Markup, escape

from ..markdown import render_markdown
from ..pdf import render_pdf
from .models import KIND_LABELS, THEMES, Position, Version

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space (espace fine insécable)

_TAG_SPLIT = re.compile(r"(<[^>]+>)")
_SKIP_TAGS = ("code", "pre")


def _french_text(text: str) -> str:
    # A space typed before : ; ! ? » or after « becomes unbreakable; one is added when missing.
    text = re.sub(r"[ \u00a0\u202f]+([;!?])", NNBSP + r"\1", text)
    text = re.sub(r"[ \u00a0\u202f]+([:»])", NBSP + r"\1", text)
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"(?<=[\w)»’])([;!?])(?=\s|$|<)", NNBSP + r"\1", text)
    text = re.sub(r"(?<=[\w)’])(:)(?=\s|$)", NBSP + r"\1", text)
    text = re.sub(r"(?<=[\w.,!?…])»", NBSP + "»", text)
    # Numbers: 1 000 000 and 15 % stay on one line.
    text = re.sub(r"(?<=\d) (?=\d{3}\b)", NNBSP, text)
    text = re.sub(r"(?<=\d) (?=%|\$|€)", NBSP, text)
    return text


def french_typography(html: str) -> str:
    """Apply French spacing rules to the text of (trusted, sanitized) HTML, not to its tags or code."""
    out = []
    skipping = 0
    for part in _TAG_SPLIT.split(html):
        if part.startswith("<"):
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _SKIP_TAGS:
                skipping += -1 if part.startswith("</") else 1
                skipping = max(skipping, 0)
            out.append(part)
        else:
            out.append(part if skipping else _french_text(part))
    return "".join(out)


_FOOTNOTE_SECTION = re.compile(
    r'<hr class="footnotes-sep">\s*<section class="footnotes">(.*?)</section>', re.S
)
_FOOTNOTE_ITEM = re.compile(r'<li id="fn(\d+)">(.*?)</li>', re.S)
_FOOTNOTE_REF = re.compile(r'<sup><a href="#fn(\d+)"[^>]*>\[\d+\](?::\d+)?</a></sup>')
_BACKREF = re.compile(r'\s*<a href="#fnref[^"]*"[^>]*>[^<]*</a>')


def footnotes_to_pdf(html: str) -> str:
    """Turn Markdown footnotes into WeasyPrint page footnotes (``float: footnote``)."""
    match = _FOOTNOTE_SECTION.search(html)
    if not match:
        return html
    notes = {}
    for number, content in _FOOTNOTE_ITEM.findall(match.group(1)):
        content = _BACKREF.sub("", content).strip()
        content = re.sub(r"</?p>", " ", content).strip()
        notes[number] = content
    html = html[: match.start()] + html[match.end() :]
    used: set[str] = set()

    def replace(ref: re.Match) -> str:
        number = ref.group(1)
        if number in notes and number not in used:
            used.add(number)
            return f'<span class="footnote">{notes[number]}</span>'
        return ""

    return _FOOTNOTE_REF.sub(replace, html)


_HEADING = re.compile(r"<(h[1-4])>(.*?)</\1>", re.S)


def number_headings(html: str) -> tuple[str, list[dict]]:
    """Give the body's headings ids (for the table of contents); member h1 become h2."""
    toc: list[dict] = []

    def replace(match: re.Match) -> str:
        tag, inner = match.group(1), match.group(2)
        level = max(int(tag[1]), 2)
        if level > 3:
            return f"<h{level}>{inner}</h{level}>"
        anchor = f"s{len(toc) + 1}"
        toc.append({"id": anchor, "level": level, "text": Markup(re.sub(r"<[^>]+>", "", inner))})
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    return _HEADING.sub(replace, html), toc


def _prepare(markdown_text: str, french: bool) -> Markup:
    html = footnotes_to_pdf(str(render_markdown(markdown_text)))
    return Markup(french_typography(html) if french else html)


def _plain(text: str, french: bool) -> Markup:
    escaped = str(escape(text or ""))
    return Markup(french_typography(escaped) if french else escaped)


def brief_context(position: Position, version: Version, signatory_names: list[str]) -> dict:
    """Everything the brief template needs, as primitives, in the version's language."""
    french = version.language == "fr"
    body, toc = number_headings(str(_prepare(version.body, french)))
    when = position.published_at or version.created_at
    with force_locale(version.language):
        return {
            "lang": version.language,
            "network_name": current_app.config["NETWORK_NAME"],
            "title": _plain(version.title, french),
            "kind": str(KIND_LABELS[version.kind]),
            "addressee": _plain(version.addressee, french),
            "organization": _plain(position.organization.name, french),
            "date": format_date(when, "long"),
            "summary": _prepare(version.summary, french) if version.summary else "",
            "demands": [_plain(d, french) for d in version.demands or []],
            "body": Markup(body),
            "toc": toc,
            "signatories": [_plain(n, french) for n in signatory_names],
            "themes": [str(THEMES[t]) for t in position.themes if t in THEMES],
            "version": version.number,
            "published": position.published_at is not None,
        }


def brief_html(context: dict) -> str:
    css = (Path(current_app.template_folder) / "advocacy" / "pdf" / "brief.css").read_text(encoding="utf-8")
    with force_locale(context["lang"]):
        return render_template("advocacy/pdf/brief.html", css=Markup(css), **context)


def render_brief_pdf(context: dict) -> bytes:
    return render_pdf(brief_html(context), metadata_title=context["title"])
