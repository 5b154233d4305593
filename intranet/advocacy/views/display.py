"""Display: the advocacy home (mine, the review queue, co-signing), the library, a text, a version
(and its comments), comparing versions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...guard import record_confirmed
from ...params import int_arg
from ...security import access, require
from ...themes.services import choices as theme_choices
from ...urls import wants_fragment
from .. import policy, services
from ..diff import compare
from ..forms import CommentForm
from ..models import KIND_LABELS, Kind
from .common import bp, diff_labels, load_position, load_version, member_markdown, show_page, today


@bp.route("/")
@access("member")
def index():
    return render_template(
        "advocacy/index.html",
        mine=services.organization_positions(current_user),
        queue=services.review_queue(current_user),
        cosigning=services.open_for_cosigning(current_user, today()),
    )


@bp.route("/bibliotheque")
@access("member")
def library():
    kind = request.args.get("type") or None
    theme = int_arg("theme")
    year = int_arg("annee", maximum=9999)
    if kind not in {k.value for k in Kind}:
        kind = None
    positions = services.library(kind=kind, year=year, theme=theme)
    context = dict(
        positions=positions,
        years=services.library_years(),
        kind=kind,
        year=year,
        theme=theme,
        kinds=KIND_LABELS,
        themes=theme_choices(),
        briefs=services.current_briefs(positions),
    )
    if wants_fragment():
        return render_template("advocacy/_library_results.html", **context)
    return render_template("advocacy/library.html", **context)


@bp.route("/<int:position_id>")
@access("member")
def show(position_id: int):
    return show_page(load_position(position_id))


@bp.route("/<int:position_id>/versions/<int:number>", methods=["GET", "POST"])
@access("member")
def version(position_id: int, number: int):
    position = load_position(position_id)
    version = load_version(position, number)
    form = CommentForm()
    status = 200
    if request.method == "POST":
        require(policy.can_comment(current_user, position))
        if form.validate_on_submit():
            try:
                comment = services.add_comment(current_user, version, form.body.data or "")
                record_confirmed(form, user=current_user, obj=comment)
            except services.AdvocacyError as exc:
                form.body.errors = [*form.body.errors, str(exc.args[0])]
            else:
                db.session.commit()
                if wants_fragment():
                    return render_template(
                        "advocacy/_comments.html",
                        position=position,
                        version=version,
                        form=CommentForm(formdata=None),
                    )
                flash(_("Commentaire ajouté."), "success")
                return redirect(
                    url_for(
                        "advocacy.version", position_id=position.id, number=number, _anchor="commentaires"
                    ),
                    code=303,
                )
        status = 422
        if wants_fragment():
            return render_template(
                "advocacy/_comments.html", position=position, version=version, form=form
            ), status
    return render_template(
        "advocacy/version.html",
        position=position,
        version=version,
        form=form,
        can_comment=policy.can_comment(current_user, position),
    ), status


@bp.route("/<int:position_id>/comparer")
@access("member")
def compare_versions(position_id: int):
    position = load_position(position_id)
    require(policy.can_view_history(current_user, position))
    numbers = [v.number for v in position.versions]
    require(len(numbers) > 0)
    old_n = int_arg("de") or (numbers[-2] if len(numbers) > 1 else numbers[-1])
    new_n = int_arg("a")
    old = load_version(position, old_n)
    # "a" absent or 0: the working copy (what the organization is editing now).
    new = load_version(position, new_n) if new_n else position
    fields = compare(old, new, diff_labels(), render=member_markdown)
    return render_template(
        "advocacy/compare.html",
        position=position,
        old=old,
        new=new,
        new_n=new_n,
        numbers=numbers,
        fields=fields,
    )
