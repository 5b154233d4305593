from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileRequired
from wtforms import DateTimeLocalField, FieldList, IntegerField, RadioField
from wtforms.fields import URLField
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from ...guard import GuardedFileField, GuardedForm, GuardedMarkdownField, GuardedStringField
from ...params import db_int
from .services import MAX_PEOPLE, MAX_SLOTS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
NO_ADDRESS = ("address", "postal_code")


def when_choices():
    return [("date", _l("Je fixe la date")), ("poll", _l("Je propose des créneaux (sondage)"))]


def format_choices():
    return [("in_person", _l("En personne")), ("online", _l("En ligne"))]


class MeetingForm(GuardedForm):
    title = GuardedStringField(
        _l("Titre"), validators=[DataRequired(_l("Donnez un titre à la rencontre.")), Length(max=200)]
    )
    agenda = GuardedMarkdownField(
        _l("Ordre du jour"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "En Markdown. Parlez des situations en termes généraux : jamais d’une personne qu’on pourrait reconnaître."  # noqa: E501
        ),
    )
    when = RadioField(_l("La date"), choices=when_choices, default="date")
    starts_at = DateTimeLocalField(
        _l("Date et heure"),
        format=DATETIME_FORMAT,
        validators=[Optional()],
        description=_l("Heure du réseau (Montréal)."),
    )
    slots = FieldList(
        DateTimeLocalField(_l("Créneau"), format=DATETIME_FORMAT, validators=[Optional()]),
        label=_l("Créneaux proposés"),
        description=_l(
            "De 2 à 8 créneaux, à l’heure du réseau (Montréal) ; laissez vides ceux qui ne servent pas."
        ),
        min_entries=MAX_SLOTS,
        max_entries=MAX_SLOTS,
    )
    duration_minutes = IntegerField(
        _l("Durée (minutes)"),
        default=120,
        validators=[
            InputRequired(_l("Indiquez la durée.")),
            NumberRange(min=15, max=600, message=_l("Entre 15 et 600 minutes.")),
        ],
    )
    format = RadioField(_l("Format"), choices=format_choices, default="in_person")
    town = GuardedStringField(
        _l("Ville (montrée aux organisations inscrites seulement)"),
        validators=[Optional(), Length(max=120)],
        refuse=NO_ADDRESS,
        description=_l("La ville seulement : jamais l’adresse d’une maison."),
    )
    online_url = URLField(
        _l("Lien de la rencontre en ligne (montré aux organisations inscrites seulement)"),
        validators=[Optional(), URL(message=_l("Ce lien n’est pas valide.")), Length(max=500)],
    )

    def chosen_slots(self) -> list:
        return [entry.data for entry in self.slots.entries if entry.data is not None]


class RegistrationForm(GuardedForm):
    people = IntegerField(
        _l("Nombre de personnes de votre organisation"),
        default=1,
        validators=[
            InputRequired(_l("Indiquez le nombre de personnes.")),
            NumberRange(min=1, max=MAX_PEOPLE, message=_l("Entre 1 et 50 personnes.")),
        ],
    )


class PickForm(GuardedForm):
    slot_id = RadioField(
        _l("Créneau retenu"), coerce=db_int, validators=[InputRequired(_l("Choisissez un créneau."))]
    )


class MinutesForm(GuardedForm):
    minutes = GuardedMarkdownField(
        _l("Compte rendu"),
        validators=[DataRequired(_l("Écrivez le compte rendu.")), Length(max=50000)],
        description=_l(
            "En Markdown. Les décisions, les suites, qui s’en charge ; jamais une personne qu’on pourrait reconnaître."  # noqa: E501
        ),
    )


class AttachmentForm(GuardedForm):
    file = GuardedFileField(_l("Pièce jointe"), validators=[FileRequired(_l("Choisissez un fichier."))])
