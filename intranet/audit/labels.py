"""What each audit action means, in words an administrator reads (unknown actions show their code)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
    "participants.exported": _l("Liste de participantes exportée"),
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


def label(action: str) -> str:
    return str(LABELS.get(action, action))
