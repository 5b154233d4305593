"""The guard's field types: refuse, warn and confirm exactly what was shown, record kinds only."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from intranet.guard import GuardedForm, GuardedStringField, GuardedTextAreaField, record_confirmed, scan
from intranet.guard.models import GuardConfirmation

ADDRESS = "Elle habite maintenant au 1200, boulevard Saint-Germain, Rimouski."
PHONE = "Son cell : 581-555-0133."


class ProfileForm(GuardedForm):
    town = GuardedStringField("Ville", refuse=("address",))
    notes = GuardedTextAreaField("Notes")


def _form(app, **data):
    with app.test_request_context(method="POST", data=data):
        form = ProfileForm(formdata=MultiDict(data))
        ok = form.validate()
        return form, ok


def test_address_excerpt_is_whole():
    (finding,) = scan("Rendez-vous au 245, rue des Érables, Rimouski.")
    assert finding.kind == "address"
    assert finding.excerpt == "245, rue des Érables"


def test_clean_text_passes(app):
    form, ok = _form(app, town="Rimouski", notes="Une rencontre mensuelle des intervenantes.")
    assert ok and form.guard_findings == [] and form.confirmed_kinds == []


def test_refused_kind_is_an_error_no_box_lifts(app):
    form, ok = _form(app, town=ADDRESS, notes="")
    assert not ok and form.town.errors
    assert form.confirmable_findings == []
    form2, ok2 = _form(app, town=ADDRESS, notes="", confirm_personal="anything")
    assert not ok2


def test_warning_then_confirmation_of_what_was_shown(app):
    form, ok = _form(app, town="Rimouski", notes=PHONE)
    assert not ok and form.notes.errors
    shown = form.confirm_personal.fingerprint
    assert re.fullmatch(r"[0-9a-f]{20}", shown)
    form, ok = _form(app, town="Rimouski", notes=PHONE, confirm_personal=shown)
    assert ok and form.confirmed_kinds == ["phone"]
    # A new finding typed after the box was ticked asks again.
    form, ok = _form(
        app, town="Rimouski", notes=PHONE + " Courriel : marie.t@gmail.com", confirm_personal=shown
    )
    assert not ok


def test_record_keeps_kinds_not_text(app, db, make_user):
    user = make_user("member")
    form, ok = _form(app, town="Rimouski", notes=PHONE)
    form, ok = _form(app, town="Rimouski", notes=PHONE, confirm_personal=form.confirm_personal.fingerprint)
    assert ok
    record = record_confirmed(form, user=user, obj=user)
    row = db.session.get(GuardConfirmation, record.id)
    assert (row.object_type, row.object_id, row.kinds) == ("user_account", user.id, "phone")
    assert "581" not in repr([getattr(row, c.name) for c in GuardConfirmation.__table__.columns])


@pytest.mark.parametrize("notes", ["", "Rien à signaler."])
def test_record_nothing_when_nothing_confirmed(app, make_user, notes):
    form, ok = _form(app, town="Rimouski", notes=notes)
    assert ok and record_confirmed(form, user=make_user("member"), obj=make_user("member")) is None
