from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired, Length

from ..guard import GuardedForm, GuardedStringField


class ThemeForm(GuardedForm):
    name_fr = GuardedStringField(
        _l("Nom en français"), validators=[DataRequired(_l("Indiquez le nom du thème.")), Length(max=120)]
    )
    name_en = GuardedStringField(
        _l("Nom en anglais"), validators=[DataRequired(_l("Indiquez le nom anglais.")), Length(max=120)]
    )
