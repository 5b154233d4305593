from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import sector_choices
from ..guard import GuardedForm, GuardedStringField, GuardedTextAreaField
from ..params import db_int
from .models import BREAKDOWN_LABELS, PERIOD_LABELS
from .services.campaigns import K_RANGE


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    return db_int(value) if value not in (None, "", "None", "0", 0) else None


class CampaignForm(GuardedForm):
    name = GuardedStringField(
        _l("Nom du recensement"),
        validators=[DataRequired(_l("Donnez un nom au recensement.")), Length(max=200)],
        description=_l("Par exemple : Recensement annuel 2026."),
    )
    period = SelectField(
        _l("Période comptée"), choices=[(p.value, label) for p, label in PERIOD_LABELS.items()]
    )
    starts_on = DateField(
        _l("Premier jour de la période"),
        validators=[InputRequired(_l("Indiquez le premier jour de la période."))],
    )
    closes_on = DateField(
        _l("Date limite de réponse"), validators=[Optional()], description=_l("Annoncée aux coordinations.")
    )
    sectors = MultiCheckboxField(_l("Secteurs interrogés"), choices=sector_choices, validate_choice=True)
    regions = MultiCheckboxField(_l("Régions interrogées"), coerce=db_int, validate_choice=False)
    highlights_question = GuardedStringField(
        _l("Question de faits saillants (texte libre)"),
        validators=[Optional(), Length(max=500)],
        refuse=("address",),
        description=_l(
            "Par exemple : Qu’est-ce qui a marqué votre année ? Les réponses ne sont publiées que si l’équipe les retient."  # noqa: E501
        ),
    )
    copy_from = SelectField(_l("Reprendre le questionnaire de"), coerce=_optional_int, validate_choice=False)


class QuestionForm(GuardedForm):
    label = GuardedStringField(
        _l("Ce qui est compté"),
        refuse=("address",),
        validators=[DataRequired(_l("Dites ce qui est compté.")), Length(max=200)],
        description=_l("Un nombre pour l’organisme, jamais une information sur une personne."),
    )
    definition = GuardedTextAreaField(
        _l("Définition"),
        refuse=("address",),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Ce qui entre dans le compte et ce qui n’y entre pas, pour que chaque organisme compte de la même façon."  # noqa: E501
        ),
    )
    breakdown = SelectField(
        _l("Ventilation"),
        choices=lambda: [("", _l("Aucune"))] + [(b.value, label) for b, label in BREAKDOWN_LABELS.items()],
    )
    parent_id = SelectField(
        _l("Partie de"),
        coerce=_optional_int,
        validate_choice=False,
        description=_l("Les parties d’une question s’additionnent pour faire son total."),
    )


class AnswerForm(GuardedForm):
    """The figures themselves are fields named after the questionnaire (read by the view); the
    highlights are free text others may read once published: guarded, a street address refused."""

    highlights = GuardedTextAreaField(
        _l("Faits saillants"), validators=[Optional(), Length(max=3000)], refuse=("address", "postal_code")
    )
    confirm_figures = BooleanField(_l("J’ai vérifié les chiffres signalés : ils sont justes."))


class ThresholdForm(FlaskForm):
    min_count = IntegerField(
        _l("Plus petit chiffre publié (k)"),
        validators=[
            InputRequired(_l("Indiquez un nombre.")),
            NumberRange(min=K_RANGE[0], max=K_RANGE[1], message=_l("Un nombre entier de 3 à 100.")),
        ],
        description=_l("Un chiffre plus petit (autre que zéro) s’affiche « < k » ; 5 par défaut."),
    )
