"""Demo: the Laval table's protocols, one adopted by two organizations, one being drafted."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ...accounts.models import Organization, Role, User
from ...database import utcnow
from ...extensions import db
from ..models import Space
from . import services as protocols

ADOPTED_V1 = """## Objet

Ce protocole dit comment l’organisme pont et les maisons de la table se réfèrent une femme qui
souhaite un hébergement, dans le respect de sa volonté et de la confidentialité.

## Engagements

1. Chaque organisation nomme une porteuse de dossier.
2. La référence se fait avec l’accord de la femme, par téléphone, entre porteuses de dossier.
"""

ADOPTED_V2 = (
    ADOPTED_V1
    + """3. La fiche de référence commune est la seule information transmise.

## Suivi

La maison informe l’organisme pont de la suite donnée, sans détail, dans les cinq jours ouvrables.
"""
)

DRAFT = """## Objet

Prévoir l’interprétariat adapté à la violence lors des rencontres de suivi, et son financement partagé.

## À préciser ensemble

- les langues les plus demandées dans la région ;
- le délai pour réserver une interprète formée aux situations de violence.
"""


def load() -> None:
    staff = db.session.scalar(sa.select(User).where(User.email == "equipe@demo.passerelle.example"))
    space = db.session.scalar(sa.select(Space).where(Space.name == "Laval"))
    if staff is None or space is None:
        return
    coordinators: dict[str, User] = {}
    for name in ("Maison L’Éclaircie", "Maison Les Deux Rives"):
        coordinator = db.session.scalar(
            sa.select(User)
            .join(Organization, Organization.id == User.organization_id)
            .where(Organization.name == name, User.role == Role.COORDINATOR)
            .order_by(User.id)
            .limit(1)
        )
        if coordinator is None:
            return
        coordinators[name] = coordinator
    adopted = protocols.create(
        staff,
        space,
        title="Protocole de référence entre l’organisme pont et les maisons de Laval",
        body=ADOPTED_V1,
    )
    protocols.update(
        staff,
        adopted,
        title=adopted.title,
        body=ADOPTED_V2,
        review_on=None,
        base_version=adopted.version_count,
    )
    protocols.open_for_signature(staff, adopted)
    for person in coordinators.values():
        protocols.sign(person, adopted)
    today = utcnow().date()
    protocols.adopt(staff, adopted, today, make_pdf=False)
    adopted.review_on = today + timedelta(days=300)
    protocols.create(
        staff,
        space,
        title="Interprétariat lors des rencontres de suivi",
        body=DRAFT,
        review_on=today + timedelta(days=400),
    )
