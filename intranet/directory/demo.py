"""Demo data: fictional organizations of both sectors with profiles and porteuses de dossier,
and a dozen interpreting resources across languages and modalities (all names invented)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Organization, Region, Role, Sector, User
from ..database import utcnow
from ..extensions import db
from .models import Resource, ResourceNote, ResourceReport
from .services import profiles, resources

# (name, sector, region, town, regions served, steps, languages, lead name)
ORGANIZATIONS = (
    (
        "Maison Le Quai des Femmes",
        Sector.SHELTER,
        "Abitibi-Témiscamingue",
        "Val-d’Or",
        ["Abitibi-Témiscamingue", "Nord-du-Québec"],
        ["emergency_shelter", "outreach", "follow_up"],
        ["fr", "en", "cr"],
        "Solène Vachon",
    ),
    (
        "Carrefour Nouveaux Arrivants de l’Abitibi",
        Sector.IMMIGRATION,
        "Abitibi-Témiscamingue",
        "Rouyn-Noranda",
        ["Abitibi-Témiscamingue"],
        ["prevention", "screening", "referral", "interpreting"],
        ["fr", "ar", "es", "prs"],
        "Yasmina Belhadj",
    ),
    (
        "Accueil Interculturel du Fjord",
        Sector.IMMIGRATION,
        "Saguenay–Lac-Saint-Jean",
        "Saguenay",
        ["Saguenay–Lac-Saint-Jean"],
        ["prevention", "screening", "referral"],
        ["fr", "es", "uk", "ar"],
        "Marisol Quintero",
    ),
    (
        "Maison La Bourrasque",
        Sector.SHELTER,
        "Côte-Nord",
        "Baie-Comeau",
        ["Côte-Nord"],
        ["emergency_shelter", "second_stage", "follow_up"],
        ["fr", "moe"],
        "Ghislaine Pelletier",
    ),
    (
        "Le Pont des Cultures de Sherbrooke",
        Sector.IMMIGRATION,
        "Estrie",
        "Sherbrooke",
        ["Estrie"],
        ["screening", "referral", "training"],
        ["fr", "en", "ti", "am", "ar"],
        "Hiwet Tesfay",
    ),
    (
        "Centre Femmes et Droit de l’Outaouais",
        Sector.VIOLENCE,
        "Outaouais",
        "Gatineau",
        ["Outaouais"],
        ["legal", "outreach", "follow_up"],
        ["fr", "en", "es"],
        "Aurélie Desrosiers",
    ),
    (
        "Collectif Passages Montréal-Nord",
        Sector.IMMIGRATION,
        "Montréal",
        "Montréal",
        ["Montréal", "Laval"],
        ["prevention", "screening", "referral", "interpreting"],
        ["fr", "ht", "ar", "fa", "cmn"],
        "Nadège Saint-Fleur",
    ),
    (
        "Maison Les Hirondelles de Trois-Rivières",
        Sector.SHELTER,
        "Mauricie",
        "Trois-Rivières",
        ["Mauricie", "Centre-du-Québec"],
        ["emergency_shelter", "second_stage"],
        ["fr", "atj"],
        "Maryse Ottawa",
    ),
)

# (name, provider, coverage, regions, languages, modalities, training, cost, delay)
RESOURCES: tuple[tuple[str, str, str, list[str], list[str], list[str], str, str, str], ...] = (
    ("Ligne d’interprètes Parole-Sûre", "Coopérative Parole-Sûre", "province",
     [], ["ar", "es", "prs", "fa", "ps", "ti", "uk", "ru"], ["telephone", "video"],
     "yes", "Gratuit pour les organismes membres", "Moins de 15 minutes"),
    ("Interprètes en dari et pachto de l’Outaouais", "Services linguistiques Ponts", "regions",
     ["Outaouais"], ["prs", "ps", "fa"], ["in_person", "telephone"],
     "partly", "45 $ l’heure", "48 heures"),
    ("Banque d’interprètes Inuktitut–français", "Association Tusaaji (fictive)", "regions",
     ["Nord-du-Québec", "Côte-Nord"], ["iu", "fr", "en"], ["telephone", "video"],
     "yes", "Payé par le programme régional", "Une semaine"),
    ("Interprétariat atikamekw Nehirowisiw", "Conseil d’entraide Manawan (fictif)", "regions",
     ["Mauricie", "Lanaudière"], ["atj", "fr"], ["in_person", "telephone"],
     "yes", "Gratuit", "24 à 72 heures"),
    ("Interprètes tigrigna et amharique de l’Estrie", "Le Pont des Cultures de Sherbrooke", "regions",
     ["Estrie"], ["ti", "am"], ["in_person"],
     "partly", "30 $ l’heure", "Trois jours"),
    ("Vidéo-interprétation mandarin et cantonais", "Réseau Lotus Interprétation", "remote",
     [], ["cmn", "yue"], ["video"],
     "no", "60 $ l’heure", "Sur rendez-vous, 48 heures"),
    ("Interprètes ukrainien et russe de Québec", "Accueil Solidarité Capitale", "regions",
     ["Capitale-Nationale", "Chaudière-Appalaches"], ["uk", "ru"], ["in_person", "telephone"],
     "yes", "Gratuit (financement fédéral)", "24 heures"),
    ("Interprétariat arabe et espagnol de Laval", "Passage Interculturel de Laval", "regions",
     ["Laval", "Laurentides"], ["ar", "es"], ["in_person", "telephone", "video"],
     "yes", "Gratuit pour les membres", "Le jour même"),
    ("Ligne farsi–français Soutien Horizon", "Fondation Horizon Soutien (fictive)", "province",
     [], ["fa", "prs"], ["telephone"],
     "partly", "Gratuit", "Moins d’une heure"),
    ("Interprètes en langue des signes (LSQ) Montérégie", "Service régional LSQ (fictif)", "regions",
     ["Montérégie", "Montréal"], ["fcs", "ase"], ["in_person", "video"],
     "partly", "Payé par le CISSS", "Une semaine"),
    ("Interprètes swahili, lingala et kinyarwanda", "Collectif Grands Lacs Montréal", "regions",
     ["Montréal"], ["sw", "ln", "rw"], ["in_person", "telephone"],
     "no", "40 $ l’heure", "72 heures"),
    ("Interprétariat espagnol et portugais du Bas-Saint-Laurent", "Carrefour Ouvert Rimouski", "regions",
     ["Bas-Saint-Laurent", "Gaspésie–Îles-de-la-Madeleine"], ["es", "pt"], ["telephone", "video"],
     "yes", "Gratuit", "48 heures"),
)  # fmt: skip


def load() -> None:
    regions = {r.name: r for r in db.session.scalars(sa.select(Region))}
    staff = db.session.scalar(sa.select(User).where(User.role == Role.STAFF).limit(1))
    assert staff is not None  # load_demo made the demo accounts, a staff member among them
    coordinator = db.session.scalar(
        sa.select(User).where(User.role == Role.COORDINATOR).order_by(User.id).limit(1)
    )
    now = utcnow()
    created = []
    for name, sector, region, town, served, steps, languages, lead in ORGANIZATIONS:
        org = Organization(name=name, sector=sector, region=regions[region], town=town)
        db.session.add(org)
        created.append((org, served, steps, languages, lead))
    db.session.flush()
    for index, (org, served, steps, languages, lead) in enumerate(created):
        profile = profiles.ensure_profile(org)
        actor = staff
        profiles.save_profile(
            actor,
            profile,
            profiles.ProfileData(
                town=org.town,
                region_ids=[regions[n].id for n in served],
                steps=steps,
                languages=languages,
                approaches=["feminist", "intersectional"]
                if org.sector == Sector.SHELTER
                else ["intercultural"],
                description=(
                    "Organisme fictif de démonstration : accueil, accompagnement et travail en réseau."
                ),
                services_details=(
                    "Rencontres sur rendez-vous ; accompagnement vers les services de la région."
                ),
                accessibility="Locaux accessibles en fauteuil roulant ; enfants bienvenus.",
                referral=(
                    "Appeler la porteuse de dossier ; préparer les besoins de langue et d’interprétariat."
                ),
                lead_name=lead,
                lead_title="Porteuse de dossier intersectoriel",
                lead_email=f"porteuse{index + 1}@demo.passerelle.example",
                lead_phone="819 555-01" + f"{index:02d}",
                shareable=index % 2 == 0,
            ),
        )
        if index == 3:  # one profile left untouched for over a year: shown as stale
            profile.confirmed_at = now - timedelta(days=400)
    # The existing demo organizations get a short profile too.
    for org in db.session.scalars(sa.select(Organization).where(Organization.is_network.is_(False))):
        profile = profiles.ensure_profile(org)
        if not profile.steps:
            profile.set_steps(
                ["emergency_shelter", "follow_up"]
                if org.sector == Sector.SHELTER
                else ["screening", "referral"]
            )
            profile.set_languages(["fr", "en"])
            db.session.flush()
            profiles.refresh_search_text(profile)
    for index, (name, provider, coverage, served, languages, modalities, training, cost, delay) in enumerate(
        RESOURCES
    ):
        resource = resources.add_resource(
            staff,
            resources.ResourceData(
                name=name,
                kind="interpreting",
                provider=provider,
                description="Interprètes sensibilisées à la violence conjugale, tenues à la confidentialité.",
                coverage=coverage,
                region_ids=[regions[n].id for n in served],
                languages=languages,
                modalities=modalities,
                violence_training=training,
                training_by="Formation du réseau (module interprétariat)" if training != "no" else "",
                cost=cost,
                who_pays="L’organisme qui fait la demande",
                how_to_request="Demande par courriel la veille, en précisant la langue et la durée.",
                usual_delay=delay,
                contact_name="Service des demandes",
                contact_email=f"demandes{index + 1}@ressources.example",
                contact_phone="1 800 555-02" + f"{index:02d}",
                shareable=index % 3 != 2,
            ),
        )
        if index == 5:  # not confirmed for over a year: listed for verification
            resource.confirmed_at = now - timedelta(days=420)
    db.session.flush()
    first = db.session.scalar(sa.select(Resource).order_by(Resource.id).limit(1))
    if first is not None and coordinator is not None:
        db.session.add(
            ResourceNote(resource_id=first.id, author_id=coordinator.id, body="Très réactive, même le soir.")
        )
        reported = db.session.scalar(sa.select(Resource).order_by(Resource.id.desc()).limit(1))
        assert reported is not None  # there is a first resource, so a last one
        db.session.add(
            ResourceReport(
                resource_id=reported.id,
                reporter_id=coordinator.id,
                organization_id=coordinator.organization_id,
                reason="Le numéro ne répond plus depuis le mois dernier.",
            )
        )
    if coordinator is not None:
        suggestion = resources.ResourceData(
            name="Interprètes en népalais de la Capitale",
            kind="interpreting",
            provider="Association Himalaya Québec (fictive)",
            coverage="regions",
            region_ids=[regions["Capitale-Nationale"].id],
            languages=["ne"],
            modalities=["telephone"],
        )
        member = db.session.scalar(sa.select(User).where(User.role == Role.MEMBER).order_by(User.id).limit(1))
        if member is not None:
            resources.add_resource(member, suggestion)  # a member suggests: waits for the team
    db.session.flush()
