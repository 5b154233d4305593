"""Demo: two regional tables and a thematic space, with fictional organizations and discussions."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Organization, Region, User
from ..database import utcnow
from ..extensions import db
from . import decisions, services
from .meetings import demo as meetings_demo
from .models import SpaceVisibility

THREADS = {
    "Bas-Saint-Laurent": [
        (
            "Accueillir les femmes nouvellement arrivées loin des grands centres",
            [
                (
                    "coordination",
                    "Depuis l’automne, nous recevons plus de demandes de femmes arrivées depuis moins d’un "
                    "an. Comment vos équipes organisent-elles le premier contact quand l’interprète est à "
                    "distance ?",
                ),
                (
                    "partenaire",
                    "Chez nous, le premier appel se fait à trois : l’intervenante, l’interprète au "
                    "téléphone et la femme, avec un rappel du cadre de confidentialité au début. @Élise "
                    "Intervenante, vous aviez une grille ?",
                ),
                (
                    "intervenante",
                    "Oui : une grille d’une page, en langage simple, que nous relisons avec l’interprète "
                    "avant l’appel. Je la dépose dans les bonnes pratiques cette semaine.",
                ),
            ],
        ),
        (
            "Rencontre de janvier : sujets à mettre à l’ordre du jour",
            [
                (
                    "equipe",
                    "Proposez ici les sujets de la prochaine rencontre de la table : trajectoire de "
                    "référence, statut d’immigration et hébergement, formation croisée.",
                ),
            ],
        ),
    ],
    "Laval": [
        (
            "Références entre l’organisme pont et la maison : ce qui a bien marché",
            [
                (
                    "partenaire",
                    "Nous avons testé une fiche de référence commune pendant trois mois. Les délais ont "
                    "baissé quand la porteuse de dossier de chaque organisme était nommée dès le départ.",
                ),
                (
                    "coordination",
                    "Même constat de notre côté. Il reste à préciser ce qui est transmis et ce qui ne l’est "
                    "pas.",
                ),
            ],
        ),
    ],
}


def load() -> None:
    people: dict[str, User] = {}
    for key in ("admin", "equipe", "coordination", "intervenante", "partenaire"):
        person = db.session.scalar(sa.select(User).where(User.email == f"{key}@demo.passerelle.example"))
        if person is None:  # the accounts' demo was not loaded
            return
        people[key] = person
    staff = people["equipe"]
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    regions = {r.name: r for r in db.session.scalars(sa.select(Region))}
    seats = {
        "Bas-Saint-Laurent": [
            "Maison L’Éclaircie",
            "Accueil Horizons Nouveaux",
            "Centre de femmes La Traversée",
        ],
        "Laval": [
            "Passage Interculturel de Laval",
            "Maison Les Deux Rives",
            "Maison L’Éclaircie",
            "Accueil Horizons Nouveaux",
        ],
    }
    for region_name, names in seats.items():
        space = services.open_regional_table(staff, regions[region_name])
        space.description = (
            "Les organisations de la région, des deux secteurs, s’y retrouvent pour se connaître, "
            "se référer des femmes et porter ensemble les besoins de la région."
        )
        for name in names:
            services.seat(staff, space, orgs[name])
        services.name_facilitator(staff, space, people["coordination"])
        _threads(space, THREADS[region_name], people)
        if region_name == "Bas-Saint-Laurent":
            _decisions(space, people)
            meetings_demo.load(space, people)
    theme = services.create_space(
        staff,
        name="Interprétariat adapté à la violence",
        description=(
            "Recenser les interprètes formées aux situations de violence, partager les pratiques d’appel à "
            "trois et les conditions de confidentialité."
        ),
        visibility=SpaceVisibility.MEMBERS.value,
        immigration_seats=2,
    )
    for name in ("Maison L’Éclaircie", "Accueil Horizons Nouveaux", "Passage Interculturel de Laval"):
        services.seat(staff, theme, orgs[name])
    _threads(
        theme,
        [
            (
                "Interprètes en dari et en farsi : qui a des contacts ?",
                [
                    (
                        "intervenante",
                        "Nous cherchons une interprète en dari disponible par téléphone, formée aux "
                        "situations de violence. Des pistes ?",
                    ),
                    (
                        "partenaire",
                        "Le service provincial d’interprétariat à distance couvre le dari ; délai habituel "
                        "de 48 heures. Je peux partager la marche à suivre.",
                    ),
                ],
            )
        ],
        people,
    )


def _decisions(space, people) -> None:
    adopted = decisions.propose(
        people["coordination"],
        space,
        title="Adopter la fiche de référence commune entre les deux secteurs",
        body=(
            "La fiche tient sur une page ; elle dit ce qui est transmis avec l’accord de la femme, et rien "
            "d’autre."
        ),
        closes_at=utcnow() + timedelta(days=2),
        mode="person",
        results_open=True,
    )
    decisions.take_position(people["coordination"], adopted, "agree", "Elle a fait ses preuves à Laval.")
    decisions.take_position(people["intervenante"], adopted, "agree")
    decisions.take_position(people["partenaire"], adopted, "abstain", "À revoir après six mois d’usage.")
    decisions.close(
        people["coordination"], adopted, "Adoptée : la fiche sert dès janvier ; bilan à six mois."
    )
    decisions.propose(
        people["coordination"],
        space,
        title="Tenir la rencontre de janvier en ligne plutôt qu’à Rimouski",
        body=(
            "Plusieurs organisations viennent de loin ; une rencontre en ligne éviterait quatre heures de "
            "route."
        ),
        closes_at=utcnow() + timedelta(days=10),
        mode="organization",
        results_open=False,
    )


def _threads(space, threads, people) -> None:
    for title, posts in threads:
        (first_key, first_body), *rest = posts
        thread = services.start_thread(people[first_key], space, title=title, body=first_body)
        for key, body in rest:
            services.reply(people[key], thread, body)
