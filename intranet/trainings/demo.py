"""Demo trainings: invented titles and trainers, towns and regions only."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from ..accounts.models import Region, User
from ..database import utcnow
from ..extensions import db
from ..network import network_zone
from ..themes import services as theme_services
from ..themes.demo import THEMES
from .models import Evaluation, Registration, RegistrationStatus, SessionFormat, Training, TrainingSession

# (title, themes, audience, trainer, language, description)
TRAININGS = (
    (
        "Plan de sécurité après la séparation",
        ("Plan de sécurité", "Violence conjugale post-séparation"),
        "Intervenantes des maisons de 2e étape",
        "Sophie Lavigne-Marchand",
        "fr",
        "Repérer les moments à risque après la séparation et bâtir **avec la femme** un plan de sécurité "
        "qui tient compte des enfants, du travail et des déplacements.\n\n"
        "- les indicateurs de risque d’homicide conjugal\n- le plan de sécurité pas à pas\n"
        "- les échanges d’enfants et les droits d’accès",
    ),
    (
        "Travailler avec une interprète",
        ("Interprétariat", "Approche interculturelle"),
        "Intervenantes des secteurs violence et immigration",
        "Amina Belkacem",
        "fr-en",
        "Préparer l’entretien, choisir l’interprète, le placement dans la pièce, la confidentialité, "
        "le débreffage après une rencontre difficile.",
    ),
    (
        "Statut d’immigration et violence conjugale",
        ("Statut d’immigration", "Approche intersectionnelle"),
        "Toutes les intervenantes",
        "Marie-Josée Thibodeau",
        "fr",
        "Parrainage, demandes d’asile, permis temporaires : ce que le statut change pour la sécurité des "
        "femmes, et vers qui orienter.",
    ),
    (
        "Les enfants exposés à la violence",
        ("Enfants exposés à la violence", "Tribunaux", "Protection de la jeunesse"),
        "Intervenantes jeunesse",
        "Julie Gagnon-Roy",
        "fr",
        "Les effets de l’exposition à la violence, l’intervention mère-enfant, la collaboration avec la "
        "protection de la jeunesse.",
    ),
    (
        "Approche intersectionnelle en maison d’hébergement",
        ("Approche intersectionnelle", "Approche interculturelle"),
        "Équipes des maisons",
        "Nadia Okonkwo",
        "fr",
        "Des études de cas fictives pour reconnaître les obstacles qui se cumulent et adapter l’accueil.",
    ),
    (
        "Accès au logement après l’hébergement",
        ("Accès au logement",),
        "Intervenantes et coordinations",
        "Véronique Pelletier",
        "fr",
        "Programmes de supplément au loyer, logement social, bail et clause de résiliation pour violence.",
    ),
    (
        "Safety planning with English-speaking women",
        ("Plan de sécurité",),
        "Workers supporting English-speaking women",
        "Rachel McAllister",
        "en",
        "Adapting safety planning tools and referrals for English-speaking women in the regions.",
    ),
    (
        "Préparer une femme au tribunal",
        ("Tribunaux", "Protection de la jeunesse", "Violence conjugale post-séparation"),
        "Intervenantes et intervenants",
        "Isabelle Fortin",
        "fr",
        "Le déroulement d’une audience, l’accompagnement, les mesures d’aide au témoignage.",
    ),
)

PLACES = (
    ("Rimouski", "Bas-Saint-Laurent"),
    ("Québec", "Capitale-Nationale"),
    ("Sherbrooke", "Estrie"),
    ("Montréal", "Montréal"),
    ("Gatineau", "Outaouais"),
    ("Rouyn-Noranda", "Abitibi-Témiscamingue"),
    ("Trois-Rivières", "Mauricie"),
    ("Alma", "Saguenay–Lac-Saint-Jean"),
)


def _at(day_offset: int, hour: int) -> datetime:
    local_day = (utcnow().astimezone(network_zone()) + timedelta(days=day_offset)).date()
    return datetime.combine(local_day, time(hour, 0), tzinfo=network_zone())


def load() -> None:
    themes = theme_services.ensure(THEMES)
    regions = {r.name: r for r in db.session.scalars(sa.select(Region))}
    staff = db.session.scalar(sa.select(User).where(User.email == "equipe@demo.passerelle.example"))
    people = {u.email: u for u in db.session.scalars(sa.select(User))}
    sessions: list[TrainingSession] = []
    for index, (title, theme_names, audience, trainer, language, description) in enumerate(TRAININGS):
        training = Training(
            title=title,
            description=description,
            audience=audience,
            trainer=trainer,
            language=language,
            published=True,
            created_by_id=staff.id if staff else None,
            themes=[themes[n] for n in theme_names],
        )
        db.session.add(training)
        for k in range(3):
            offset = 5 + index * 4 + k * 23
            online = (index + k) % 3 == 0
            town, region = PLACES[(index + k) % len(PLACES)]
            starts = _at(offset, 9 if k % 2 == 0 else 13)
            session = TrainingSession(
                training=training,
                starts_at=starts,
                ends_at=starts + timedelta(hours=3 if online else 6),
                format=SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
                region_id=None if online else regions[region].id,
                town="" if online else town,
                room_details="" if online else "Salle communautaire (détails fictifs), 2e étage",
                online_url="https://visio.passerelle.example/salle-" + str(index * 3 + k) if online else "",
                capacity=12 if index != 1 else 3,
                registration_deadline=starts - timedelta(days=2),
                allowed_sectors=["immigration", "violence"] if index == 1 and k == 2 else [],
            )
            db.session.add(session)
            sessions.append(session)
    # A past session the worker attended, to show certificates and evaluations.
    past_training = db.session.scalars(sa.select(Training)).first() or training
    past_start = _at(-20, 9)
    past = TrainingSession(
        training=past_training,
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=6),
        format=SessionFormat.IN_PERSON,
        region_id=regions["Bas-Saint-Laurent"].id,
        town="Rimouski",
        room_details="Salle communautaire (détails fictifs)",
        capacity=15,
        registration_deadline=past_start - timedelta(days=2),
    )
    db.session.add(past)
    db.session.flush()

    worker = people.get("intervenante@demo.passerelle.example")
    coordinator = people.get("coordination@demo.passerelle.example")
    partner = people.get("partenaire@demo.passerelle.example")
    others = [
        u
        for e, u in sorted(people.items())
        if e
        not in {
            "intervenante@demo.passerelle.example",
            "coordination@demo.passerelle.example",
            "partenaire@demo.passerelle.example",
            "equipe@demo.passerelle.example",
            "admin@demo.passerelle.example",
        }
    ]
    now = utcnow()

    def add(session, user, status, by=None, minutes=0, attended=None):
        db.session.add(
            Registration(
                session_id=session.id,
                user_id=user.id,
                registered_by_id=by.id if by else None,
                status=status,
                queued_at=now - timedelta(days=3, minutes=-minutes),
                confirmed_at=now - timedelta(days=3) if status == RegistrationStatus.CONFIRMED else None,
                attended=attended,
            )
        )

    full = sessions[3]  # "Travailler avec une interprète": 3 seats, full, with a waiting list
    for i, user in enumerate(others[:3]):
        add(full, user, RegistrationStatus.CONFIRMED, minutes=i)
    if worker:
        add(full, worker, RegistrationStatus.WAITING, minutes=10)
        add(sessions[0], worker, RegistrationStatus.CONFIRMED, by=coordinator)
        add(past, worker, RegistrationStatus.CONFIRMED, attended=True)
    if partner:
        add(full, partner, RegistrationStatus.WAITING, minutes=12)
        add(sessions[6], partner, RegistrationStatus.CONFIRMED)
    if coordinator:
        add(sessions[1], coordinator, RegistrationStatus.CONFIRMED)
        add(past, coordinator, RegistrationStatus.CONFIRMED, attended=True)
    for i, user in enumerate(others[3:9]):
        add(sessions[(i * 5) % len(sessions)], user, RegistrationStatus.CONFIRMED, minutes=i)
        add(past, user, RegistrationStatus.CONFIRMED, attended=i % 4 != 0)
    db.session.flush()
    for rating, comment in (
        (5, "Très concret, des outils utilisables dès lundi."),
        (4, ""),
        (4, "Plus de temps pour les études de cas."),
    ):
        db.session.add(Evaluation(session_id=past.id, user_id=None, rating=rating, comment=comment))
    db.session.flush()
