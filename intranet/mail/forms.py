"""The administrator's email privacy settings: default level, caps, neutral envelopes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.validators import Length, Optional, ValidationError

from ..guard import GuardedForm, GuardedStringField
from . import privacy
from .privacy import CONTENT_KINDS, LEVEL_LABELS, LOCALES, Level

LEVEL_CHOICES = [(level.value, LEVEL_LABELS[level]) for level in (Level.FULL, Level.TITLES, Level.DISCREET)]
LANGUAGE_NAMES = {"fr": "français", "en": "English"}


def neutral(form, field) -> None:
    """An envelope text says nothing of the network's cause, and has no placeholder but {n}."""
    text = field.data or ""
    if any(ord(c) < 32 for c in text):
        raise ValidationError(_l("Une seule ligne, sans caractère de contrôle."))
    words = privacy.revealing_words(text)
    if words:
        raise ValidationError(
            _l(
                "« %(word)s » en dit trop : qui voit la boîte de courriel ne doit rien apprendre de la cause du réseau.",  # noqa: E501
                word=words[0],
            )
        )
    bad = privacy.bad_placeholders(text)
    if bad:
        raise ValidationError(
            _l("Seul {n} (le nombre de nouveautés) peut être remplacé : retirez %(bad)s.", bad=bad[0])
        )


class MailSettingsForm(GuardedForm):
    default_level = RadioField(_l("Niveau par défaut des membres"), choices=LEVEL_CHOICES)


def settings_form_class() -> type[MailSettingsForm]:
    """The form with one cap per kind of content and one text per envelope and language."""

    class Form(MailSettingsForm):
        pass

    for key, label in CONTENT_KINDS.items():
        setattr(Form, f"cap_{key}", SelectField(label, choices=LEVEL_CHOICES))
    for locale in LOCALES:
        setattr(
            Form,
            f"sender_{locale}",
            GuardedStringField(
                _l("Nom de l’expéditeur (%(language)s)", language=LANGUAGE_NAMES[locale]),
                validators=[Optional(), Length(max=80), neutral],
                # A sender is named on purpose ("Bureau Lumière"): names are expected, nothing else.
                refuse="all",
                expect=("person_name", "honorific"),
            ),
        )
    for key, kind in privacy.email_kinds().items():
        for locale in LOCALES:
            setattr(
                Form,
                f"subject_{key}_{locale}",
                GuardedStringField(
                    _l("%(kind)s (%(language)s)", kind=kind.label, language=LANGUAGE_NAMES[locale]),
                    validators=[Optional(), Length(max=150), neutral],
                    refuse="all",
                ),
            )
    return Form
