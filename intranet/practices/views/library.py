"""Display: the library (finding, my selection, my organization's), a practice, its print and PDF,
its attachments and its history."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from ...extensions import db
from ...files.services import send_stored_file
from ...params import int_arg
from ...security import access, require, require_row
from ...tasks.services import submit_task
from ...urls import wants_fragment
from .. import highlights, policy, services
from ..forms import CommentForm, WithdrawForm
from ..models import PracticeAttachment
from .common import bp, changes_between, library_filters, load_visible, page_locale


@bp.route("/")
@access("member")
def index():
    filters = library_filters()
    results = services.find(current_user, filters, page=int_arg("page", 1))
    context = {
        "filters": filters,
        "results": results,
        "marked": highlights.for_page(results.items, filters.q),
    }
    if wants_fragment():
        return render_template("practices/_results.html", oob=True, **context)
    return render_template("practices/index.html", choices=services.filter_choices(current_user), **context)


@bp.route("/selection")
@access("member")
def selection():
    return render_template("practices/selection.html", practices=services.bookmarked(current_user))


@bp.route("/mon-organisme")
@access("member")
def mine():
    return render_template("practices/mine.html", practices=services.organization_practices(current_user))


@bp.route("/<int:practice_id>")
@access("member")
def show(practice_id: int):
    practice = load_visible(practice_id)
    return render_template(
        "practices/show.html",
        practice=practice,
        comments=services.comments(practice),
        comment_form=CommentForm(),
        marks=services.marks_of(current_user, practice),
        related=services.related(current_user, practice),
        can_edit=policy.can_edit(current_user, practice),
        can_moderate=policy.can_moderate(current_user, practice),
        can_discuss=policy.can_discuss(current_user, practice),
        withdraw_form=WithdrawForm(),
    )


@bp.route("/<int:practice_id>/imprimer")
@access("member")
def printable(practice_id: int):
    practice = load_visible(practice_id)
    return render_template("practices/print.html", practice=practice)


@bp.route("/pieces-jointes/<int:attachment_id>")
@access("member")
def attachment(attachment_id: int):
    item = require_row(PracticeAttachment, attachment_id)
    require(policy.can_download_attachments(current_user, item.practice))
    return send_stored_file(item.file)


@bp.route("/<int:practice_id>/pdf", methods=["POST"])
@access("member")
def pdf(practice_id: int):
    practice = load_visible(practice_id)
    locale = page_locale()
    task = submit_task(
        kind="practice_pdf",
        func="jobs.practices.render_practice_pdf",
        args=[practice.id, locale],
        user=current_user,
        queue="pdf",
        # One task per person, version and language; the file itself is shared per version.
        cache_key=f"practice-pdf:{practice.id}:v{practice.version}:{locale}:u{current_user.id}",
    )
    db.session.commit()
    if wants_fragment():
        return render_template("tasks/_status.html", task=task)
    return redirect(url_for("tasks.status", public_id=task.public_id), code=303)


@bp.route("/<int:practice_id>/historique")
@access("member")
def history(practice_id: int):
    practice = load_visible(practice_id)
    return render_template(
        "practices/history.html", practice=practice, revisions=services.revisions(practice)
    )


@bp.route("/<int:practice_id>/historique/<int:number>")
@access("member")
def revision(practice_id: int, number: int):
    practice = load_visible(practice_id)
    current = services.revision(practice, number)
    require(current is not None)
    previous = services.revision(practice, number - 1) if number > 1 else None
    return render_template(
        "practices/revision.html",
        practice=practice,
        revision=current,
        previous=previous,
        changes=changes_between(previous, current),
    )
