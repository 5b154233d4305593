"""What each audit action means, in words an administrator reads (unknown actions show their code).

The audit package registers the actions of the accounts and security below; features register
theirs, and the values of their details, in ``intranet.vocabulary`` (``audit.action``,
``audit.value.<key>``). ``details`` turns an event's details into labelled, translated values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..i18n import number
from ..vocabulary import known, word

LABELS = {
    "login.succeeded": _l("Connexion réussie"),
    "login.failed": _l("Échec de connexion"),
    "login.locked": _l("Connexion suspendue après plusieurs échecs"),
    "sessions.ended": _l("Autres sessions fermées"),
    "password.changed": _l("Mot de passe changé"),
    "password.reset": _l("Mot de passe réinitialisé par courriel"),
    "password.set": _l("Mot de passe choisi (invitation)"),
    "2fa.enabled": _l("Double authentification activée"),
    "2fa.disabled": _l("Double authentification désactivée"),
    "2fa.reset": _l("Double authentification réinitialisée par l’administration"),
    "2fa.recovery_codes_renewed": _l("Nouveaux codes de secours"),
    "role.changed": _l("Rôle changé"),
    "account.disabled": _l("Compte désactivé"),
    "account.enabled": _l("Compte réactivé"),
    "account.closed": _l("Compte fermé à la demande de la personne"),
    "organization.created": _l("Organisme ajouté"),
    "invitation.sent": _l("Invitation envoyée"),
    "invitation.resent": _l("Invitation renvoyée"),
    "invitation.accepted": _l("Invitation acceptée"),
    "directory.exported": _l("Répertoire des organismes exporté"),
    "participants.exported": _l("Liste des personnes inscrites exportée"),
    "mydata.downloaded": _l("Données personnelles téléchargées"),
    "practice.published": _l("Bonne pratique publiée"),
    "practice.unpublished": _l("Bonne pratique retirée"),
    "training.published": _l("Formation publiée"),
    "training.unpublished": _l("Formation retirée"),
    "advocacy.published": _l("Texte de plaidoyer publié"),
    "advocacy.unpublished": _l("Texte de plaidoyer retiré"),
    "audit.purged": _l("Journal : anciens événements effacés"),
    "content.redacted": _l("Texte retiré pour de bon"),
    "mail.settings_changed": _l("Réglages des courriels modifiés"),
    "network.settings_changed": _l("Réglages du réseau modifiés"),
}

# Filter groups: a trailing dot selects every action of the family.
GROUPS = {
    "login.": _l("Connexions"),
    "2fa.": _l("Double authentification"),
    "password.": _l("Mots de passe"),
    "invitation.": _l("Invitations"),
    "account.": _l("Comptes"),
}


# Detail keys, as a column heading would say them.
DETAILS = {
    "method": _l("Méthode"),
    "reason": _l("Raison"),
    "step": _l("Étape"),
    "role": _l("Rôle"),
    "before": _l("Avant"),
    "after": _l("Après"),
    "sector": _l("Secteur"),
    "scope": _l("Portée"),
    "rows": _l("Lignes"),
    "copies": _l("Copies"),
    "files": _l("Fichiers"),
    "count": _l("Nombre"),
    "seconds": _l("Secondes"),
    "task_id": _l("Tâche"),
    "organization_id": _l("Organisme"),
    "to": _l("Nouvel état"),
    "format": _l("Format"),
}

VALUES = {
    "scope": {"passage": _l("un passage"), "whole": _l("le texte entier")},
    "format": {"csv": _l("tableur (CSV)"), "pdf": "PDF", "json": "JSON"},
}


def label(action: str) -> str:
    return word("audit.action", action)


def details(event_details: dict, org_names: dict) -> list[tuple[str, str]]:
    """(label, value) pairs in the reader's language: codes become words, numbers are written
    the reader's way, an organization id becomes its name."""
    shown = []
    for key, value in sorted((event_details or {}).items()):
        if key.endswith("organization_id") and isinstance(value, int):
            text = org_names.get(value, str(value))
        elif isinstance(value, bool):
            text = str(_l("oui") if value else _l("non"))
        elif isinstance(value, int | float):
            text = number(value, 1)
        elif value is None:
            text = "—"
        else:
            text = word(f"audit.value.{key}", value)
        shown.append((word("audit.detail", key), text))
    return shown


def is_labelled(action: str) -> bool:
    return known("audit.action", action)
