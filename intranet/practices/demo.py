"""Demo practices: invented, plausible, towns and regions only (DOMAIN.md)."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Region, User
from ..extensions import db
from ..themes import services as theme_services
from ..themes.demo import THEMES
from . import services
from .models import Visibility

# (author email, title, summary, body, themes, approaches, sectors, region, audience, visibility, publish)
PRACTICES = (
    (
        "intervenante@demo.passerelle.example",
        "Plan de sécurité co-construit à l’arrivée en 2e étape",
        (
            "Une rencontre structurée dans la première semaine pour bâtir avec chaque femme un "
            "plan de sécurité adapté à la période post-séparation, révisé à chaque changement "
            "(audience au tribunal, échange de garde)."
        ),
        (
            "## Pourquoi\nLa période qui suit la séparation est celle où le risque d’homicide "
            "conjugal est le plus élevé.\n\n## Comment\n- Une rencontre de 90 minutes dans la "
            "première semaine\n- Une grille commune, remplie **avec** la femme, jamais pour "
            "elle\n- Une révision à chaque étape judiciaire ou de garde\n\n| Moment | Révision "
            "|\n|---|---|\n| Audience | la veille |\n| Échange de garde | chaque mois |\n"
        ),
        ("Plan de sécurité", "Violence conjugale post-séparation"),
        ("feminist",),
        ("shelter", "violence"),
        "Bas-Saint-Laurent",
        "Intervenantes des maisons de 2e étape",
        Visibility.NETWORK,
        True,
    ),
    (
        "partenaire@demo.passerelle.example",
        "Interprètes formées à la violence conjugale",
        (
            "Une banque régionale d’interprètes sensibilisées à la violence conjugale, partagée "
            "entre organismes pont et maisons d’hébergement, avec un protocole de confidentialité "
            "commun."
        ),
        (
            "## Le constat\nFaire appel à un proche comme interprète met la femme en danger et "
            "fausse la parole.\n\n## La pratique\n1. Formation de 6 heures pour les "
            "interprètes\n2. Entente de confidentialité signée\n3. Réservation par un calendrier "
            "partagé entre organismes\n\nVoir aussi le [guide de l’interprétariat "
            "communautaire](https://example.org/guide)."
        ),
        ("Interprétariat", "Approche interculturelle", "Statut d’immigration"),
        ("intercultural", "intersectional"),
        ("immigration", "violence", "shelter"),
        "Montréal",
        "Organismes pont, maisons d’hébergement",
        Visibility.NETWORK,
        True,
    ),
    (
        "coordination@demo.passerelle.example",
        "Ateliers mère-enfant après l’exposition à la violence",
        (
            "Huit ateliers hebdomadaires où mères et enfants reconstruisent le lien par le jeu, "
            "animés en duo par une intervenante jeunesse et une intervenante adulte."
        ),
        (
            "## Déroulement\nChaque atelier commence par un rituel d’accueil, puis un jeu "
            "coopératif et un temps de parole.\n\n## Ce qui a aidé\n- Des groupes de 4 familles "
            "au plus\n- Une collation partagée\n- Un carnet que l’enfant garde"
        ),
        ("Enfants exposés à la violence",),
        ("feminist",),
        ("shelter",),
        "Bas-Saint-Laurent",
        "Intervenantes jeunesse",
        Visibility.NETWORK,
        True,
    ),
    (
        "coordination@demo.passerelle.example",
        "Notre grille interne d’accueil téléphonique",
        "La grille que notre équipe utilise pour les premiers appels, avant de la partager au réseau.",
        "Document de travail interne : questions d’ouverture, évaluation du danger immédiat, orientation.",
        ("Plan de sécurité",),
        (),
        ("shelter",),
        "Bas-Saint-Laurent",
        "Équipe d’accueil",
        Visibility.ORGANIZATION,
        True,
    ),
    (
        "intervenante@demo.passerelle.example",
        "Accompagnement à la recherche de logement après la 2e étape",
        (
            "Brouillon : comment nous préparons la sortie vers un logement permanent avec les "
            "offices d’habitation de la région."
        ),
        "À compléter avec les ententes en cours.",
        ("Accès au logement",),
        (),
        ("shelter",),
        "Bas-Saint-Laurent",
        "Intervenantes et intervenants",
        Visibility.NETWORK,
        False,
    ),
)

MORE = (
    (
        "Accès au logement",
        "Entente avec l’office d’habitation pour des logements prioritaires",
        "Saguenay–Lac-Saint-Jean",
        "shelter",
    ),
    ("Tribunaux", "Accompagnement aux audiences en chambre de la famille", "Capitale-Nationale", "violence"),
    ("Statut d’immigration", "Clinique juridique mobile sur le statut d’immigration", "Laval", "immigration"),
    (
        "Régions éloignées",
        "Intervention par visioconférence sécurisée en région éloignée",
        "Abitibi-Témiscamingue",
        "shelter",
    ),
    (
        "Protection de la jeunesse",
        "Rencontres tripartites avec la protection de la jeunesse",
        "Estrie",
        "violence",
    ),
    ("Santé mentale", "Groupe de soutien sur le trauma complexe", "Outaouais", "violence"),
    (
        "Approche intersectionnelle",
        "Grille d’analyse intersectionnelle des besoins à l’accueil",
        "Montréal",
        "immigration",
    ),
    ("Interprétariat", "Fiches d’accueil traduites en douze langues", "Laval", "immigration"),
    (
        "Violence conjugale post-séparation",
        "Évaluation du risque lors des échanges de garde",
        "Capitale-Nationale",
        "shelter",
    ),
    (
        "Enfants exposés à la violence",
        "Trousse d’accueil pour les enfants à l’arrivée en maison",
        "Saguenay–Lac-Saint-Jean",
        "shelter",
    ),
    (
        "Plan de sécurité",
        "Plan de sécurité numérique : téléphone, réseaux sociaux, localisation",
        "Estrie",
        "violence",
    ),
    (
        "Approche interculturelle",
        "Cafés-rencontres entre intervenantes des deux secteurs",
        "Outaouais",
        "violence",
    ),
    (
        "Accès au logement",
        "Garantie de loyer par un fonds régional d’entraide",
        "Abitibi-Témiscamingue",
        "shelter",
    ),
    ("Tribunaux", "Préparer le témoignage : une visite du palais de justice", "Montréal", "immigration"),
    ("Statut d’immigration", "Parrainage rompu : repères pour l’intervention", "Montréal", "immigration"),
)


def load_demo() -> None:
    themes = theme_services.ensure(THEMES)
    regions = {r.name: r for r in db.session.scalars(sa.select(Region))}
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    created = []
    for (
        email,
        title,
        summary,
        body,
        theme_names,
        approaches,
        sectors,
        region,
        audience,
        visibility,
        publish,
    ) in PRACTICES:
        author = users.get(email)
        if author is None:
            continue
        data = services.PracticeData(
            title=title,
            summary=summary,
            body=body,
            audience=audience,
            region_id=regions[region].id if region in regions else None,
            theme_ids=[themes[n].id for n in theme_names],
            approaches=list(approaches),
            sectors=list(sectors),
            visibility=visibility,
        )
        created.append(services.create_practice(author, data, publish=publish))
    others = [
        u for u in users.values() if u.email.split("@")[0] not in ("admin", "equipe") and not u.is_staff
    ]
    for i, (theme, title, region, sector) in enumerate(MORE):
        author = others[i % len(others)] if others else None
        if author is None:
            break
        data = services.PracticeData(
            title=title,
            summary=(
                f"{title} : ce qui a été mis en place, avec qui, "
                "et ce que les intervenantes en retiennent après un an."
            ),
            body=(
                f"## Contexte\nEn {region}, les équipes constataient des besoins non couverts.\n\n"
                "## Mise en œuvre\n- Une rencontre de démarrage entre organismes\n- Un protocole d’une page\n"
                "- Un bilan après six mois\n\n## Ce que nous retenons\nLa régularité compte "
                "plus que l’ampleur."
            ),
            audience="Intervenantes et intervenants",
            region_id=regions[region].id if region in regions else None,
            theme_ids=[themes[theme].id],
            approaches=["feminist"] if i % 2 else ["intercultural", "intersectional"],
            sectors=[sector],
        )
        created.append(services.create_practice(author, data, publish=True))
    published = [p for p in created if p.status == "published" and p.visibility == Visibility.NETWORK]
    if not published:
        return
    first = published[0]
    commenters = [
        users.get("partenaire@demo.passerelle.example"),
        users.get("coordination@demo.passerelle.example"),
    ]
    texts = (
        "Nous avons adapté la grille pour les femmes qui ne lisent pas le français : merci pour le modèle !",
        "La révision avant chaque audience a changé beaucoup de choses chez nous aussi.",
    )
    for user, text in zip(commenters, texts, strict=True):
        if user is not None:
            services.add_comment(user, first, text)
            services.toggle_helpful(user, first)
    partner = users.get("partenaire@demo.passerelle.example")
    worker = users.get("intervenante@demo.passerelle.example")
    if worker is not None:
        for practice in published[1:4]:
            services.toggle_bookmark(worker, practice)
    if partner is not None and len(published) > 1:
        services.toggle_bookmark(partner, published[0])
    db.session.flush()
