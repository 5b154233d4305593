"""Jobs of the good-practices library: the one-page PDF of a practice."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from intranet.accounts.models import User
from intranet.database import write_intent
from intranet.extensions import db
from intranet.markdown import render_markdown
from intranet.pdf import render_pdf
from intranet.practices import policy, search
from intranet.practices.labels import label
from intranet.practices.models import Practice, practice_theme
from intranet.tasks.models import TaskRecord

from .runner import set_progress

# Font sizes tried in turn until the practice fits on one page; past the last, the body is cut.
FONT_SIZES = (10.5, 9.5, 8.5, 7.5)


class PracticeUnavailable(Exception):
    pass


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader  # lazy: pypdf, only for the jobs that read an uploaded PDF

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _html(practice: Practice, locale: str, font_size: float, body: str, truncated: bool) -> str:
    meta = [(_("Organisme"), practice.organization.name)]
    if practice.region:
        meta.append((_("Région"), practice.region.name))
    if practice.themes:
        meta.append((_("Thèmes"), ", ".join(t.label(locale) for t in practice.themes)))
    if practice.approaches:
        meta.append((_("Approches"), ", ".join(label(a) for a in practice.approaches)))
    if practice.sectors:
        meta.append((_("Secteurs concernés"), ", ".join(label(s) for s in practice.sectors)))
    if practice.audience:
        meta.append((_("Public visé"), practice.audience))
    # A primitives-only context: the template sees strings, never the models.
    return render_template(
        "practices/pdf.html",
        locale=locale,
        title=practice.title,
        summary=practice.summary,
        meta=meta,
        body_html=Markup(render_markdown(body)),
        truncated=truncated,
        more=_("Texte complet et pièces jointes sur l’intranet du réseau."),
        network=current_app.config["NETWORK_NAME"],
        kind=_("Bonne pratique"),
        footer=_("Document interne au réseau — version %(v)s", v=practice.version).replace('"', "'"),
        font_size=font_size,
    )


def build_pdf(practice: Practice, locale: str) -> bytes:
    """A one-page PDF: smaller type first; if that is not enough, as many of the body's blocks
    (paragraphs, lists, tables) as fit, with a pointer to the full text on the intranet."""
    with force_locale(locale):
        for size in FONT_SIZES:
            pdf = render_pdf(
                _html(practice, locale, size, practice.body, False), metadata_title=practice.title
            )
            if _pages(pdf) == 1:
                return pdf
        blocks = re.split(r"\n\s*\n", practice.body.strip())
        smallest = FONT_SIZES[-1]
        best = render_pdf(_html(practice, locale, smallest, "", True), metadata_title=practice.title)
        low, high = 0, len(blocks) - 1  # the whole body did not fit: search how many blocks do
        while low < high:
            middle = (low + high + 1) // 2
            pdf = render_pdf(
                _html(practice, locale, smallest, "\n\n".join(blocks[:middle]), True),
                metadata_title=practice.title,
            )
            if _pages(pdf) == 1:
                low, best = middle, pdf
            else:
                high = middle - 1
        return best


def render_practice_pdf(practice_id: int, locale: str = "fr", *, task_id: int) -> dict:
    """The PDF of one version of a practice, cached per version and language under instance/."""
    task = db.session.get(TaskRecord, task_id)
    practice = db.session.get(Practice, practice_id)
    user = db.session.get(User, task.user_id) if task and task.user_id else None
    # Asked for by someone who could see it; checked again, since it may have changed since.
    if practice is None or user is None or not policy.can_view(user, practice):
        raise PracticeUnavailable("practice not available to the requester")
    locale = locale if locale in current_app.config["LANGUAGES"] else "fr"
    folder = Path(current_app.instance_path) / "practices"
    folder.mkdir(parents=True, exist_ok=True)
    # The name holds what the page shows, not only its id and version: an id the database gives
    # again after a deletion (or a restore) never finds another text's PDF.
    with force_locale(locale):
        shown = _html(practice, locale, FONT_SIZES[0], practice.body, False)
    fingerprint = hashlib.sha256(shown.encode()).hexdigest()[:16]
    name = f"pratique-{practice.id}-v{practice.version}-{locale}-{fingerprint}.pdf"
    path = folder / name
    if not path.exists():
        set_progress(task_id, 20)
        pdf = build_pdf(practice, locale)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pdf)
        tmp.replace(path)
    set_progress(task_id, 90)
    return {
        "path": f"practices/{name}",
        "name": f"bonne-pratique-{practice.id}.pdf",
        "mimetype": "application/pdf",
    }


def reindex_theme(theme_id: int) -> int:
    """Index again the practices of a renamed theme (its names are searchable words)."""
    ids = list(
        db.session.scalars(
            sa.select(practice_theme.c.practice_id).where(practice_theme.c.theme_id == theme_id)
        )
    )
    for start in range(0, len(ids), 200):
        write_intent()
        for practice in db.session.scalars(
            sa.select(Practice).where(Practice.id.in_(ids[start : start + 200]))
        ).unique():
            search.index_practice(practice)
        db.session.commit()
    return len(ids)


def optimize_index() -> None:
    """Merge the SQLite index's segments (after a redaction): FTS5 keeps a deleted row's words in
    its older segments until they merge; this merges them now. PostgreSQL: nothing to do here
    (jobs.redaction.vacuum reclaims the old row versions)."""
    if db.engine.dialect.name != "sqlite":
        return
    write_intent()
    search.optimize()
    db.session.commit()
