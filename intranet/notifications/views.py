from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from ..extensions import db
from ..mail import privacy
from ..mail.privacy import Level
from ..params import int_arg
from ..security import access, require, require_row
from ..urls import safe_next, wants_fragment
from . import digests, email_preview, services
from .forms import NETWORK_DEFAULT, PreferencesForm
from .interests import region_choices, theme_choices
from .models import Frequency, Notification
from .policy import can_edit_preferences, can_see_notification
from .tokens import read_unsubscribe_token

bp = Blueprint("notifications", __name__)

CHANGED = "notifications-changed"  # the header's counter listens for this event


def link_for(endpoint: str, values: dict | None = None) -> str | None:
    """The page of a notification's object, or None when that page no longer exists."""
    try:
        return url_for(endpoint, **(values or {}))
    except BuildError:
        return None


def _own(notification_id: int) -> Notification:
    notification = require_row(Notification, notification_id)
    require(can_see_notification(current_user, notification))
    return notification


@bp.route("/notifications")
@access("member")
def index():
    page = services.list_for(current_user, int_arg("page", 1))
    if wants_fragment():
        return render_template("notifications/_list.html", page=page)
    return render_template("notifications/index.html", page=page)


@bp.route("/notifications/compteur")
@access("member")
def bell():
    return render_template("notifications/_bell_link.html")


@bp.route("/notifications/<int:notification_id>/lu", methods=["POST"])
@access("member")
def mark_read(notification_id: int):
    notification = _own(notification_id)
    services.mark_read(current_user, notification)
    db.session.commit()
    if wants_fragment():
        response = current_app.make_response(render_template("notifications/_item.html", n=notification))
        response.headers["HX-Trigger"] = CHANGED
        return response
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")), code=303)


@bp.route("/notifications/<int:notification_id>/ouvrir", methods=["POST"])
@access("member")
def open_notification(notification_id: int):
    """Mark read and go to the object's page (a form, so reading is a POST like every change)."""
    notification = _own(notification_id)
    services.mark_read(current_user, notification)
    db.session.commit()
    target = link_for(notification.endpoint, notification.values) or url_for("notifications.index")
    return redirect(target, code=303)


@bp.route("/notifications/tout-lu", methods=["POST"])
@access("member")
def mark_all_read():
    count = services.mark_all_read(current_user)
    db.session.commit()
    if wants_fragment():
        page = services.list_for(current_user, 1)
        response = current_app.make_response(render_template("notifications/_list.html", page=page))
        response.headers["HX-Trigger"] = CHANGED
        return response
    if count:
        flash(_("Toutes vos notifications sont marquées comme lues."), "success")
    return redirect(url_for("notifications.index"), code=303)


def _fill_choices(form: PreferencesForm) -> None:
    form.regions.choices = region_choices()
    form.themes.choices = theme_choices()


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@access("member")
def preferences():
    require(can_edit_preferences(current_user))
    pref = services.effective_preferences(current_user)
    form = PreferencesForm()
    _fill_choices(form)
    if request.method == "GET":
        form.frequency.data = pref.frequency.value
        form.weekday.data = pref.weekday
        form.locale.data = services.email_locale(current_user, pref)
        form.email_level.data = pref.email_level or NETWORK_DEFAULT
        form.all_regions.data = pref.all_regions
        form.regions.data = list(pref.region_ids or [])
        form.themes.data = list(pref.theme_ids or [])
    elif form.validate_on_submit():
        chosen = form.email_level.data
        services.update_preferences(
            current_user,
            frequency=Frequency(form.frequency.data),
            weekday=form.weekday.data,
            locale=form.locale.data,
            all_regions=form.all_regions.data,
            region_ids=form.regions.data or [],
            theme_ids=form.themes.data or [],
            email_level=pref.email_level if chosen is None else None if chosen == NETWORK_DEFAULT else chosen,
        )
        db.session.commit()
        flash(_("Vos préférences sont enregistrées."), "success")
        return redirect(url_for("notifications.preferences"), code=303)
    status = 422 if request.method == "POST" else 200
    asked, level = shown_level(form, pref)
    return (
        render_template(
            "notifications/preferences.html",
            form=form,
            pref=pref,
            preview=email_preview.build(current_user, level),
            asked=asked,
            **level_context(),
        ),
        status,
    )


def shown_level(form, pref) -> tuple[str, Level]:
    """The level whose preview a form shows: the one just chosen (sent back with 422), else asked."""
    if request.method == "POST" and form.email_level.data in {NETWORK_DEFAULT, *Level}:
        asked = form.email_level.data
        return asked, privacy.settings().default_level if asked == NETWORK_DEFAULT else Level(asked)
    return _asked_level(pref)


def _asked_level(pref) -> tuple[str, Level]:
    """The level a preview is asked for (``?email_level=``), else the member's own."""
    asked = request.args.get("email_level")
    if asked == NETWORK_DEFAULT:
        return asked, privacy.settings().default_level
    level = Level.parse(asked)
    if level is None:
        return (
            pref.email_level if pref is not None and pref.email_level else NETWORK_DEFAULT
        ), privacy.member_level(pref)
    return level.value, level


@bp.route("/notifications/apercu")
@access("member")
def preview():
    """The member's next digest as the email would show it at a level: nothing is recorded."""
    asked, level = _asked_level(services.preferences_of(current_user))
    shown = email_preview.build(current_user, level)
    if wants_fragment():
        return render_template(
            "notifications/_email_preview.html", preview=shown, asked=asked, **level_context()
        )
    return render_template("notifications/preview.html", preview=shown, asked=asked, **level_context())


def level_context() -> dict:
    policy = privacy.settings()
    return {
        "levels": [Level.FULL, Level.TITLES, Level.DISCREET],
        "level_labels": privacy.LEVEL_LABELS,
        "level_hints": privacy.LEVEL_HINTS,
        "network_level": policy.default_level,
        "caps": [
            (label, policy.cap(key))
            for key, label in privacy.CONTENT_KINDS.items()
            if policy.cap(key) != Level.FULL
        ],
    }


@bp.route("/notifications/envois")
@access("admin")
def deliveries():
    """What the digest runs recorded and delivered, period by period, and who is still waiting."""
    return render_template("notifications/deliveries.html", reports=digests.ledger_report())


@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
@access("public")
def unsubscribe(token: str):
    """RFC 8058 one-click unsubscribe: no sign-in, the signed token is the authority.

    GET only shows a button (link scanners fetch links); POST unsubscribes, from that button or
    from the mail client's one-click request (exempt from CSRF: it carries no session).
    """
    user = read_unsubscribe_token(token)
    if user is None:
        abort(404)
    if request.method == "POST":
        services.unsubscribe(user)
        db.session.commit()
        if request.form.get("List-Unsubscribe") == "One-Click":
            return render_template("notifications/unsubscribe.html", token=token, done=True)
        return redirect(url_for("notifications.unsubscribe", token=token), code=303)
    pref = services.preferences_of(user)
    done = pref is not None and pref.frequency == Frequency.NEVER
    return render_template("notifications/unsubscribe.html", token=token, done=done)
