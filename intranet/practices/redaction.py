"""What of the good-practices library can be redacted (``intranet.redaction``): a published
version of a practice, and a comment."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..redaction.registry import RedactableKind, register_kind
from ..tasks.services import enqueue_after_commit
from . import policy, search
from .models import Practice, PracticeComment, PracticeRevision

TEXT_FIELDS = ("title", "summary", "body", "audience")


def _practice(revision: PracticeRevision) -> Practice:
    # get(): the identity map answers when the practice is loaded (a history lists many revisions).
    practice = db.session.get(Practice, revision.practice_id)
    assert practice is not None, "a revision belongs to its practice (ON DELETE CASCADE)"
    return practice


def _revision_related(revision: PracticeRevision) -> list:
    practice = _practice(revision)
    others = db.session.scalars(
        sa.select(PracticeRevision).where(
            PracticeRevision.practice_id == revision.practice_id, PracticeRevision.id != revision.id
        )
    ).all()
    return [(practice, TEXT_FIELDS), *((other, TEXT_FIELDS) for other in others)]


def _revision_after(revision: PracticeRevision, changed: list) -> None:
    practice = _practice(revision)
    if practice in changed:
        practice.version += 1  # a new file name for its PDF; an edit form opened before is a conflict
    # The index holds the current text: rebuilt from the rows as they now are.
    search.index_practice(practice)
    enqueue_after_commit("jobs.practices.optimize_index", queue="default")


def _pdf_keys(practice_id: int) -> list[str]:
    return [f"practice-pdf:{practice_id}:"]


def _pdf_files(practice_id: int) -> list[str]:
    return [f"practices/pratique-{practice_id}-v*.pdf"]


def register(app: Flask) -> None:
    register_kind(
        app,
        RedactableKind(
            kind="practice_revision",
            model=PracticeRevision,
            fields=TEXT_FIELDS,
            label=_l("Version d’une bonne pratique"),
            can_view=lambda user, revision: policy.can_view(user, _practice(revision)),
            authors=lambda revision: {_practice(revision).author_id, revision.editor_id},
            organization_id=lambda revision: _practice(revision).organization_id,
            back=lambda revision: url_for("practices.history", practice_id=revision.practice_id),
            description=lambda revision: _(
                "Version %(n)s de « %(title)s »", n=revision.number, title=_practice(revision).title
            ),
            related=_revision_related,
            after=_revision_after,
            cache_keys=lambda revision: _pdf_keys(revision.practice_id),
            cached_files=lambda revision: _pdf_files(revision.practice_id),
        ),
    )
    register_kind(
        app,
        RedactableKind(
            kind="practice_comment",
            model=PracticeComment,
            fields=("body",),
            label=_l("Commentaire sur une bonne pratique"),
            can_view=lambda user, comment: policy.can_view(user, comment.practice),
            authors=lambda comment: {comment.author_id},
            organization_id=lambda comment: comment.practice.organization_id,
            back=lambda comment: url_for(
                "practices.show", practice_id=comment.practice_id, _anchor=f"c{comment.id}"
            ),
            description=lambda comment: _("Commentaire sur « %(title)s »", title=comment.practice.title),
        ),
    )
