from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..guard import (
    GuardedFileField,
    GuardedForm,
    GuardedMarkdownField,
    GuardedStringField,
    GuardedTextAreaField,
)
from ..params import db_int
from ..themes.services import choices as theme_choices
from .models import KIND_LABELS, LANGUAGES


class PositionForm(GuardedForm):
    kind = SelectField(_l("Type de texte"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    language = SelectField(
        _l("Langue du texte"),
        choices=list(LANGUAGES.items()),
        description=_l("Le dossier PDF est composé dans cette langue."),
    )
    title = GuardedStringField(
        _l("Titre"), validators=[DataRequired(_l("Donnez un titre au texte.")), Length(max=200)]
    )
    addressee = GuardedStringField(
        _l("Destinataire"),
        validators=[Length(max=200)],
        description=_l("Par exemple : ministère de la Famille, Commission parlementaire…"),
        # A minister or an official is named on purpose: their name is not a finding here.
        expect=("person_name", "honorific"),
    )
    summary = GuardedMarkdownField(
        _l("Résumé"),
        render="advocacy_markdown",
        validators=[Length(max=2000)],
        description=_l("Deux ou trois phrases qui disent l’essentiel."),
    )
    body = GuardedMarkdownField(
        _l("Texte"),
        render="advocacy_markdown",
        validators=[DataRequired(_l("Le texte est vide.")), Length(max=200_000)],
        description=_l(
            "Markdown : ## pour un intertitre, **gras**, [^1] pour une note et [^1]: pour son texte."
        ),
    )
    demands = GuardedTextAreaField(
        _l("Revendications"),
        validators=[Length(max=30_000)],
        description=_l("Une revendication par ligne ; elles seront numérotées."),
    )
    themes = SelectMultipleField(
        _l("Thèmes"),
        coerce=db_int,
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    revision = HiddenField()

    def __init__(self, *args, themes_kept=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The network's themes; a retired one stays offered to a text that already carries it.
        self.themes.choices = theme_choices(kept=themes_kept)


class NoteForm(GuardedForm):
    note = GuardedTextAreaField(_l("Note (facultative)"), validators=[Length(max=4000)])


class CommentForm(GuardedForm):
    body = GuardedMarkdownField(
        _l("Commentaire"),
        render="advocacy_markdown",
        validators=[DataRequired(_l("Le commentaire est vide.")), Length(max=8000)],
    )


class CosignOpenForm(FlaskForm):
    closes_on = DateField(
        _l("Date de clôture"), validators=[DataRequired(_l("Indiquez une date de clôture valide."))]
    )


class AttachmentForm(GuardedForm):
    file = GuardedFileField(_l("Pièce jointe"), validators=[FileRequired(_l("Choisissez un fichier."))])
