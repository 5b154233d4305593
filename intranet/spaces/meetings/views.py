"""Meetings of a space: parse, authorize, call, commit once, render (routes on the spaces blueprint)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ...confirm import Confirmation, confirm_first
from ...extensions import db
from ...files.services import send_stored_file
from ...guard import record_confirmed
from ...network import network_zone
from ...params import int_arg
from ...security import access, require, require_row
from .. import policy
from ..views import _space, bp
from . import feeds, services
from .forms import AttachmentForm, MeetingForm, MinutesForm, PickForm, RegistrationForm
from .models import Meeting, MeetingAttachment


def _meeting(meeting_id: int) -> Meeting:
    meeting = require_row(Meeting, meeting_id)
    require(policy.can_read(current_user, meeting.space))
    return meeting


def _zone() -> ZoneInfo:
    return network_zone()


def _local(value):
    return value.astimezone(_zone()).replace(tzinfo=None) if value else None


def _aware(value):
    return value.replace(tzinfo=_zone()) if value else None


def _listing(space_id: int, *, past: bool):
    space = _space(space_id)
    listed = (services.past if past else services.upcoming)(space, int_arg("page", 1))
    return render_template(
        "spaces/meetings/index.html",
        space=space,
        listed=listed,
        past=past,
        counts=services.registered_counts([m.id for m in listed.meetings]),
        can_run=policy.can_run_meetings(current_user, space),
    )


@bp.route("/<int:space_id>/rencontres")
@access("member")
def meetings(space_id: int):
    return _listing(space_id, past=False)


@bp.route("/<int:space_id>/rencontres/passees")
@access("member")
def past_meetings(space_id: int):
    return _listing(space_id, past=True)


def _place(form: MeetingForm) -> services.Place:
    return services.Place(form.format.data == "online", form.town.data or "", form.online_url.data or "")


@bp.route("/<int:space_id>/rencontres/nouvelle", methods=["GET", "POST"])
@access("member")
def new_meeting(space_id: int):
    space = _space(space_id)
    require(policy.can_run_meetings(current_user, space))
    form = MeetingForm()
    if form.validate_on_submit():
        poll = form.when.data == "poll"
        starts_at = None if poll else _aware(form.starts_at.data)
        try:
            if not poll and starts_at is None:
                raise services.MeetingError(
                    _("Indiquez la date et l’heure, ou proposez des créneaux."), "starts_at"
                )
            meeting = services.schedule(
                current_user,
                space,
                title=form.title.data or "",
                agenda=form.agenda.data or "",
                duration_minutes=form.duration_minutes.data or 0,
                place=_place(form),
                starts_at=starts_at,
                slots=[_aware(s) for s in form.chosen_slots()] if poll else None,
            )
        except services.MeetingError as exc:
            _field_error(form, exc)
        else:
            record_confirmed(form, user=current_user, obj=meeting)
            db.session.commit()
            flash(_("Rencontre annoncée : les organisations membres sont prévenues."), "success")
            return redirect(url_for("spaces.meeting", meeting_id=meeting.id), code=303)
    return render_template(
        "spaces/meetings/edit.html", space=space, form=form, meeting=None
    ), 422 if form.errors else 200


def _field_error(form: MeetingForm, exc: services.MeetingError) -> None:
    field = getattr(form, exc.field or "title")
    field.errors = [*field.errors, str(exc)]


@bp.route("/rencontres/<int:meeting_id>/modifier", methods=["GET", "POST"])
@access("member")
def edit_meeting(meeting_id: int):
    meeting = _meeting(meeting_id)
    require(policy.can_run_meetings(current_user, meeting.space))
    form = MeetingForm(
        data={
            "title": meeting.title,
            "agenda": meeting.agenda,
            "when": "date",
            "starts_at": _local(meeting.starts_at),
            "duration_minutes": meeting.duration_minutes,
            "format": "online" if meeting.is_online else "in_person",
            "town": meeting.town,
            "online_url": meeting.online_url,
        }
        if request.method == "GET"
        else None
    )
    form.when.data = "date"
    if form.validate_on_submit():
        try:
            services.update(
                current_user,
                meeting,
                title=form.title.data or "",
                agenda=form.agenda.data or "",
                duration_minutes=form.duration_minutes.data or 0,
                place=_place(form),
                starts_at=_aware(form.starts_at.data),
            )
        except services.MeetingError as exc:
            _field_error(form, exc)
        else:
            record_confirmed(form, user=current_user, obj=meeting)
            db.session.commit()
            flash(_("Rencontre mise à jour."), "success")
            return redirect(url_for("spaces.meeting", meeting_id=meeting.id), code=303)
    return render_template(
        "spaces/meetings/edit.html", space=meeting.space, form=form, meeting=meeting
    ), 422 if form.errors else 200


def _render(meeting: Meeting, status: int = 200, *, poll_error: str | None = None, **forms):
    space = meeting.space
    mine = services.registration_of(current_user, meeting) if current_user.organization_id else None
    registration_form = forms.get("registration_form") or RegistrationForm(formdata=None)
    if mine is not None and "registration_form" not in forms:
        registration_form.people.data = mine.people
    pick_form = forms.get("pick_form") or PickForm(formdata=None)
    proposed = services.slots(meeting) if meeting.polled else []
    pick_form.slot_id.choices = [(s.id, s.starts_at) for s in proposed]
    can_write_minutes = policy.can_write_minutes(current_user, meeting)
    return render_template(
        "spaces/meetings/show.html",
        meeting=meeting,
        space=space,
        slots=proposed,
        results=services.poll_results(meeting) if meeting.polled else None,
        answers=forms.get("answers") or services.own_answers(current_user, meeting)
        if meeting.poll_open
        else {},
        poll_error=poll_error,
        poll_form=FlaskForm(formdata=None),
        pick_form=pick_form,
        registration_form=registration_form,
        mine=mine,
        registrations=services.registrations(meeting),
        attachments=services.attachments(meeting),
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
        can_run=policy.can_run_meetings(current_user, space),
        can_answer=policy.can_answer_poll(current_user, meeting),
        can_register=policy.can_register(current_user, meeting),
        can_see_place=policy.can_see_place(current_user, meeting),
        can_write_minutes=can_write_minutes,
        is_member=policy.is_member(current_user, space),
    ), status


@bp.route("/rencontres/<int:meeting_id>")
@access("member")
def meeting(meeting_id: int):
    return _render(_meeting(meeting_id))


@bp.route("/rencontres/<int:meeting_id>/sondage", methods=["POST"])
@access("member")
def answer_poll(meeting_id: int):
    item = _meeting(meeting_id)
    require(policy.can_answer_poll(current_user, item))
    form = FlaskForm()
    answers = {slot.id: request.form.get(f"slot-{slot.id}", "") for slot in services.slots(item)}
    if form.validate_on_submit():
        try:
            services.answer_poll(current_user, item, answers)
        except services.MeetingError as exc:
            db.session.rollback()
            return _render(item, 422, poll_error=str(exc), answers={k: v for k, v in answers.items() if v})
        db.session.commit()
        flash(
            _("Vos réponses sont enregistrées ; vous pouvez les changer tant que le sondage est ouvert."),
            "success",
        )
        return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="sondage"), code=303)
    return _render(
        item, 422, poll_error=_("La page a expiré : envoyez de nouveau vos réponses."), answers=answers
    )


@bp.route("/rencontres/<int:meeting_id>/sondage/choisir", methods=["POST"])
@access("member")
def pick_slot(meeting_id: int):
    item = _meeting(meeting_id)
    require(policy.can_run_meetings(current_user, item.space))
    form = PickForm()
    # The labels are datetimes: the template writes them in the reader's way (WTForms' stubs say str).
    form.slot_id.choices = [(s.id, s.starts_at) for s in services.slots(item)]  # type: ignore[misc]
    if form.validate_on_submit():
        try:
            services.pick_slot(current_user, item, form.slot_id.data)
        except services.MeetingError as exc:
            flash(str(exc), "error")
            return redirect(url_for("spaces.meeting", meeting_id=item.id), code=303)
        db.session.commit()
        flash(_("Date retenue : les organisations membres en sont informées."), "success")
        return redirect(url_for("spaces.meeting", meeting_id=item.id), code=303)
    return _render(item, 422, pick_form=form)


@bp.route("/rencontres/<int:meeting_id>/inscription", methods=["POST"])
@access("member")
def register_meeting(meeting_id: int):
    item = _meeting(meeting_id)
    require(policy.can_register(current_user, item))
    form = RegistrationForm()
    if form.validate_on_submit():
        services.register(current_user, item, form.people.data or 0)
        db.session.commit()
        flash(_("Votre organisation est inscrite."), "success")
        return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="inscriptions"), code=303)
    return _render(item, 422, registration_form=form)


def _own_registration(meeting_id: int):
    item = _meeting(meeting_id)
    mine = services.registration_of(current_user, item) if current_user.organization_id else None
    require(mine is not None and policy.is_member(current_user, item.space))
    return item


def _confirm_unregister(meeting_id: int) -> Confirmation:
    item = _own_registration(meeting_id)
    return Confirmation(
        question=_("Annuler l’inscription de votre organisation ?"),
        consequence=_("Votre organisation ne sera plus comptée ; le lieu ne lui sera plus montré."),
        action=_("Annuler l’inscription"),
        back=url_for("spaces.meeting", meeting_id=item.id),
    )


@bp.route("/rencontres/<int:meeting_id>/inscription/annuler", methods=["GET", "POST"])
@access("member")
@confirm_first(_confirm_unregister)
def unregister_meeting(meeting_id: int):
    item = _own_registration(meeting_id)
    if FlaskForm().validate_on_submit():
        services.cancel_registration(current_user, item)
        db.session.commit()
        flash(_("Inscription annulée."), "success")
    return redirect(url_for("spaces.meeting", meeting_id=item.id), code=303)


@bp.route("/rencontres/<int:meeting_id>/compte-rendu", methods=["GET", "POST"])
@access("member")
def minutes(meeting_id: int):
    item = _meeting(meeting_id)
    require(policy.can_write_minutes(current_user, item))
    form = MinutesForm(data={"minutes": item.minutes} if request.method == "GET" else None)
    if form.validate_on_submit():
        first = services.publish_minutes(current_user, item, form.minutes.data or "")
        record_confirmed(form, user=current_user, obj=item)
        db.session.commit()
        flash(
            _("Compte rendu publié : l’espace en est informé.") if first else _("Compte rendu corrigé."),
            "success",
        )
        return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="compte-rendu"), code=303)
    return render_template("spaces/meetings/minutes.html", meeting=item, space=item.space, form=form), (
        422 if form.errors else 200
    )


@bp.route("/rencontres/<int:meeting_id>/pieces-jointes", methods=["POST"])
@access("member")
def attach_to_minutes(meeting_id: int):
    item = _meeting(meeting_id)
    require(policy.can_write_minutes(current_user, item))
    form = AttachmentForm()
    if not form.validate_on_submit():
        if form.guard_findings:
            return _render(item, 422, attachment_form=form)
        flash(" ".join(str(e) for e in form.file.errors) or _("Choisissez un fichier."), "error")
        return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="compte-rendu"), code=303)
    try:
        attachment = services.add_attachment(current_user, item, form.file.data)
        record_confirmed(form, user=current_user, obj=attachment)
    except services.MeetingError as exc:
        db.session.rollback()
        flash(str(exc.args[0]), "error")
        return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="compte-rendu"), code=303)
    db.session.commit()
    flash(_("Pièce jointe ajoutée : %(name)s", name=attachment.file.original_name), "success")
    return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="compte-rendu"), code=303)


def _attachment(meeting: Meeting, attachment_id: int) -> MeetingAttachment:
    attachment = require_row(MeetingAttachment, attachment_id)
    require(attachment.meeting_id == meeting.id)
    return attachment


@bp.route("/rencontres/<int:meeting_id>/pieces-jointes/<int:attachment_id>")
@access("member")
def meeting_attachment(meeting_id: int, attachment_id: int):
    return send_stored_file(_attachment(_meeting(meeting_id), attachment_id).file)


def _confirm_detach(meeting_id: int, attachment_id: int) -> Confirmation:
    item = _meeting(meeting_id)
    require(policy.can_write_minutes(current_user, item))
    attachment = _attachment(item, attachment_id)
    return Confirmation(
        question=_("Retirer la pièce jointe « %(name)s » ?", name=attachment.file.original_name),
        consequence=_("Le fichier sera supprimé : il faudra l’envoyer de nouveau pour le joindre."),
        action=_("Retirer la pièce jointe"),
        back=url_for("spaces.meeting", meeting_id=item.id, _anchor="compte-rendu"),
    )


@bp.route(
    "/rencontres/<int:meeting_id>/pieces-jointes/<int:attachment_id>/supprimer", methods=["GET", "POST"]
)
@access("member")
@confirm_first(_confirm_detach)
def detach_from_minutes(meeting_id: int, attachment_id: int):
    item = _meeting(meeting_id)
    require(policy.can_write_minutes(current_user, item))
    attachment = _attachment(item, attachment_id)
    if FlaskForm().validate_on_submit():
        name = attachment.file.original_name
        services.remove_attachment(current_user, attachment)
        db.session.commit()
        flash(_("Pièce jointe retirée : %(name)s", name=name), "success")
    return redirect(url_for("spaces.meeting", meeting_id=item.id, _anchor="compte-rendu"), code=303)


@bp.route("/rencontres/<int:meeting_id>/invitation.ics")
@access("member")
def meeting_invitation(meeting_id: int):
    item = _meeting(meeting_id)
    require(item.starts_at is not None and policy.can_see_place(current_user, item))
    return Response(
        feeds.invitation(item),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="rencontre-{item.id}.ics"'},
    )
