from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..guard import GuardedForm, GuardedMarkdownField, GuardedStringField, GuardedTextAreaField
from ..params import db_int
from .models import SpaceVisibility

POST_HINT = _l(
    "En Markdown. Écrivez @Prénom Nom pour prévenir une personne qui lit cet espace. "
    "Parlez des situations en termes généraux : jamais d’une personne qu’on pourrait reconnaître."
)


def visibility_choices():
    return [
        (
            SpaceVisibility.NETWORK.value,
            _l("Tout le réseau peut lire ; les organisations membres participent"),
        ),
        (SpaceVisibility.MEMBERS.value, _l("Seules les organisations membres lisent et participent")),
    ]


class ThreadForm(GuardedForm):
    title = GuardedStringField(
        _l("Sujet"), validators=[DataRequired(_l("Donnez un sujet à la discussion.")), Length(max=200)]
    )
    body = GuardedMarkdownField(
        _l("Message"),
        validators=[DataRequired(_l("Écrivez votre message.")), Length(max=20000)],
        description=POST_HINT,
    )


class PostForm(GuardedForm):
    body = GuardedMarkdownField(
        _l("Votre réponse"),
        validators=[DataRequired(_l("Écrivez votre message.")), Length(max=20000)],
        description=POST_HINT,
    )


class ReportForm(GuardedForm):
    reason = GuardedTextAreaField(
        _l("Pourquoi ce message doit-il être revu ?"),
        validators=[DataRequired(_l("Dites en quelques mots ce qui pose problème.")), Length(max=2000)],
    )


class SpaceForm(GuardedForm):
    name = GuardedStringField(
        _l("Nom de l’espace"), validators=[DataRequired(_l("Nommez l’espace.")), Length(max=160)]
    )
    description = GuardedMarkdownField(
        _l("À quoi sert cet espace"), validators=[Optional(), Length(max=4000)]
    )
    visibility = RadioField(
        _l("Qui peut le lire"), choices=visibility_choices, default=SpaceVisibility.NETWORK.value
    )
    immigration_seats = IntegerField(
        _l("Sièges réservés au secteur de l’immigration"),
        default=2,
        validators=[NumberRange(min=0, max=50, message=_l("Entre 0 et 50."))],
    )


class SpaceSettingsForm(GuardedForm):
    description = GuardedMarkdownField(
        _l("À quoi sert cet espace"), validators=[Optional(), Length(max=4000)]
    )
    visibility = RadioField(_l("Qui peut le lire"), choices=visibility_choices)
    immigration_seats = IntegerField(
        _l("Sièges réservés au secteur de l’immigration"),
        validators=[NumberRange(min=0, max=50, message=_l("Entre 0 et 50."))],
    )


class SeatForm(GuardedForm):
    organization_id = SelectField(_l("Organisation à accueillir"), coerce=db_int)


def mode_choices():
    return [
        ("organization", _l("Une position par organisation, donnée par sa coordination")),
        ("person", _l("Chaque personne des organisations membres")),
    ]


def results_choices():
    return [
        ("open", _l("Visibles pendant la consultation")),
        ("closed", _l("Visibles seulement à la clôture")),
    ]


def choice_choices():
    return [
        ("agree", _l("D’accord")),
        ("abstain", _l("Abstention")),
        ("disagree", _l("Pas d’accord")),
        ("block", _l("Blocage")),
    ]


class ProposalForm(GuardedForm):
    title = GuardedStringField(
        _l("Proposition"), validators=[DataRequired(_l("Énoncez la proposition.")), Length(max=200)]
    )
    body = GuardedMarkdownField(
        _l("Contexte"), validators=[Optional(), Length(max=20000)], description=_l("En Markdown.")
    )
    closes_at = DateTimeLocalField(
        _l("Clôture"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Indiquez la date et l’heure de clôture."))],
        description=_l("Heure du réseau (Montréal)."),
    )
    mode = RadioField(_l("Qui prend position"), choices=mode_choices, default="organization")
    results = RadioField(_l("Résultats"), choices=results_choices, default="open")


class StanceForm(GuardedForm):
    choice = RadioField(
        _l("Votre position"),
        choices=choice_choices,
        validators=[InputRequired(_l("Choisissez une position."))],
    )
    reason = GuardedTextAreaField(_l("Pourquoi (facultatif)"), validators=[Optional(), Length(max=2000)])


class OutcomeForm(GuardedForm):
    outcome = GuardedMarkdownField(
        _l("Ce qui est décidé"), validators=[DataRequired(_l("Écrivez ce qui est décidé.")), Length(max=8000)]
    )
