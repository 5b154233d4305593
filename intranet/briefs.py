"""Briefs: the printed documents features hand to their readers (an advocacy brief, a protocol).

What every brief shares lives here, so each feature only says what its document holds:

* the text: member Markdown through the sanitizer, French typography, WeasyPrint page footnotes,
  numbered headings for a table of contents (``prepare``, ``plain``, ``number_headings``);
* the layout (``layout_for``): the network's paper (``intranet.network.paper_size``); a short text
  gets a compact brief (no table of contents under ``TOC_MIN_HEADINGS`` headings, signatories
  right after the text), a cover page only when asked;
* one template (``templates/pdf/brief.html``) fed with primitives only (``BriefContent``), with its
  signatories block;
* file names cut between whole words (``download_name``);
* the worker's part (``store_pdf``): render after the read transaction ends, write under a
  temporary name then move into place, return the task's result.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup, escape
from rq import Worker

from .database import read_intent
from .extensions import db
from .markdown import render_markdown
from .network import CSS_PAGE_SIZES, paper_size
from .pdf import render_pdf
from .queue import get_queue, get_redis
from .tasks.models import TaskRecord, TaskStatus
from .tasks.services import refresh_status, submit_task
from .text import slugify

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space (espace fine insécable)
#: Below this many headings, a table of contents is noise.
TOC_MIN_HEADINGS = 5
#: A text up to this many words, with few headings, keeps its signatories on its last page.
SHORT_WORDS = 1500

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


def prepare(markdown_text: str, french: bool) -> Markup:
    """Member Markdown as HTML for a brief: sanitized, page footnotes, French spacing in French."""
    html = footnotes_to_pdf(str(render_markdown(markdown_text)))
    return Markup(french_typography(html) if french else html)


def plain(text: str, french: bool) -> Markup:
    """A line of member text (a title, a name), escaped, with French spacing in French."""
    escaped = str(escape(text or ""))
    return Markup(french_typography(escaped) if french else escaped)


# --- layout -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    page_size: str  # a CSS @page size: "letter" or "A4"
    cover: bool  # a cover page of its own (only when asked)
    toc: bool  # a table of contents (only from TOC_MIN_HEADINGS headings)
    compact: bool  # the signatories follow the text on the same page


def word_count(*texts: str) -> int:
    return sum(len((t or "").split()) for t in texts)


def layout_for(headings: int, words: int, *, cover: bool = False, paper: str | None = None) -> Layout:
    """How a brief is laid out: the network's paper; a table of contents only for a text with
    enough headings; the signatories on a page of their own only after a long text."""
    size = CSS_PAGE_SIZES.get(paper or paper_size(), "A4")
    toc = headings >= TOC_MIN_HEADINGS
    compact = not toc and words <= SHORT_WORDS
    return Layout(page_size=size, cover=cover, toc=toc, compact=compact)


# --- the document --------------------------------------------------------------------------------


@dataclass
class BriefContent:
    """What the brief template shows, as primitives (escaped Markup and strings) only."""

    lang: str
    network_name: str
    kind: str  # "Mémoire", "Protocole"...: the line above the title
    title: Markup
    body: Markup
    toc: list[dict]
    layout: Layout
    facts: list[tuple[str, Markup | str]] = field(default_factory=list)  # (label, value) under the title
    themes: list[str] = field(default_factory=list)
    notice: str = ""  # a warning line (a working copy)
    summary: Markup | str = ""
    demands_heading: str = ""
    demands: list[Markup] = field(default_factory=list)
    signatories_heading: str = ""
    signatories: list[dict] = field(default_factory=list)  # {"name": Markup, "note": str}

    def as_context(self) -> dict:
        context = {name: getattr(self, name) for name in self.__dataclass_fields__}
        context["layout"] = asdict(self.layout)
        return context


def brief_html(content: BriefContent | dict) -> str:
    context = content.as_context() if isinstance(content, BriefContent) else dict(content)
    assert current_app.template_folder is not None  # create_app names it
    css = (Path(current_app.template_folder) / "pdf" / "brief.css").read_text(encoding="utf-8")
    with force_locale(context["lang"]):
        return render_template("pdf/brief.html", css=Markup(css), **context)


def render_brief(content: BriefContent | dict) -> bytes:
    """The PDF (in a worker: ``intranet.pdf`` confines the render)."""
    context = content.as_context() if isinstance(content, BriefContent) else content
    return render_pdf(brief_html(context), metadata_title=str(context["title"]))


# --- files ----------------------------------------------------------------------------------------

# Words a file name should not end on: "…entre-les" reads as if it were cut.
_DANGLING = {
    "a", "au", "aux", "d", "de", "des", "du", "en", "entre", "et", "l", "la", "le", "les", "ou",
    "par", "pour", "sur", "un", "une", "avec", "dans", "sans", "vers",
    "an", "and", "for", "in", "of", "on", "or", "the", "to", "with", "between",
}  # fmt: skip


def download_name(title: str, suffix: str, *, default: str = "document", max_length: int = 60) -> str:
    """``titre-en-mots-entiers-<suffix>.pdf``: cut between whole words, never ending on a little
    word that leaves the name hanging ("de", "les", "entre")."""
    words = slugify(title or "", max_length).split("-")
    while len(words) > 1 and words[-1] in _DANGLING:
        words.pop()
    stem = "-".join(w for w in words if w) or default
    suffix = slugify(suffix)
    return f"{stem}-{suffix}.pdf" if suffix else f"{stem}.pdf"


def store_pdf(data: bytes, download: str, folder: str = "briefs") -> dict:
    """Write a rendered PDF under ``instance/<folder>/`` with a random name (a temporary name first,
    moved into place, so a worker killed mid-write leaves no half file behind a finished task) and
    return the task's result (``jobs.runner.run_task`` records it)."""
    target = Path(current_app.instance_path) / folder
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.pdf"
    partial = target / f"{name}.part"
    partial.write_bytes(data)
    partial.replace(target / name)
    return {"path": f"{folder}/{name}", "name": download, "mimetype": "application/pdf"}


