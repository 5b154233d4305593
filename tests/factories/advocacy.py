from __future__ import annotations

import pytest

from tests.factories.themes import theme_ids

BODY = """## Constat

Les maisons de deuxième étape manquent de places : la demande dépasse l’offre[^1].

## Propositions

Un financement stable et indexé.

[^1]: Compilation des demandes refusées, 2025.
"""


@pytest.fixture
def make_position(db, make_user):
    """A position of ``author``'s organization, moved straight to ``status`` (versions included)."""
    from intranet.advocacy import services
    from intranet.advocacy.models import Kind, Status

    def make(
        author=None,
        *,
        status: str = "draft",
        title: str = "Des places de deuxième étape dans chaque région",
        demands: tuple[str, ...] = ("Financer une place par région", "Indexer le financement"),
        body: str = BODY,
        language: str = "fr",
        themes: tuple[str, ...] = ("Accès au logement",),
        staff=None,
    ):
        author = author or make_user("member")
        position = services.create_position(
            author,
            services.PositionData(
                kind=Kind.BRIEF,
                title=title,
                addressee="Ministère de l’Habitation",
                summary="Résumé du mémoire.",
                body=body,
                demands=list(demands),
                language=language,
                theme_ids=[int(i) for i in theme_ids(*themes)],
            ),
        )
        target = Status(status)
        if target == Status.DRAFT:
            return position
        services.transition(author, position, "submit")
        if target == Status.SUBMITTED:
            return position
        staff = staff or make_user("staff")
        services.transition(staff, position, "start_review")
        if target == Status.IN_REVIEW:
            return position
        if target in (Status.CHANGES_REQUESTED, Status.RESUBMITTED):
            services.transition(staff, position, "request_changes", "Précisez les chiffres.")
            if target == Status.RESUBMITTED:
                services.transition(author, position, "resubmit")
            return position
        services.transition(staff, position, "approve")
        if target == Status.APPROVED:
            return position
        services.transition(staff, position, "publish")
        if target == Status.PUBLISHED:
            return position
        services.transition(staff, position, "archive")
        return position

    return make


def position_form(**overrides) -> dict:
    data = {
        "kind": "brief",
        "language": "fr",
        "title": "Un texte de plaidoyer",
        "addressee": "Ministère de la Famille",
        "summary": "En bref.",
        "body": "## Constat\n\nUn constat partagé par les maisons.",
        "demands": "1. Première revendication\n- Deuxième revendication\n\n",
        "themes": theme_ids("Accès au logement", "Enfants exposés à la violence"),
    }
    data.update(overrides)
    return data
