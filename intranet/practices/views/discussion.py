"""The discussion under a practice: comments, « cela m’a été utile », my selection."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...guard import record_confirmed
from ...security import access, require, require_row
from ...urls import wants_fragment
from .. import policy, services
from ..forms import CommentForm, WithdrawForm
from ..models import Practice, PracticeComment
from .common import bp, load_visible


def _comments_fragment(practice: Practice, form: CommentForm | None = None, status: int = 200):
    return (
        render_template(
            "practices/_comments.html",
            practice=practice,
            comments=services.comments(practice),
            comment_form=form or CommentForm(formdata=None),
            can_discuss=policy.can_discuss(current_user, practice),
            can_moderate=policy.can_moderate(current_user, practice),
        ),
        status,
    )


@bp.route("/<int:practice_id>/commentaires", methods=["POST"])
@access("member")
def comment(practice_id: int):
    practice = load_visible(practice_id)
    require(policy.can_discuss(current_user, practice))
    form = CommentForm()
    if form.validate_on_submit():
        item = services.add_comment(current_user, practice, form.body.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        if wants_fragment():
            return _comments_fragment(practice)
        flash(_("Commentaire publié."), "success")
        return redirect(url_for("practices.show", practice_id=practice.id, _anchor="commentaires"), code=303)
    if wants_fragment():
        return _comments_fragment(practice, form, 422)
    return (
        render_template(
            "practices/show.html",
            practice=practice,
            comments=services.comments(practice),
            comment_form=form,
            marks=services.marks_of(current_user, practice),
            related=services.related(current_user, practice),
            can_edit=policy.can_edit(current_user, practice),
            can_moderate=policy.can_moderate(current_user, practice),
            can_discuss=True,
            withdraw_form=WithdrawForm(formdata=None),
        ),
        422,
    )


def _own_comment(comment_id: int) -> PracticeComment:
    item = require_row(PracticeComment, comment_id)
    require(policy.can_view(current_user, item.practice))
    require(policy.can_change_comment(current_user, item))
    return item


@bp.route("/commentaires/<int:comment_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit_comment(comment_id: int):
    item = _own_comment(comment_id)
    form = CommentForm(obj=item) if request.method == "GET" else CommentForm()
    if form.validate_on_submit():
        services.edit_comment(current_user, item, form.body.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(_("Commentaire modifié."), "success")
        return redirect(
            url_for("practices.show", practice_id=item.practice_id, _anchor=f"c{item.id}"), code=303
        )
    status = 422 if request.method == "POST" else 200
    return render_template("practices/comment_edit.html", form=form, comment=item), status


def _confirm_delete_comment(comment_id: int) -> Confirmation:
    item = _own_comment(comment_id)
    return Confirmation(
        question=_("Supprimer ce commentaire ?"),
        consequence=_("Il disparaîtra de la discussion pour tout le monde. C’est définitif."),
        action=_("Supprimer le commentaire"),
        back=url_for("practices.show", practice_id=item.practice_id, _anchor=f"c{item.id}"),
    )


@bp.route("/commentaires/<int:comment_id>/suppression", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_delete_comment)
def delete_comment(comment_id: int):
    item = _own_comment(comment_id)
    practice = item.practice
    services.delete_comment(current_user, item)
    db.session.commit()
    if wants_fragment():
        return _comments_fragment(practice)
    flash(_("Commentaire supprimé."), "success")
    return redirect(url_for("practices.show", practice_id=practice.id, _anchor="commentaires"), code=303)


@bp.route("/<int:practice_id>/aidee", methods=["POST"])
@access("member")
def helpful(practice_id: int):
    practice = load_visible(practice_id)
    require(policy.can_discuss(current_user, practice))
    services.toggle_helpful(current_user, practice)
    db.session.commit()
    if wants_fragment():
        return render_template(
            "practices/_marks.html", practice=practice, marks=services.marks_of(current_user, practice)
        )
    return redirect(url_for("practices.show", practice_id=practice.id), code=303)


@bp.route("/<int:practice_id>/selection", methods=["POST"])
@access("member")
def bookmark(practice_id: int):
    practice = load_visible(practice_id)
    services.toggle_bookmark(current_user, practice)
    db.session.commit()
    if wants_fragment():
        return render_template(
            "practices/_marks.html", practice=practice, marks=services.marks_of(current_user, practice)
        )
    return redirect(
        request.form.get("next") == "selection"
        and url_for("practices.selection")
        or url_for("practices.show", practice_id=practice.id),
        code=303,
    )
