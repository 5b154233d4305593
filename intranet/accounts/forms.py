from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..guard import GuardedForm, GuardedStringField
from ..params import db_int
from .models import Role, Sector

# A person's or an organization's name is meant to name someone: names are not findings there,
# and nothing else that identifies (a phone number, an address...) belongs in it.
NAME_GUARD: dict[str, Any] = {"refuse": "all", "expect": ("person_name", "honorific")}


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Courriel"), validators=[DataRequired(_l("Indiquez votre courriel.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe."))]
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code de vérification"),
        validators=[DataRequired(_l("Indiquez le code.")), Length(max=20)],
        description=_l("Les 6 chiffres affichés par votre application, ou un code de secours."),
    )


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Mot de passe actuel"), validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))]
    )


class DisableTwoFactorForm(ConfirmPasswordForm):
    code = StringField(
        _l("Code de vérification"),
        validators=[DataRequired(_l("Indiquez le code.")), Length(max=20)],
    )


class ForgotForm(FlaskForm):
    email = EmailField(
        _l("Courriel"),
        validators=[
            DataRequired(_l("Indiquez votre courriel.")),
            Email(_l("Cette adresse n’est pas valide.")),
            Length(max=254),
        ],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Nouveau mot de passe"),
        validators=[
            DataRequired(_l("Choisissez un mot de passe.")),
            Length(min=12, max=256, message=_l("Entre 12 et 256 caractères.")),
        ],
        description=_l("Au moins 12 caractères. Une phrase facile à retenir convient très bien."),
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(_l("Confirmez le mot de passe.")),
            EqualTo("password", _l("Les deux mots de passe diffèrent.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Mot de passe actuel"), validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))]
    )


class ProfileForm(GuardedForm):
    name = GuardedStringField(
        _l("Nom"), validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=120)], **NAME_GUARD
    )
    locale = SelectField(_l("Langue"), choices=[("fr", "Français"), ("en", "English")])


def role_choices():
    return [
        (Role.MEMBER.value, _l("Membre (intervenante ou intervenant)")),
        (Role.COORDINATOR.value, _l("Coordination")),
        (Role.STAFF.value, _l("Équipe du réseau")),
        (Role.ADMIN.value, _l("Administration")),
    ]


def sector_choices():
    return [
        (Sector.SHELTER.value, _l("Maison d’hébergement")),
        (Sector.VIOLENCE.value, _l("Secteur violence")),
        (Sector.IMMIGRATION.value, _l("Secteur immigration (organisme pont)")),
        (Sector.OTHER.value, _l("Autre")),
    ]


class InviteForm(GuardedForm):
    name = GuardedStringField(
        _l("Nom"), validators=[DataRequired(_l("Indiquez le nom.")), Length(max=120)], **NAME_GUARD
    )
    email = EmailField(
        _l("Courriel"),
        validators=[
            DataRequired(_l("Indiquez le courriel.")),
            Email(_l("Cette adresse n’est pas valide.")),
            Length(max=254),
        ],
    )
    organization_id = SelectField(_l("Organisme"), coerce=db_int)
    role = SelectField(_l("Rôle"), choices=role_choices)
    locale = SelectField(_l("Langue des courriels"), choices=[("fr", "Français"), ("en", "English")])


class OrganizationForm(GuardedForm):
    name = GuardedStringField(
        _l("Nom de l’organisme"),
        validators=[DataRequired(_l("Indiquez le nom.")), Length(max=200)],
        **NAME_GUARD,
    )
    sector = SelectField(_l("Secteur"), choices=sector_choices)
    region_id = SelectField(_l("Région"), coerce=db_int)
    town = GuardedStringField(
        _l("Ville"),
        validators=[DataRequired(_l("Indiquez la ville.")), Length(max=120)],
        description=_l("La ville seulement : jamais d’adresse de maison."),
        refuse="all",
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=role_choices)
