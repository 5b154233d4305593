from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import sector_choices
from ..guard import (
    GuardedForm,
    GuardedMarkdownField,
    GuardedMultipleFileField,
    GuardedStringField,
    GuardedTextAreaField,
)
from ..params import db_int
from .models import Approach, Visibility


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def approach_choices():
    return [
        (Approach.FEMINIST.value, _l("Féministe")),
        (Approach.INTERCULTURAL.value, _l("Interculturelle")),
        (Approach.INTERSECTIONAL.value, _l("Intersectionnelle")),
    ]


def visibility_choices():
    return [
        (Visibility.NETWORK.value, _l("Tout le réseau")),
        (Visibility.ORGANIZATION.value, _l("Mon organisme seulement")),
    ]


class PracticeForm(GuardedForm):
    title = GuardedStringField(
        _l("Titre"),
        validators=[DataRequired(_l("Donnez un titre à la pratique.")), Length(max=200)],
    )
    summary = GuardedTextAreaField(
        _l("Résumé"),
        validators=[DataRequired(_l("Résumez la pratique en quelques phrases.")), Length(max=600)],
        description=_l("Deux ou trois phrases, affichées dans les listes (600 caractères au plus)."),
    )
    body = GuardedMarkdownField(
        _l("Description"),
        validators=[Optional(), Length(max=60000)],
        description=_l(
            "En Markdown : ## titre, - liste, **gras**, [lien](https://…), tableaux. "
            "Aucune information permettant d’identifier une femme, un enfant ou l’adresse d’une maison."
        ),
    )
    themes = CheckboxesField(_l("Thèmes"), coerce=db_int, validators=[Optional()])
    approaches = CheckboxesField(_l("Approches"), choices=approach_choices, validators=[Optional()])
    sectors = CheckboxesField(_l("Secteurs concernés"), choices=sector_choices, validators=[Optional()])
    region_id = SelectField(_l("Région"), coerce=db_int, validators=[Optional()])
    audience = GuardedStringField(
        _l("Public visé"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Par exemple : intervenantes et intervenants jeunesse, équipes d’accueil, interprètes."
        ),
    )
    visibility = RadioField(
        _l("Qui peut la lire"), choices=visibility_choices, default=Visibility.NETWORK.value
    )
    attachments = GuardedMultipleFileField(
        _l("Ajouter des pièces jointes"),
        description=_l("PDF, documents Office ou OpenDocument, images ; 10 Mo au plus par fichier."),
    )
    remove_attachments = CheckboxesField(
        _l("Retirer ces pièces jointes"), coerce=db_int, validators=[Optional()]
    )
    version = HiddenField()


class CommentForm(GuardedForm):
    body = GuardedMarkdownField(
        _l("Votre commentaire"),
        validators=[DataRequired(_l("Écrivez votre commentaire.")), Length(max=5000)],
    )


class ReportForm(GuardedForm):
    reason = GuardedTextAreaField(
        _l("Pourquoi le signaler ?"),
        validators=[DataRequired(_l("Dites en quelques mots ce qui pose problème.")), Length(max=2000)],
    )


class WithdrawForm(GuardedForm):
    reason = GuardedTextAreaField(
        _l("Raison du retrait (la personne qui l’a écrite la verra)"),
        validators=[DataRequired(_l("Indiquez la raison du retrait.")), Length(max=2000)],
    )
