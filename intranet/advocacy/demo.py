"""Demo advocacy texts: invented, plausible, towns and regions only (DOMAIN.md)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from ..accounts.models import Organization, Role, User
from ..database import utcnow
from ..extensions import db
from ..themes.demo import named
from .models import Comment, Cosignature, Kind, Position, Status, Transition, Version
from .services import request_brief

BODY = """## Constat

Les maisons d’hébergement de deuxième étape accueillent des femmes et des enfants qui ont quitté un
milieu violent et qui font face à de la violence conjugale post-séparation. La demande dépasse
largement l’offre : dans plusieurs régions, aucune place n’est disponible pendant des mois[^1].

La période qui suit la séparation est celle où le risque d’homicide conjugal est le plus élevé. Un
logement sécuritaire, de durée suffisante et accompagné d’une intervention spécialisée est un
facteur de protection reconnu[^2].

## Ce que nous observons sur le terrain

- des séjours écourtés faute de logement abordable à la sortie ;
- des enfants exposés à la violence qui changent d’école plusieurs fois dans l’année ;
- des femmes immigrantes dont le statut rend l’accès aux services plus difficile.

## Nos propositions

Nous demandons un financement stable, indexé et pluriannuel, ainsi qu’une reconnaissance de
l’expertise des intervenantes. Les revendications ci-dessus détaillent les mesures attendues.

[^1]: Compilation des demandes refusées par les maisons membres, année 2025.
[^2]: Rapport du comité d’examen des décès liés à la violence conjugale, recommandations 4 à 7.
"""

BODY_EN = """## Context

Second-stage shelters house women and children who have left a violent home and still face
post-separation intimate partner violence. Demand far exceeds the places available[^1].

## What we ask

Stable, multi-year funding indexed to costs, and recognition of the workers’ expertise.

