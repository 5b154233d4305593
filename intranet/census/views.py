"""Census pages: thin views that parse, authorize (policy), call services, commit once, render."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.models import Region
from ..csvexport import csv_response
from ..extensions import db
from ..guard import record_confirmed
from ..network import network_zone
from ..params import int_arg
from ..security import access, found, require, require_row
from ..text import slugify
from ..urls import wants_fragment
from . import aggregates, charts, policy, report
from .forms import AnswerForm, CampaignForm, QuestionForm, ThresholdForm
from .models import RESPONSE_LABELS, Campaign, CampaignStatus, Question, ResponseStatus
from .services import CensusError, answers, campaigns

bp = Blueprint("census", __name__, url_prefix="/recensements")


def today():
    return datetime.now(network_zone()).date()


def _campaign(campaign_id: int) -> Campaign:
    campaign = require_row(Campaign, campaign_id)
    require(policy.can_see_campaign(current_user, campaign))
    return campaign


def _manage(campaign_id: int) -> Campaign:
    campaign = _campaign(campaign_id)
    require(policy.can_manage(current_user))
    return campaign


def _to(endpoint: str, **values):
    return redirect(url_for(endpoint, **values), code=303)


@bp.route("/")
@access("member")
def index():
    return render_template(
        "census/index.html",
        campaigns=campaigns.campaigns_for(current_user),
        to_answer={c.id: r for c, r in answers.open_for(current_user)},
        can_manage=policy.can_manage(current_user),
    )


# --- campaigns (staff) -------------------------------------------------------------------------


def _campaign_form(form: CampaignForm, *, creating: bool) -> None:
    form.regions.choices = [
        (r.id, r.name) for r in db.session.scalars(sa.select(Region).order_by(Region.name))
    ]
    if creating:
        form.copy_from.choices = [(0, _("Questionnaire type du réseau"))] + [
            (c.id, c.name) for c in campaigns.past_campaigns()
        ]
    else:
        del form.copy_from


def _data(form: CampaignForm) -> campaigns.CampaignData:
    """Read a validated form: its required fields have their value."""
    assert form.starts_on.data is not None  # InputRequired: a date once the form validated
    return campaigns.CampaignData(
        name=form.name.data or "",
        period=form.period.data,
        starts_on=form.starts_on.data,
        closes_on=form.closes_on.data,
        sectors=list(form.sectors.data or []),
        region_ids=list(form.regions.data or []),
        highlights_question=form.highlights_question.data or "",
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@access("staff")
def create():
    form = CampaignForm()
    _campaign_form(form, creating=True)
    if request.method == "GET" and int_arg("copie"):
        form.copy_from.data = int_arg("copie")
    if form.validate_on_submit():
        source = db.session.get(Campaign, form.copy_from.data) if form.copy_from.data else None
        try:
            campaign = campaigns.create_campaign(current_user, _data(form), copy_from=source)
        except CensusError as exc:
            db.session.rollback()
            form.starts_on.errors = [*form.starts_on.errors, str(exc.args[0])]
        else:
            record_confirmed(form, user=current_user, obj=campaign)
            db.session.commit()
            flash(_("Recensement créé. Vérifiez le questionnaire avant de l’ouvrir."), "success")
            return _to("census.show", campaign_id=campaign.id)
    return render_template("census/campaign_form.html", form=form, campaign=None), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/modifier", methods=["GET", "POST"])
@access("staff")
def edit(campaign_id: int):
    campaign = _manage(campaign_id)
    require(campaign.status != CampaignStatus.CLOSED)
    form = CampaignForm(obj=campaign)
    _campaign_form(form, creating=False)
    if request.method == "GET":
        form.regions.data = list(campaign.region_ids or [])
    if form.validate_on_submit():
        try:
            campaigns.update_campaign(current_user, campaign, _data(form))
        except CensusError as exc:
            db.session.rollback()
            form.closes_on.errors = [*form.closes_on.errors, str(exc.args[0])]
        else:
            record_confirmed(form, user=current_user, obj=campaign)
            db.session.commit()
            return _to("census.show", campaign_id=campaign.id)
    return render_template(
        "census/campaign_form.html", form=form, campaign=campaign
    ), 422 if form.errors else 200


@bp.route("/<int:campaign_id>")
@access("member")
def show(campaign_id: int):
    campaign = _campaign(campaign_id)
    if not policy.can_manage(current_user):
        if policy.can_see_results(current_user, campaign):
            return _to("census.results", campaign_id=campaign.id)
        return _to("census.answer", campaign_id=campaign.id)
    return render_template(
        "census/show.html",
        campaign=campaign,
        counts=campaigns.participation_counts(campaign) if campaign.status != CampaignStatus.DRAFT else None,
        question_form=_question_form(campaign),
        can_edit=policy.can_edit_questionnaire(current_user, campaign),
        asked=len(campaigns.asked_organizations(campaign))
        if campaign.status == CampaignStatus.DRAFT
        else None,
    )


def _question_form(campaign: Campaign, question: Question | None = None, formdata=None) -> QuestionForm:
    form = (
        QuestionForm(formdata=formdata, obj=question) if formdata is not None else QuestionForm(obj=question)
    )
    form.parent_id.choices = [(0, _("Aucune (question principale)"))] + [
        (q.id, q.label)
        for q in campaign.questions
        if q.parent_id is None and (question is None or q.id != question.id)
    ]
    if question is not None and request.method == "GET":
        form.breakdown.data = question.breakdown or ""
    return form


def _question_data(form: QuestionForm) -> campaigns.QuestionData:
    return campaigns.QuestionData(
        label=form.label.data or "",
        definition=form.definition.data or "",
        breakdown=form.breakdown.data or None,
        parent_id=form.parent_id.data,
    )


@bp.route("/<int:campaign_id>/questions", methods=["POST"])
@access("staff")
def add_question(campaign_id: int):
    campaign = _manage(campaign_id)
    require(policy.can_edit_questionnaire(current_user, campaign))
    form = _question_form(campaign, formdata=request.form)
    if form.validate():
        try:
            question = campaigns.add_question(current_user, campaign, _question_data(form))
        except CensusError as exc:
            db.session.rollback()
            form.label.errors = [*form.label.errors, str(exc.args[0])]
        else:
            record_confirmed(form, user=current_user, obj=question)
            db.session.commit()
            return _to("census.show", campaign_id=campaign.id, _anchor="questionnaire")
    return render_template(
        "census/show.html",
        campaign=campaign,
        counts=None,
        question_form=form,
        can_edit=True,
        asked=len(campaigns.asked_organizations(campaign)),
    ), 422


@bp.route("/<int:campaign_id>/questions/<int:question_id>", methods=["GET", "POST"])
@access("staff")
def edit_question(campaign_id: int, question_id: int):
    campaign = _manage(campaign_id)
    question = require_row(Question, question_id)
    require(question.campaign_id == campaign.id)
    require(policy.can_edit_questionnaire(current_user, campaign))
    form = _question_form(campaign, question, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            campaigns.update_question(current_user, question, _question_data(form))
        except CensusError as exc:
            db.session.rollback()
            form.label.errors = [*form.label.errors, str(exc.args[0])]
        else:
            record_confirmed(form, user=current_user, obj=question)
            db.session.commit()
            return _to("census.show", campaign_id=campaign.id, _anchor="questionnaire")
    return render_template("census/question_form.html", campaign=campaign, question=question, form=form), (
        422 if form.errors else 200
    )


@bp.route("/<int:campaign_id>/questions/<int:question_id>/supprimer", methods=["POST"])
@access("staff")
def delete_question(campaign_id: int, question_id: int):
    campaign = _manage(campaign_id)
    question = require_row(Question, question_id)
    require(question.campaign_id == campaign.id)
    try:
        campaigns.delete_question(current_user, question)
    except CensusError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
    else:
        db.session.commit()
    return _to("census.show", campaign_id=campaign.id, _anchor="questionnaire")


def _step(campaign_id: int, action, done: str):
    campaign = _manage(campaign_id)
    try:
        result = action(campaign)
    except CensusError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
    else:
        db.session.commit()
        flash(done if result is None else done % {"n": result}, "success")
    return _to("census.show", campaign_id=campaign.id)


@bp.route("/<int:campaign_id>/ouvrir", methods=["POST"])
@access("staff")
def open_campaign(campaign_id: int):
    return _step(
        campaign_id,
        lambda c: campaigns.open_campaign(current_user, c),
        _("Recensement ouvert : %(n)s organismes sont invités à répondre."),
    )


@bp.route("/<int:campaign_id>/fermer", methods=["POST"])
@access("staff")
def close_campaign(campaign_id: int):
    return _step(
        campaign_id,
        lambda c: campaigns.close_campaign(current_user, c),
        _("Recensement fermé : les résultats sont publiés, chiffres protégés."),
    )


@bp.route("/<int:campaign_id>/rouvrir", methods=["POST"])
@access("staff")
def reopen_campaign(campaign_id: int):
    return _step(
        campaign_id,
        lambda c: campaigns.reopen_campaign(current_user, c),
        _("Recensement rouvert aux corrections ; ses résultats sont retirés jusqu’à la fermeture."),
    )


@bp.route("/<int:campaign_id>/rappels", methods=["POST"])
@access("staff")
def remind(campaign_id: int):
    return _step(
        campaign_id,
        lambda c: campaigns.send_reminders(current_user, c, today()),
        _("Rappels envoyés : %(n)s courriels."),
    )


@bp.route("/<int:campaign_id>/participation")
@access("staff")
def participation(campaign_id: int):
    campaign = _manage(campaign_id)
    rows, pages = campaigns.participation(campaign, int_arg("page", 1))
    return render_template(
        "census/participation.html",
        campaign=campaign,
        rows=rows,
        page=min(int_arg("page", 1), pages),
        pages=pages,
        counts=campaigns.participation_counts(campaign),
        labels=RESPONSE_LABELS,
    )


@bp.route("/seuil", methods=["GET", "POST"])
@access("staff")
def threshold():
    form = ThresholdForm()
    if request.method == "GET":
        form.min_count.data = aggregates.threshold()
    if form.validate_on_submit():
        campaigns.save_threshold(current_user, form.min_count.data or 0)
        db.session.commit()
        flash(_("Seuil enregistré."), "success")
        return _to("census.index")
    return render_template("census/threshold.html", form=form), 422 if form.errors else 200


@bp.route("/<int:campaign_id>/faits-saillants", methods=["GET", "POST"])
@access("staff")
def highlights(campaign_id: int):
    campaign = _manage(campaign_id)
    require(campaign.status == CampaignStatus.CLOSED)
    items = campaigns.highlights_for_review(campaign)
    if request.method == "POST":
        chosen = {int(v) for v in request.form.getlist("publish") if v.isdigit()}
        count = campaigns.publish_highlights(current_user, campaign, chosen)
        db.session.commit()
        flash(
            _("Faits saillants publiés : %(n)s.", n=count)
            if count
            else _("Aucun fait saillant n’est publié."),
            "success",
        )
        return _to("census.results", campaign_id=campaign.id)
    return render_template("census/highlights.html", campaign=campaign, items=items)


# --- answers (coordinators, for their own organization) -----------------------------------------


@bp.route("/<int:campaign_id>/reponse", methods=["GET", "POST"])
@access("coordinator")
def answer(campaign_id: int):
    campaign = _campaign(campaign_id)
    response = found(answers.response_of(campaign, current_user.organization_id))
    require(policy.can_read_own(current_user, response))
    editable = policy.can_answer(current_user, response)
    last = answers.last_year(campaign, response.organization_id)
    form = AnswerForm(obj=response)
    form.highlights.label.text = campaign.highlights_question or form.highlights.label.text
    checked = answers.check(campaign, answers.initial_raw(response), complete=False, last_year=last)
    checked.errors = {}
    status = 200
    if request.method == "POST":
        require(editable)
        submit = request.form.get("action") == "submit" or response.status == ResponseStatus.SUBMITTED
        checked = answers.check(campaign, request.form, complete=submit, last_year=last)
        valid = form.validate_on_submit()
        if checked.ok and valid and submit and checked.warnings and not form.confirm_figures.data:
            form.confirm_figures.errors = [
                _("Des chiffres s’écartent de la dernière fois : confirmez-les ou corrigez-les.")
            ]
            valid = False
        if checked.ok and valid:
            answers.save(current_user, response, checked, form.highlights.data or "", submit=submit)
            record_confirmed(form, user=current_user, obj=response)
            db.session.commit()
            flash(
                _("Réponse transmise au réseau. Vous pouvez la corriger jusqu’à la fermeture.")
                if submit
                else _("Brouillon enregistré. Vous pouvez revenir le compléter."),
                "success",
            )
            return _to("census.answer", campaign_id=campaign.id)
        db.session.rollback()
        status = 422
    return render_template(
        "census/answer.html",
        campaign=campaign,
        response=response,
        form=form,
        checked=checked,
        last=last,
        editable=editable,
        field_name=answers.field_name,
    ), status


# --- results (everyone, once closed): suppressed aggregates only -------------------------------


def _results(campaign_id: int):
    campaign = _campaign(campaign_id)
    require(policy.can_see_results(current_user, campaign))
    return campaign, aggregates.results(campaign)


def _own(campaign: Campaign) -> dict | None:
    """The user's organization's own figures, for its coordinators only (beside the aggregates)."""
    if not current_user.is_coordinator_of(current_user.organization_id):
        return None  # what ``policy.can_read_own`` would answer, without reading the figures first
    response = answers.response_of(campaign, current_user.organization_id)
    if (
        response is None
        or response.status != ResponseStatus.SUBMITTED
        or not policy.can_read_own(current_user, response)
    ):
        return None
    return response.figures()


@bp.route("/<int:campaign_id>/resultats")
@access("member")
def results(campaign_id: int):
    campaign, computed = _results(campaign_id)
    return render_template(
        "census/results.html",
        campaign=campaign,
        results=computed,
        own=_own(campaign),
        highlights=campaigns.published_highlights(campaign),
        task=report.current_task(current_user, campaign),
        cell=charts.cell_text,
    )


@bp.route("/<int:campaign_id>/resultats/<int:question_id>")
@access("member")
def question_results(campaign_id: int, question_id: int):
    campaign, computed = _results(campaign_id)
    question = found(computed.question(question_id))
    rows = [(name, question.by_region[region_id]) for region_id, name in computed.regions]
    history = aggregates.history(campaign, question.key)
    labels = dict(require_row(Question, question.id).categories)
    return render_template(
        "census/question_results.html",
        campaign=campaign,
        results=computed,
        question=question,
        category_labels=labels,
        bars=charts.bar_chart("bars", _("%(q)s par région", q=question.label), rows),
        history=history,
        line=charts.line_chart(
            "history",
            _("%(q)s d’une période à l’autre", q=question.label),
            [
                (c.starts_on.strftime("%Y") if c.period == "year" else format_date(c.starts_on, "d MMM y"), s)
                for c, s in history
            ],
        )
        if len(history) > 1
        else None,
        own=_own(campaign),
        cell=charts.cell_text,
    )


@bp.route("/<int:campaign_id>/resultats.csv")
@access("member")
def results_csv(campaign_id: int):
    campaign, computed = _results(campaign_id)
    return csv_response(report.csv_rows(campaign, computed), f"{slugify(campaign.name) or 'recensement'}.csv")


@bp.route("/<int:campaign_id>/rapport", methods=["POST"])
@access("member")
def report_pdf(campaign_id: int):
    campaign, _found = _results(campaign_id)
    task = report.request_report(current_user, campaign)
    db.session.commit()
    if wants_fragment():
        return render_template("census/_report.html", campaign=campaign, task=task)
    return _to("census.results", campaign_id=campaign.id, _anchor="rapport")
