"""The protocol's form (its text is guarded: others read it)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField
from wtforms.validators import DataRequired, Length, Optional

from ...guard import GuardedForm, GuardedMarkdownField, GuardedStringField

PROTOCOL_HINT = _l(
    "En Markdown (## pour un intertitre). Dites qui fait quoi, quand on se réfère, ce qui est transmis et "
    "ce qui ne l’est pas : jamais une situation qu’on pourrait reconnaître."
)


class ProtocolForm(GuardedForm):
    title = GuardedStringField(
        _l("Titre du protocole"),
        validators=[DataRequired(_l("Donnez un titre au protocole.")), Length(max=200)],
    )
    body = GuardedMarkdownField(
        _l("Texte"), validators=[Optional(), Length(max=60000)], description=PROTOCOL_HINT
    )
    review_on = DateField(
        _l("À revoir avant le (facultatif)"),
        validators=[Optional()],
        description=_l("Sans date, un an après l’adoption. L’espace reçoit un rappel un mois avant."),
    )
    # The version the form started from (read with params.bounded_int: a conflict, not an error).
    base_version = HiddenField()
