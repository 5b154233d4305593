"""Forms of the directory: a profile, a resource, a note, a report.

Every free text that others read is a guarded field (``intranet.guard``). The professional
contacts (an email address, a telephone number, a website) are not free text: they are checked
as what they are, and are meant to be shown (``render_kw=None`` says so to the forms' walker).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import sector_choices
from ..guard import GuardedForm, GuardedStringField, GuardedTextAreaField
from ..params import db_int
from . import vocab

# A profile places an organization by region and town only (DOMAIN rule 1): a street address is
# refused in every one of its free-text fields, whatever the person confirms.
NO_ADDRESS = ("address",)

PHONE = Regexp(
    r"^\+?[0-9][0-9 ().\-]{5,23}[0-9]( ?(poste|ext\.?|x) ?[0-9]{1,6})?$",
    message=_l("Un numéro de téléphone : chiffres, espaces, tirets, et au besoin « poste 123 »."),
)
EMAIL = Regexp(
    r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$",
    message=_l("Une adresse courriel, par exemple nom@organisme.org."),
)
WEBSITE = URL(require_tld=True, message=_l("Une adresse web complète, qui commence par https://."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _steps():
    return [(s.value, vocab.STEP_LABELS[s]) for s in vocab.Step]


def _approaches():
    return list(vocab.APPROACH_LABELS.items())


def _kinds():
    return [(k.value, vocab.KIND_LABELS[k]) for k in vocab.Kind]


def _coverages():
    return [(c.value, vocab.COVERAGE_LABELS[c]) for c in vocab.Coverage]


def _trainings():
    return [(t.value, vocab.TRAINING_LABELS[t]) for t in vocab.Training]


def _modalities():
    return list(vocab.MODALITY_LABELS.items())


class ProfileForm(GuardedForm):
    sector = SelectField(_l("Secteur"), choices=sector_choices, validators=[Optional()])
    town = GuardedStringField(
        _l("Ville"),
        validators=[DataRequired(_l("Indiquez la ville.")), Length(max=120)],
        refuse=NO_ADDRESS,
        description=_l("La ville seulement : jamais l’adresse d’une maison."),
    )
    region_ids = CheckboxesField(_l("Régions desservies"), coerce=db_int, validators=[Optional()])
    steps = CheckboxesField(
        _l("Services, par étape de la trajectoire"), choices=_steps, validators=[Optional()]
    )
    services_details = GuardedTextAreaField(
        _l("Précisions sur les services"), validators=[Optional(), Length(max=3000)], refuse=NO_ADDRESS
    )
    languages = CheckboxesField(
        _l("Langues offertes"), choices=vocab.language_choices, validators=[Optional()]
    )
    approaches = CheckboxesField(_l("Approches"), choices=_approaches, validators=[Optional()])
    description = GuardedTextAreaField(
        _l("Présentation"), validators=[Optional(), Length(max=3000)], refuse=NO_ADDRESS
    )
    accessibility = GuardedTextAreaField(
        _l("Accessibilité"),
        validators=[Optional(), Length(max=1500)],
        refuse=NO_ADDRESS,
        description=_l("Par exemple : fauteuil roulant, animaux, enfants, horaires."),
    )
    referral = GuardedTextAreaField(
        _l("Comment faire une référence"),
        validators=[Optional(), Length(max=2000)],
        refuse=NO_ADDRESS,
        description=_l("À qui s’adresser, par quel moyen, ce qu’il faut préparer."),
    )
    lead_name = GuardedStringField(
        _l("Porteuse de dossier"),
        validators=[Optional(), Length(max=120)],
        refuse=NO_ADDRESS,
        expect=("person_name", "honorific"),  # the person the organization names, by her choice
        description=_l("La personne nommée pour le travail entre les deux secteurs."),
    )
    lead_title = GuardedStringField(
        _l("Sa fonction"), validators=[Optional(), Length(max=120)], refuse=NO_ADDRESS
    )
    lead_email = EmailField(
        _l("Son courriel professionnel"),
        validators=[Optional(), Length(max=254), EMAIL],
        description=_l("Seulement ce que cette personne choisit de montrer aux membres du réseau."),
        render_kw=None,
    )
    lead_phone = StringField(
        _l("Son téléphone professionnel"), validators=[Optional(), Length(max=40), PHONE], render_kw=None
    )
    website = URLField(_l("Site web"), validators=[Optional(), Length(max=300), WEBSITE], render_kw=None)
    shareable = BooleanField(
        _l(
            "Partager les parties publiques du profil hors du réseau (export HSDS : nom, présentation, services, régions, langues)"  # noqa: E501
        )
    )


class ResourceForm(GuardedForm):
    name = GuardedStringField(
        _l("Nom de la ressource"), validators=[DataRequired(_l("Donnez un nom.")), Length(max=200)]
    )
    kind = SelectField(_l("Type"), choices=_kinds, default=vocab.Kind.INTERPRETING.value)
    provider = GuardedStringField(_l("Qui l’offre"), validators=[Optional(), Length(max=200)])
    description = GuardedTextAreaField(_l("Description"), validators=[Optional(), Length(max=3000)])
    coverage = RadioField(_l("Territoire desservi"), choices=_coverages, default=vocab.Coverage.REGIONS.value)
    region_ids = CheckboxesField(_l("Régions desservies"), coerce=db_int, validators=[Optional()])
    languages = CheckboxesField(_l("Langues"), choices=vocab.language_choices, validators=[Optional()])
    modalities = CheckboxesField(_l("Modalités"), choices=_modalities, validators=[Optional()])
    violence_training = RadioField(
        _l("Formée aux situations de violence"), choices=_trainings, default=vocab.Training.NO.value
    )
    training_by = GuardedStringField(_l("Formation donnée par"), validators=[Optional(), Length(max=200)])
    cost = GuardedStringField(_l("Coût"), validators=[Optional(), Length(max=300)])
    who_pays = GuardedStringField(_l("Qui paie"), validators=[Optional(), Length(max=200)])
    how_to_request = GuardedTextAreaField(
        _l("Comment la demander"), validators=[Optional(), Length(max=2000)]
    )
    usual_delay = GuardedStringField(_l("Délai habituel"), validators=[Optional(), Length(max=200)])
    contact_name = GuardedStringField(
        _l("Contact professionnel public : nom ou service"), validators=[Optional(), Length(max=120)]
    )
    contact_email = EmailField(
        _l("Courriel du contact"), validators=[Optional(), Length(max=254), EMAIL], render_kw=None
    )
    contact_phone = StringField(
        _l("Téléphone du contact"), validators=[Optional(), Length(max=40), PHONE], render_kw=None
    )
    website = URLField(_l("Site web"), validators=[Optional(), Length(max=300), WEBSITE], render_kw=None)
    shareable = BooleanField(_l("Peut être partagée hors du réseau (export HSDS)"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.coverage.data == vocab.Coverage.REGIONS.value and not self.region_ids.data:
            self.region_ids.errors = [
                *self.region_ids.errors,
                str(_l("Choisissez au moins une région, ou tout le Québec.")),
            ]
            valid = False
        return valid


class NoteForm(GuardedForm):
    body = GuardedTextAreaField(
        _l("Votre note"),
        validators=[DataRequired(_l("Écrivez la note.")), Length(max=2000)],
        description=_l(
            "Ce qui a marché, ce qu’il faut savoir. Jamais rien qui permette d’identifier une femme ou un enfant."  # noqa: E501
        ),
    )


class ReportForm(GuardedForm):
    reason = GuardedTextAreaField(
        _l("Qu’est-ce qui n’est plus à jour ?"),
        validators=[DataRequired(_l("Dites ce qui n’est plus à jour.")), Length(max=2000)],
    )
