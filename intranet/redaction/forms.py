from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RedactForm(FlaskForm):
    # What to take out: never published, never shown to anyone (it is the text being removed).
    passage = TextAreaField(
        _l("Passage à retirer"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Copiez le passage tel qu’il figure dans le texte ci-dessous. Laissez vide pour retirer tout le texte."  # noqa: E501
        ),
    )
    confirm = BooleanField(
        _l("Je comprends que ce texte sera retiré pour de bon et ne pourra pas être rétabli."),
        validators=[DataRequired(_l("Cochez la case pour confirmer le retrait."))],
    )
