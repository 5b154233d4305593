from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired


class CloseAccountForm(FlaskForm):
    password = PasswordField(
        _l("Mot de passe actuel"), validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))]
    )
    understood = BooleanField(
        _l("Je comprends que la fermeture est définitive."),
        validators=[DataRequired(_l("Cochez la case pour confirmer."))],
    )