[^1]: Refused requests compiled by member houses, 2025.
"""

# The demo texts name their themes by these short keys (the network's themes, in French).
THEME_KEYS = {
    "safety_planning": ("Plan de sécurité",),
    "post_separation": ("Violence conjugale post-séparation",),
    "children": ("Enfants exposés à la violence",),
    "interpreting": ("Interprétariat",),
    "intersectional": ("Approche interculturelle", "Approche intersectionnelle"),
    "housing": ("Accès au logement",),
    "immigration_status": ("Statut d’immigration",),
    "courts": ("Tribunaux", "Protection de la jeunesse"),
    "funding": ("Financement des maisons",),
}

# (title, kind, addressee, organization, status, themes, language, published days ago, demands)
TEXTS = (
    (
        "Des places de deuxième étape dans chaque région",
        Kind.BRIEF,
        "Ministère de l’Habitation",
        "Maison L’Éclaircie",
        Status.DRAFT,
        ("housing", "post_separation"),
        "fr",
        None,
    ),
    (
        "Interprétariat adapté à la violence : un service à financer",
        Kind.BRIEF,
        "Ministère de l’Immigration, de la Francisation et de l’Intégration",
        "Maison L’Éclaircie",
        Status.CHANGES_REQUESTED,
        ("interpreting", "immigration_status"),
        "fr",
        None,
    ),
    (
        "Lettre ouverte sur la sécurité des enfants exposés à la violence",
        Kind.OPEN_LETTER,
        "Ministre responsable des Services sociaux",
        "Maison L’Éclaircie",
        Status.SUBMITTED,
        ("children", "courts"),
        "fr",
        None,
    ),
    (
        "Position commune : un parcours d’intervention unifié entre les deux secteurs",
        Kind.JOINT_POSITION,
        "Secrétariat à la condition féminine",
        "Maison Les Deux Rives",
        Status.APPROVED,
        ("intersectional", "interpreting"),
        "fr",
        None,
    ),
    (
        "Financer la mission globale des maisons de deuxième étape",
        Kind.BRIEF,
        "Commission des finances publiques",
        "Habitations Le Phare",
        Status.PUBLISHED,
        ("funding", "housing"),
        "fr",
        40,
    ),
    (
        "Tribune : la violence ne s’arrête pas à la séparation",
        Kind.OP_ED,
        "Quotidiens régionaux",
        "Centre de femmes La Traversée",
        Status.PUBLISHED,
        ("post_separation",),
        "fr",
        95,
    ),
    (
        "Communiqué : 500 femmes et enfants hébergés, des centaines refusés",
        Kind.PRESS_RELEASE,
        "Médias",
        "Maison L’Éclaircie",
        Status.PUBLISHED,
        ("housing", "funding"),
        "fr",
        160,
    ),
    (
        "Brief on safety planning in rural regions",
        Kind.BRIEF,
        "Standing Committee on the Status of Women",
        "Maison Aurore boréale",
        Status.PUBLISHED,
        ("safety_planning",),
        "en",
        220,
    ),
    (
        "Statut d’immigration et accès aux maisons d’hébergement",
        Kind.JOINT_POSITION,
        "Ministère de l’Immigration, de la Francisation et de l’Intégration",
        "Accueil Horizons Nouveaux",
        Status.PUBLISHED,
        ("immigration_status", "intersectional"),
        "fr",
        300,
    ),
    (
        "Mémoire sur la réforme du tribunal de la famille",
        Kind.BRIEF,
        "Ministère de la Justice",
        "Maison Les Deux Rives",
        Status.PUBLISHED,
        ("courts", "children"),
        "fr",
        430,
    ),
    (
        "Tribune : les enfants aussi sont des victimes",
        Kind.OP_ED,
        "Quotidiens nationaux",
        "Table régionale Chemins croisés",
        Status.ARCHIVED,
        ("children",),
        "fr",
        700,
    ),
    (
        "Cahier de propositions : accueil des femmes immigrantes en région",
        Kind.BRIEF,
        "Table régionale de concertation",
        "Accueil Horizons Nouveaux",
        Status.DRAFT,
        ("immigration_status",),
        "fr",
        None,
    ),
)

DEMANDS = [
    "Financer une place de deuxième étape pour chaque place d’urgence dans chaque région.",
    "Indexer chaque année le financement à la mission globale des maisons.",
    "Garantir un service d’interprétariat formé à la violence conjugale, sans frais pour les femmes.",
    "Former les intervenantes des deux secteurs aux approches interculturelle et intersectionnelle.",
]


def load_demo() -> None:
    orgs = {o.name: o for o in db.session.scalars(sa.select(Organization))}
    people = list(db.session.scalars(sa.select(User)))

    def person(org: Organization, role: Role | None = None) -> User | None:
        for user in people:
            if user.organization_id == org.id and (role is None or user.role == role):
                return user
        return None

    staff = next((u for u in people if u.role == Role.STAFF), None)
    now = utcnow()
    published: list[Position] = []
    for index, (title, kind, addressee, org_name, status, themes, language, days_ago) in enumerate(TEXTS):
        org = orgs.get(org_name)
        if org is None:
            continue
        author = person(org, Role.MEMBER) or person(org)
        started = now - timedelta(days=(days_ago or 10) + 20)
        position = Position(
            organization_id=org.id,
            author_id=author.id if author else None,
            updated_by_id=author.id if author else None,
            kind=kind,
            language=language,
            title=title,
            addressee=addressee,
            summary=(
                (
                    "Nous demandons des mesures concrètes pour protéger les femmes et les enfants "
                    "après la séparation."
                )
                if language == "fr"
                else "We ask for concrete measures to protect women and children after separation."
            ),
            body=BODY if language == "fr" else BODY_EN,
            demands=DEMANDS[: 2 + index % 3]
            if language == "fr"
            else ["Fund one second-stage unit per emergency bed."],
            status=status,
            created_at=started,
            updated_at=now - timedelta(days=days_ago or 1),
        )
        position.themes = named(*dict.fromkeys(n for key in themes for n in THEME_KEYS[key]))
        db.session.add(position)
        db.session.flush()
        if status == Status.DRAFT:
            continue
        position.submitted_at = started + timedelta(days=2)
        versions = [_version(position, 1, author, position.submitted_at)]
        _step(position, "submit", Status.DRAFT, Status.SUBMITTED, author, 1, position.submitted_at)
        if status == Status.SUBMITTED:
            continue
        _step(
            position,
            "start_review",
            Status.SUBMITTED,
            Status.IN_REVIEW,
            staff,
            1,
            started + timedelta(days=3),
        )
        if status == Status.CHANGES_REQUESTED or index % 2 == 0:
            note = "Précisez la source des chiffres et ajoutez une revendication sur la formation."
            db.session.add(
                Comment(
                    version_id=versions[0].id,
                    author_id=staff.id if staff else None,
                    body=note,
                    created_at=started + timedelta(days=4),
                )
            )
            _step(
                position,
                "request_changes",
                Status.IN_REVIEW,
                Status.CHANGES_REQUESTED,
                staff,
                1,
                started + timedelta(days=4),
                note,
            )
            if status == Status.CHANGES_REQUESTED:
                position.body = BODY.replace("largement", "de loin")
                continue
            versions.append(_version(position, 2, author, started + timedelta(days=6)))
            _step(
                position,
                "resubmit",
                Status.CHANGES_REQUESTED,
                Status.RESUBMITTED,
                author,
                2,
                started + timedelta(days=6),
            )
            _step(
                position,
                "start_review",
                Status.RESUBMITTED,
                Status.IN_REVIEW,
                staff,
                2,
                started + timedelta(days=7),
            )
        number = versions[-1].number
        _step(
            position, "approve", Status.IN_REVIEW, Status.APPROVED, staff, number, started + timedelta(days=8)
        )
        signers = [o for o in orgs.values() if not o.is_network and o.id != org.id][index % 3 : index % 3 + 3]
        if status == Status.APPROVED:
            position.cosign_open = True
            position.cosign_closes_on = (now + timedelta(days=14)).date()
            signers = [o for o in signers if o.name != "Maison L’Éclaircie"][:2]
        for signer in signers:
            coordinator = person(signer, Role.COORDINATOR)
            db.session.add(
                Cosignature(
                    position_id=position.id,
                    organization_id=signer.id,
                    signed_by_id=coordinator.id if coordinator else None,
                    signed_at=started + timedelta(days=9),
                )
            )
        if status == Status.APPROVED:
            continue
        assert days_ago is not None  # every published text of TEXTS says when
        position.published_at = now - timedelta(days=days_ago)
        _step(position, "publish", Status.APPROVED, Status.PUBLISHED, staff, number, position.published_at)
        published.append(position)
        if status == Status.ARCHIVED:
            _step(
                position,
                "archive",
                Status.PUBLISHED,
                Status.ARCHIVED,
                staff,
                number,
                now - timedelta(days=30),
            )
    db.session.flush()
    # The library's briefs: a worker renders them once the demo data is committed.
    for position in published:
        if position.status == Status.PUBLISHED and staff is not None:
            db.session.refresh(position)
            request_brief(staff, position)


def _version(position: Position, number: int, author: User | None, when) -> Version:
    version = Version(
        position_id=position.id,
        number=number,
        kind=position.kind,
        language=position.language,
        title=position.title,
        addressee=position.addressee,
        summary=position.summary,
        body=position.body if number > 1 else position.body.replace("largement", "de loin"),
        demands=list(position.demands) if number > 1 else list(position.demands[:-1] or position.demands),
        created_at=when,
        created_by_id=author.id if author else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _step(position, action, source, target, actor, number, when, note="") -> None:
    db.session.add(
        Transition(
            position_id=position.id,
            action=action,
            from_status=source,
            to_status=target,
            actor_id=actor.id if actor else None,
            note=note,
            version_number=number,
            created_at=when,
        )
    )
