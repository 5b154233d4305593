"""Every form of the intranet, present and future: a free-text field is guarded, or says why not.

The walker imports every module of the ``intranet`` package, collects every FlaskForm subclass
(and the forms that factories build at run time), and fails on a StringField, TextAreaField or file
field (the names of attachments) that is not a guarded type and is not in ``UNGUARDED`` with its
reason. Password, email, URL, hidden and
search fields are typed values, not prose that others read.
"""

from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FileField,
    HiddenField,
    PasswordField,
    SearchField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.core import UnboundField

import intranet
from intranet.guard import GuardedForm, GuardedStringField
from intranet.guard.fields import _Guarded

NOT_PROSE = (PasswordField, EmailField, URLField, HiddenField, SearchField)

#: Free-text fields that stay unguarded, each with its reason.
UNGUARDED = {
    "intranet.accounts.forms.CodeForm.code": "a one-time sign-in code, checked and never stored or shown",
    "intranet.accounts.forms.DisableTwoFactorForm.code": (
        "a one-time sign-in code, checked and never stored or shown"
    ),
    "intranet.directory.forms.ProfileForm.lead_phone": (
        "a professional phone the organization chooses to show (format checked)"
    ),
    "intranet.directory.forms.ResourceForm.contact_phone": (
        "a resource's public professional phone (format checked)"
    ),
    "intranet.redaction.forms.RedactForm.passage": (
        "the passage to remove: it names what must go, is never stored or shown"
    ),
}


def _factories():
    """Forms built at run time (one field per kind of email, per language...)."""
    from intranet.mail.forms import settings_form_class

    return [settings_form_class()]


def all_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(intranet.__path__, "intranet."):
        if ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("intranet.") and cls not in found:
            found.append(cls)
    return found + _factories()


def unguarded_fields(forms) -> list[str]:
    """``module.Form.field`` for each free-text field that is not guarded (nor in a guarded form)."""
    problems = []
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField):
                continue
            kind = unbound.field_class
            # File fields too: the names of attachments are shown to their readers.
            free_text = issubclass(kind, StringField | TextAreaField | FileField)
            if not free_text or issubclass(kind, NOT_PROSE):
                continue
            key = f"{form.__module__}.{form.__qualname__.replace('.<locals>', '')}.{name}"
            if issubclass(kind, _Guarded):
                if not issubclass(form, GuardedForm):
                    problems.append(
                        f"{key} (a guarded field in a form that does not scan it: use GuardedForm)"
                    )
            elif key not in UNGUARDED:
                problems.append(key)
    return problems


def test_every_free_text_field_of_every_form_is_guarded():
    forms = all_forms()
    assert len(forms) >= 25, [f.__name__ for f in forms]
    assert unguarded_fields(forms) == []


def test_the_allow_list_names_fields_that_exist():
    keys = set()
    for form in all_forms():
        for name in dir(form):
            if isinstance(getattr(form, name, None), UnboundField):
                keys.add(f"{form.__module__}.{form.__qualname__}.{name}")
    assert set(UNGUARDED) <= keys


def test_the_walker_finds_a_new_unguarded_field():
    class Careless(FlaskForm):
        note = TextAreaField("Note")
        upload = FileField("Fichier")
        password = PasswordField("Mot de passe")

    class Misplaced(FlaskForm):
        body = GuardedStringField("Texte")

    class Careful(GuardedForm):
        body = GuardedStringField("Texte")

    found = unguarded_fields([Careless, Misplaced, Careful])
    assert [p.split(".")[-1].split(" ")[0] for p in found] == ["note", "upload", "body"]
    assert "use GuardedForm" in found[2]
