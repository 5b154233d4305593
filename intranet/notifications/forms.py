from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..mail.privacy import LEVEL_LABELS, Level
from ..params import db_int
from .models import Frequency

NETWORK_DEFAULT = "network"  # the email level choice that follows the network's default

WEEKDAYS = (
    (0, _l("lundi")),
    (1, _l("mardi")),
    (2, _l("mercredi")),
    (3, _l("jeudi")),
    (4, _l("vendredi")),
    (5, _l("samedi")),
    (6, _l("dimanche")),
)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _frequency_field() -> RadioField:
    return RadioField(
        _l("Recevoir le résumé par courriel"),
        choices=[
            (Frequency.DAILY.value, _l("Chaque jour")),
            (Frequency.WEEKLY.value, _l("Chaque semaine")),
            (Frequency.NEVER.value, _l("Jamais")),
        ],
        validators=[InputRequired(_l("Choisissez une fréquence."))],
    )


def _email_level_field() -> RadioField:
    return RadioField(
        _l("Ce que les courriels peuvent dire"),
        choices=[(NETWORK_DEFAULT, _l("Le choix du réseau"))]
        + [(level.value, LEVEL_LABELS[level]) for level in (Level.FULL, Level.TITLES, Level.DISCREET)],
        # Left out of a form (an older page): the member's choice stays as it was.
        validate_choice=False,
    )


class _EmailLevelChoice(FlaskForm):
    email_level = _email_level_field()

    def validate_email_level(self, field) -> None:
        if field.data is not None and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Choisissez ce que les courriels peuvent dire."))


class WelcomeForm(_EmailLevelChoice):
    """The first visit's two questions (issue 17): how much emails say, how often the digest comes."""

    frequency = _frequency_field()


class PreferencesForm(_EmailLevelChoice):
    frequency = _frequency_field()
    weekday = SelectField(
        _l("Jour du résumé de la semaine"),
        choices=WEEKDAYS,
        coerce=db_int,
        description=_l("Le résumé part tôt le matin, heure du Québec."),
    )
    locale = SelectField(_l("Langue des courriels"), choices=[("fr", "Français"), ("en", "English")])
    all_regions = BooleanField(_l("Toutes les régions"))
    regions = MultiCheckboxField(_l("Régions"), coerce=db_int)
    themes = MultiCheckboxField(
        _l("Thèmes"), coerce=db_int, description=_l("Aucun thème coché : vous recevez tous les thèmes.")
    )

    def validate_regions(self, field) -> None:
        if not self.all_regions.data and not field.data:
            raise ValidationError(_l("Choisissez au moins une région, ou toutes les régions."))
