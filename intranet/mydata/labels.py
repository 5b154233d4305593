"""Names of the kinds of data, for the member (unknown tables show their technical name)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TABLES = {
    "user_session": _l("Sessions ouvertes"),
    "recovery_code": _l("Codes de secours (empreintes seulement)"),
    "notification": _l("Notifications"),
    "notification_preference": _l("Préférences de notification"),
    "digest_delivery": _l("Résumés envoyés par courriel"),
    "outbox_message": _l("Courriels envoyés ou en attente"),
    "task_record": _l("Tâches lancées (PDF, exports)"),
    "stored_file": _l("Fichiers déposés"),
    "practice": _l("Bonnes pratiques"),
    "practice_revision": _l("Versions de bonnes pratiques"),
    "practice_comment": _l("Commentaires sur les bonnes pratiques"),
    "practice_bookmark": _l("Bonnes pratiques gardées"),
    "practice_helpful": _l("Bonnes pratiques jugées utiles"),
    "practice_report": _l("Signalements"),
    "training": _l("Formations créées"),
    "training_registration": _l("Inscriptions aux formations"),
    "training_evaluation": _l("Évaluations de formations"),
    "training_calendar_feed": _l("Lien d’agenda personnel"),
    "advocacy_position": _l("Textes de plaidoyer"),
    "advocacy_version": _l("Versions de textes de plaidoyer"),
    "advocacy_comment": _l("Commentaires sur les textes de plaidoyer"),
    "advocacy_cosignature": _l("Cosignatures"),
    "advocacy_transition": _l("Étapes de révision"),
}


def table_label(name: str) -> str:
    return str(TABLES.get(name, name))