# --- the task that makes a brief ----------------------------------------------------------------


def latest_task(*cache_keys: str):
    """The newest task recorded for any of these keys (a brief with or without its cover)."""
    return db.session.scalar(
        sa.select(TaskRecord)
        .where(TaskRecord.cache_key.in_(cache_keys))
        .order_by(TaskRecord.id.desc())
        .limit(1)
    )


def request_render(*, kind: str, func: str, args: list, user, organization_id: int | None, cache_key: str):
    """Ask a worker (queue ``pdf``) for a brief; an unchanged document reuses its file. A task whose
    worker died becomes failed first, and is started anew; a failed render is not reused."""
    existing = latest_task(cache_key)
    if existing is not None and existing.status in (TaskStatus.QUEUED, TaskStatus.RUNNING):
        refresh_status(existing)
    return submit_task(
        kind=kind,
        func=func,
        args=args,
        user=user,
        organization_id=organization_id,
        queue="pdf",
        cache_key=cache_key,
    )


def wait_for_render(task, seconds: float):
    """Give a running worker a moment to finish a short brief, so the answer to the click can
    carry the download link itself instead of a progress bar that polls (most briefs take well
    under a second). Waits only when a worker is listening on the ``pdf`` queue; the web process
    never renders. Call after the commit: each look is its own short read transaction."""
    if seconds <= 0 or task.status in (TaskStatus.DONE, TaskStatus.FAILED):
        return task
    try:
        if not Worker.all(connection=get_redis(), queue=get_queue("pdf")):
            return task
    except Exception:  # Redis unreachable: the fragment will say what happens next
        return task
    task_id = task.id
    read_intent()  # looking only: on SQLite, never hold the write lock the worker needs
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.04)
        status = db.session.scalar(sa.select(TaskRecord.status).where(TaskRecord.id == task_id))
        db.session.rollback()
        if status in (TaskStatus.DONE, TaskStatus.FAILED):
            break
    return db.session.get(TaskRecord, task_id)
