"""The practices' objects in the guard's moderators' queue and the audit log: a label, a link and
a title for each; the words the audit log and the jobs page use for the practices' codes."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..guard import register_object
from ..objects import column_titles
from ..vocabulary import register_words
from . import policy
from .labels import LABELS
from .models import Practice, PracticeComment, PracticeReport


def _practice(practice_id: int, user) -> str | None:
    practice = db.session.get(Practice, practice_id)
    if practice is None or not policy.can_view(user, practice):
        return None
    return url_for("practices.show", practice_id=practice.id)


def _comment(comment_id: int, user) -> str | None:
    comment = db.session.get(PracticeComment, comment_id)
    if comment is None or not policy.can_view(user, comment.practice):
        return None
    return url_for("practices.show", practice_id=comment.practice_id, _anchor=f"c{comment.id}")


def _report(report_id: int, user) -> str | None:
    return url_for("practices.reports") if db.session.get(PracticeReport, report_id) else None


def init_app(app: Flask) -> None:
    register_object(app, "practice", _l("Bonne pratique"), _practice, column_titles(Practice.title))
    register_object(app, "practice_comment", _l("Commentaire sur une pratique"), _comment)
    register_object(app, "practice_report", _l("Signalement"), _report)
    register_words(app, "audit.value.to", LABELS)
    register_words(app, "task.kind", {"practice_pdf": _l("Bonne pratique en PDF")})
