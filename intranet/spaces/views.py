"""Spaces and their discussions: parse, authorize, call the services, commit once, render."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ..accounts.models import Organization, Region
from ..confirm import Confirmation, confirm_first
from ..database import writes
from ..diff import field_diff
from ..extensions import db
from ..guard import record_confirmed
from ..params import int_arg
from ..security import access, found, require, require_row
from . import decisions, policy, services
from .forms import PostForm, ReportForm, SeatForm, SpaceForm, SpaceSettingsForm, ThreadForm
from .meetings import services as meetings
from .models import Post, PostReport, Space, SpaceMember, Thread
from .protocols import services as protocols

bp = Blueprint("spaces", __name__, url_prefix="/tables")


def _space(space_id: int) -> Space:
    space = require_row(Space, space_id)
    require(policy.can_read(current_user, space))
    return space


def _thread(thread_id: int) -> Thread:
    thread = require_row(Thread, thread_id)
    require(policy.can_read(current_user, thread.space))
    return thread


def _post(post_id: int) -> Post:
    post = require_row(Post, post_id)
    require(policy.can_read(current_user, post.thread.space))
    return post


@bp.route("/")
@access("member")
def index():
    spaces = services.readable_spaces(current_user)
    return render_template(
        "spaces/index.html",
        regional=[s for s in spaces if s.kind == "region"],
        thematic=[s for s in spaces if s.kind == "theme"],
        regions_without=services.regions_without_table() if current_user.is_staff else [],
    )


@bp.route("/regions/<int:region_id>/ouvrir", methods=["POST"])
@access("staff")
def open_region(region_id: int):
    region = require_row(Region, region_id)
    try:
        space = services.open_regional_table(current_user, region)
    except services.SpaceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("spaces.index"), code=303)
    db.session.commit()
    flash(_("Table régionale ouverte : accueillez-y maintenant les organisations."), "success")
    return redirect(url_for("spaces.settings", space_id=space.id), code=303)


@bp.route("/nouvel-espace", methods=["GET", "POST"])
@access("staff")
def create():
    form = SpaceForm()
    if form.validate_on_submit():
        space = services.create_space(
            current_user,
            name=form.name.data or "",
            description=form.description.data or "",
            visibility=form.visibility.data,
            immigration_seats=form.immigration_seats.data or 0,
        )
        record_confirmed(form, user=current_user, obj=space)
        db.session.commit()
        flash(_("Espace créé."), "success")
        return redirect(url_for("spaces.settings", space_id=space.id), code=303)
    return render_template("spaces/create.html", form=form), 422 if form.errors else 200


@bp.route("/<int:space_id>")
@access("member")
def show(space_id: int):
    space = _space(space_id)
    seated = services.members(space)
    return render_template(
        "spaces/show.html",
        space=space,
        members=seated,
        seats=services.immigration_seats(space, seated),
        facilitators=services.facilitators(space),
        threads=services.recent_threads(current_user, space),
        proposals=decisions.proposals(space, open_only=True, limit=5),
        meetings=meetings.next_meetings(space),
        is_open=decisions.is_open,
        practices=services.region_practices(current_user, space),
        adopted_protocols=protocols.adopted(space),
        can_post=policy.can_post(current_user, space),
        can_manage=policy.can_manage(current_user, space),
    )


@bp.route("/<int:space_id>/discussions")
@access("member")
def threads(space_id: int):
    space = _space(space_id)
    return render_template(
        "spaces/threads.html",
        space=space,
        listed=services.thread_list(current_user, space, int_arg("page", 1)),
        can_post=policy.can_post(current_user, space),
    )


@bp.route("/<int:space_id>/discussions/nouvelle", methods=["GET", "POST"])
@access("member")
def new_thread(space_id: int):
    space = _space(space_id)
    require(policy.can_post(current_user, space))
    form = ThreadForm()
    if form.validate_on_submit():
        thread = services.start_thread(
            current_user, space, title=form.title.data or "", body=form.body.data or ""
        )
        record_confirmed(form, user=current_user, obj=thread)
        db.session.commit()
        return redirect(url_for("spaces.thread", thread_id=thread.id), code=303)
    return render_template("spaces/new_thread.html", space=space, form=form), 422 if form.errors else 200


def _render_thread(thread: Thread, form: PostForm, status: int = 200):
    page = services.thread_page(current_user, thread, int_arg("page"))
    manages = policy.can_manage(current_user, thread.space)
    if page.posts:
        services.mark_read(current_user, thread, page.posts[-1].number)
    response = render_template(
        "spaces/thread.html",
        thread=thread,
        space=thread.space,
        page=page,
        form=form,
        watch=services.watch_of(current_user, thread),
        can_post=policy.can_post(current_user, thread.space),
        can_edit=lambda post: policy.can_edit_post(current_user, post, manages=manages),
    )
    db.session.commit()
    return response, status


@bp.route("/discussions/<int:thread_id>")
@access("member")
@writes  # the visit moves the person's "read up to" mark
def thread(thread_id: int):
    item = _thread(thread_id)
    form = PostForm(formdata=None)
    quoted = int_arg("citer")
    if quoted:
        post = db.session.get(Post, quoted)
        if post is not None and post.thread_id == item.id:
            form.body.data = services.quote(post)
    return _render_thread(item, form)


@bp.route("/discussions/<int:thread_id>/repondre", methods=["POST"])
@access("member")
def reply(thread_id: int):
    item = _thread(thread_id)
    require(policy.can_post(current_user, item.space))
    form = PostForm()
    if form.validate_on_submit():
        post = services.reply(current_user, item, form.body.data or "")
        record_confirmed(form, user=current_user, obj=post)
        db.session.commit()
        page = (post.number - 1) // services.POSTS_PER_PAGE + 1
        return redirect(
            url_for("spaces.thread", thread_id=item.id, page=page, _anchor=f"m{post.number}"), code=303
        )
    return _render_thread(item, form, 422)


@bp.route("/discussions/<int:thread_id>/suivi", methods=["POST"])
@access("member")
def watch(thread_id: int):
    item = _thread(thread_id)
    try:
        services.set_watch(current_user, item, request.form.get("watch", ""))
    except services.SpaceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("spaces.thread", thread_id=item.id), code=303)
    db.session.commit()
    flash(_("Votre choix de suivi est enregistré."), "success")
    return redirect(url_for("spaces.thread", thread_id=item.id), code=303)


@bp.route("/messages/<int:post_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit_post(post_id: int):
    post = _post(post_id)
    require(policy.can_edit_post(current_user, post))
    form = PostForm(data={"body": post.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        services.edit_post(current_user, post, form.body.data or "")
        record_confirmed(form, user=current_user, obj=post)
        db.session.commit()
        flash(_("Message modifié."), "success")
        page = (post.number - 1) // services.POSTS_PER_PAGE + 1
        return redirect(
            url_for("spaces.thread", thread_id=post.thread_id, page=page, _anchor=f"m{post.number}"), code=303
        )
    return render_template("spaces/edit_post.html", post=post, form=form), 422 if form.errors else 200


def _own_post(post_id: int) -> Post:
    post = _post(post_id)
    require(policy.can_edit_post(current_user, post))
    return post


def _confirm_delete_post(post_id: int) -> Confirmation:
    post = _own_post(post_id)
    return Confirmation(
        question=_("Retirer le message ?"),
        consequence=_(
            "Le texte du message et ses versions précédentes seront effacés pour de bon. Sa place dans "
            "la discussion restera, marquée « Message retiré »."
        ),
        action=_("Retirer le message"),
        back=url_for("spaces.thread", thread_id=post.thread_id),
    )


@bp.route("/messages/<int:post_id>/retirer", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_delete_post)
def delete_post(post_id: int):
    post = _own_post(post_id)
    if FlaskForm().validate_on_submit():
        services.delete_post(current_user, post)
        db.session.commit()
        flash(_("Message retiré, avec ses versions précédentes."), "success")
    return redirect(url_for("spaces.thread", thread_id=post.thread_id), code=303)


@bp.route("/messages/<int:post_id>/historique")
@access("member")
def post_history(post_id: int):
    post = _post(post_id)
    revisions = services.revisions(post)
    # Each version with what it changed in the one before (the oldest as it was written).
    texts = [post.body, *(r.body for r in revisions)]
    changes = [
        field_diff("body", _("Message"), older, newer, markdown=True)
        for newer, older in zip(texts, texts[1:], strict=False)
    ]
    return render_template("spaces/history.html", post=post, revisions=revisions, changes=changes)


@bp.route("/messages/<int:post_id>/signaler", methods=["GET", "POST"])
@access("member")
def report(post_id: int):
    post = _post(post_id)
    form = ReportForm()
    if form.validate_on_submit():
        item = services.report(current_user, post, form.reason.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(_("Merci : les personnes qui animent l’espace vont revoir ce message."), "success")
        return redirect(url_for("spaces.thread", thread_id=post.thread_id), code=303)
    return render_template("spaces/report.html", post=post, form=form), 422 if form.errors else 200


@bp.route("/<int:space_id>/signalements", methods=["GET", "POST"])
@access("member")
def reports(space_id: int):
    space = _space(space_id)
    require(policy.can_manage(current_user, space))
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        report_id = int_arg("report_id", source=request.form)
        item = found(db.session.get(PostReport, report_id) if report_id else None)
        require(item.post.thread.space_id == space.id)
        services.resolve_report(current_user, item)
        db.session.commit()
        flash(_("Signalement traité."), "success")
        return redirect(url_for("spaces.reports", space_id=space.id), code=303)
    return render_template(
        "spaces/reports.html", space=space, reports=services.open_reports(space), form=form
    )


@bp.route("/<int:space_id>/parametres", methods=["GET", "POST"])
@access("member")
def settings(space_id: int):
    space = _space(space_id)
    require(policy.can_manage(current_user, space))
    form = SpaceSettingsForm(obj=space if request.method == "GET" else None)
    seat_form = SeatForm(formdata=None)
    seat_form.organization_id.choices = [(o.id, o.name) for o in services.organizations_to_seat(space)]
    if form.validate_on_submit():
        services.update_space(
            current_user,
            space,
            description=form.description.data or "",
            visibility=form.visibility.data,
            immigration_seats=form.immigration_seats.data or 0,
        )
        record_confirmed(form, user=current_user, obj=space)
        db.session.commit()
        flash(_("Espace mis à jour."), "success")
        return redirect(url_for("spaces.settings", space_id=space.id), code=303)
    return render_template(
        "spaces/settings.html",
        space=space,
        form=form,
        seat_form=seat_form,
        members=services.members(space),
    ), 422 if form.errors else 200


@bp.route("/<int:space_id>/membres", methods=["POST"])
@access("member")
def seat(space_id: int):
    space = _space(space_id)
    require(policy.can_manage(current_user, space))
    seat_form = SeatForm()
    seat_form.organization_id.choices = [(o.id, o.name) for o in services.organizations_to_seat(space)]
    if seat_form.validate_on_submit():
        organization = require_row(Organization, seat_form.organization_id.data)
        services.seat(current_user, space, organization)
        db.session.commit()
        flash(_("Organisation accueillie : ses personnes participent maintenant à l’espace."), "success")
    else:
        flash(_("Choisissez une organisation de la liste."), "error")
    return redirect(url_for("spaces.settings", space_id=space.id), code=303)


def _seated(space_id: int, member_id: int) -> tuple[Space, SpaceMember]:
    space = _space(space_id)
    require(policy.can_manage(current_user, space))
    member = require_row(SpaceMember, member_id)
    require(member.space_id == space.id)
    return space, member


def _confirm_unseat(space_id: int, member_id: int) -> Confirmation:
    space, member = _seated(space_id, member_id)
    return Confirmation(
        question=_("Retirer %(name)s de l’espace ?", name=member.organization.name),
        consequence=_(
            "Ses personnes ne pourront plus y écrire ni, si l’espace est réservé à ses membres, le lire ; "
            "leurs messages restent dans les discussions."
        ),
        action=_("Oui, retirer l’organisation"),
        back=url_for("spaces.settings", space_id=space.id),
    )


@bp.route("/<int:space_id>/membres/<int:member_id>/retirer", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_unseat)
def unseat(space_id: int, member_id: int):
    space, member = _seated(space_id, member_id)
    if FlaskForm().validate_on_submit():
        services.unseat(current_user, space, member)
        db.session.commit()
        flash(_("L’organisation ne siège plus à cet espace."), "success")
    return redirect(url_for("spaces.settings", space_id=space.id), code=303)
