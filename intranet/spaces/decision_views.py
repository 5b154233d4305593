"""Decisions of a space: parse, authorize, call, commit once, render (routes on the spaces blueprint)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..guard import record_confirmed
from ..network import network_zone
from ..params import int_arg
from ..security import access, require, require_row
from . import decisions, policy
from .forms import OutcomeForm, ProposalForm, StanceForm
from .models import Proposal
from .views import _space, bp


def _proposal(proposal_id: int) -> Proposal:
    proposal = require_row(Proposal, proposal_id)
    require(policy.can_read(current_user, proposal.space))
    return proposal


@bp.route("/<int:space_id>/decisions")
@access("member")
def proposals(space_id: int):
    space = _space(space_id)
    return render_template(
        "spaces/proposals.html",
        space=space,
        listed=decisions.proposals_page(space, int_arg("page", 1)),
        is_open=decisions.is_open,
        can_propose=decisions.can_propose(current_user, space),
    )


@bp.route("/<int:space_id>/decisions/nouvelle", methods=["GET", "POST"])
@access("member")
def new_proposal(space_id: int):
    space = _space(space_id)
    require(decisions.can_propose(current_user, space))
    form = ProposalForm()
    if form.validate_on_submit():
        zone = network_zone()
        closes_at = form.closes_at.data
        assert closes_at is not None  # InputRequired
        try:
            proposal = decisions.propose(
                current_user,
                space,
                title=form.title.data or "",
                body=form.body.data or "",
                closes_at=closes_at.replace(tzinfo=zone),
                mode=form.mode.data,
                results_open=form.results.data == "open",
            )
        except decisions.DecisionError as exc:
            form.closes_at.errors = [*form.closes_at.errors, str(exc)]
        else:
            record_confirmed(form, user=current_user, obj=proposal)
            db.session.commit()
            flash(_("Proposition ouverte : les organisations membres sont prévenues."), "success")
            return redirect(url_for("spaces.proposal", proposal_id=proposal.id), code=303)
    return render_template("spaces/new_proposal.html", space=space, form=form), 422 if form.errors else 200


def _render(proposal: Proposal, stance_form: StanceForm, outcome_form: OutcomeForm, status: int = 200):
    mine = decisions.own_stance(current_user, proposal)
    if mine is not None and not stance_form.is_submitted():
        stance_form.choice.data = mine.choice.value
        stance_form.reason.data = mine.reason
    return render_template(
        "spaces/proposal.html",
        proposal=proposal,
        space=proposal.space,
        is_open=decisions.is_open(proposal),
        mine=mine,
        results=decisions.results(proposal, int_arg("page", 1))
        if decisions.results_visible(current_user, proposal)
        else None,
        can_take_position=decisions.can_take_position(current_user, proposal),
        can_close=decisions.can_close(current_user, proposal) and proposal.outcome_at is None,
        stance_form=stance_form,
        outcome_form=outcome_form,
    ), status


@bp.route("/decisions/<int:proposal_id>")
@access("member")
def proposal(proposal_id: int):
    item = _proposal(proposal_id)
    return _render(item, StanceForm(formdata=None), OutcomeForm(formdata=None))


@bp.route("/decisions/<int:proposal_id>/position", methods=["POST"])
@access("member")
def take_position(proposal_id: int):
    item = _proposal(proposal_id)
    require(decisions.can_take_position(current_user, item))
    form = StanceForm()
    if form.validate_on_submit():
        stance = decisions.take_position(current_user, item, form.choice.data, form.reason.data or "")
        record_confirmed(form, user=current_user, obj=stance)
        db.session.commit()
        flash(_("Votre position est enregistrée ; vous pouvez la changer jusqu’à la clôture."), "success")
        return redirect(url_for("spaces.proposal", proposal_id=item.id), code=303)
    return _render(item, form, OutcomeForm(formdata=None), 422)


@bp.route("/decisions/<int:proposal_id>/conclure", methods=["POST"])
@access("member")
def close_proposal(proposal_id: int):
    item = _proposal(proposal_id)
    require(decisions.can_close(current_user, item))
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            decisions.close(current_user, item, form.outcome.data or "")
        except decisions.DecisionError as exc:
            flash(str(exc), "error")
            return redirect(url_for("spaces.proposal", proposal_id=item.id), code=303)
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(_("Décision conclue : les organisations membres en sont informées."), "success")
        return redirect(url_for("spaces.proposal", proposal_id=item.id), code=303)
    return _render(item, StanceForm(formdata=None), form, 422)
