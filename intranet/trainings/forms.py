from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    URLField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..guard import GuardedForm, GuardedMarkdownField, GuardedStringField, GuardedTextAreaField
from ..params import db_int
from .models import SessionFormat

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def language_choices():
    return [("fr", _l("Français")), ("en", _l("Anglais")), ("fr-en", _l("Français et anglais"))]


class TrainingForm(GuardedForm):
    title = GuardedStringField(
        _l("Titre"), validators=[DataRequired(_l("Indiquez le titre.")), Length(max=200)]
    )
    description = GuardedMarkdownField(
        _l("Description"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "Markdown accepté. Aucune information permettant d’identifier une femme ou un enfant."
        ),
    )
    audience = GuardedStringField(_l("Public visé"), validators=[Optional(), Length(max=300)])
    # The trainer is named on purpose: a name is not a finding here (a phone number still is).
    trainer = GuardedStringField(
        _l("Formatrice ou formateur"),
        validators=[Optional(), Length(max=200)],
        expect=("person_name", "honorific"),
    )
    language = SelectField(_l("Langue"), choices=language_choices)
    themes = MultiCheckboxField(_l("Thèmes"), coerce=db_int, validate_choice=False)
    published = BooleanField(_l("Publiée (visible des membres)"))


def format_choices():
    return [(SessionFormat.IN_PERSON.value, _l("En présence")), (SessionFormat.ONLINE.value, _l("En ligne"))]


class SessionForm(GuardedForm):
    starts_at = DateTimeLocalField(
        _l("Début"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(_l("Indiquez la date et l’heure du début."))],
        description=_l("Heure du réseau (Montréal)."),
    )
    ends_at = DateTimeLocalField(
        _l("Fin"),
        format=DATETIME_FORMAT,
        validators=[InputRequired(_l("Indiquez la date et l’heure de fin."))],
    )
    format = RadioField(_l("Format"), choices=format_choices, default=SessionFormat.IN_PERSON.value)
    region_id = SelectField(_l("Région"), coerce=lambda v: db_int(v) if v not in (None, "", "None") else None)
    town = GuardedStringField(
        _l("Ville"),
        validators=[Optional(), Length(max=120)],
        description=_l("La ville seulement : jamais d’adresse de maison."),
        refuse=("address", "postal_code"),
    )
    room_details = GuardedTextAreaField(
        _l("Salle (montrée aux personnes inscrites seulement)"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Le lieu de formation et la salle. Jamais l’adresse d’une maison d’hébergement."),
    )
    online_url = URLField(
        _l("Lien de la rencontre en ligne (montré aux personnes inscrites seulement)"),
        validators=[Optional(), URL(message=_l("Ce lien n’est pas valide.")), Length(max=500)],
    )
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(_l("Indiquez le nombre de places.")),
            NumberRange(min=1, max=2000, message=_l("Entre 1 et 2000 places.")),
        ],
    )
    registration_opens_at = DateTimeLocalField(
        _l("Ouverture des inscriptions"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Vide : ouvertes dès la publication."),
    )
    registration_deadline = DateTimeLocalField(
        _l("Date limite d’inscription et d’annulation"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Vide : jusqu’au début de la séance."),
    )
    allowed_sectors = MultiCheckboxField(_l("Réservée aux secteurs"), validate_choice=True)
    allowed_roles = MultiCheckboxField(_l("Réservée aux rôles"), validate_choice=True)


class CancelSessionForm(GuardedForm):
    reason = GuardedTextAreaField(
        _l("Raison (envoyée aux personnes inscrites)"), validators=[Optional(), Length(max=500)]
    )


def rating_choices():
    return [
        (5, _l("5 — excellente")),
        (4, _l("4 — bonne")),
        (3, _l("3 — correcte")),
        (2, _l("2 — décevante")),
        (1, _l("1 — à revoir")),
    ]


class EvaluationForm(GuardedForm):
    rating = RadioField(
        _l("Votre appréciation"),
        choices=rating_choices,
        coerce=db_int,
        validators=[InputRequired(_l("Choisissez une note."))],
    )
    comment = GuardedTextAreaField(
        _l("Commentaire (facultatif, anonyme pour l’équipe)"),
        validators=[Optional(), Length(max=1000, message=_l("1000 caractères au plus."))],
    )
