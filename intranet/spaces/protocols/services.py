"""Protocols of a space (issue 20): drafted together with versions and their differences, opened
for signature, adopted by organizations (a coordinator signs for theirs), reviewed over time, and
printed by a worker with their signatories (``intranet.briefs``).

Services add and flush, never commit; they take the acting person and never read the request.
Who may do what is in ``policy``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from ... import events
from ...accounts.models import Organization, Role, User
from ...briefs import (
    BriefContent,
    latest_task,
    layout_for,
    number_headings,
    plain,
    prepare,
    request_render,
    word_count,
)
from ...database import utcnow
from ...extensions import db
from ...network import paper_size
from ...tasks.models import TaskRecord
from .. import policy
from ..models import Space, SpaceMember
from ..services import facilitators, people_of, seats_of
from .models import Protocol, ProtocolSignature, ProtocolStatus, ProtocolVersion

PDF_TASK_KIND = "space_protocol_pdf"
#: Adopted organizations review their protocol: a year unless the space says otherwise.
DEFAULT_REVIEW = timedelta(days=365)
#: The space is reminded this long before the review date.
REVIEW_NOTICE = timedelta(days=30)
#: A protocol is between organizations: at least this many sign before it is adopted.
MIN_SIGNATORIES = 2
NOTIFICATION_KINDS = ("space_protocol_open", "space_protocol_adopted", "space_protocol_review")


class ProtocolError(Exception):
    """A rule refused the change; the message is for the person."""


# --- reading ------------------------------------------------------------------------------------


def protocols(user: User, space: Space) -> list[Protocol]:
    """The space's protocols this person may see: adopted and open first, then drafts, archived last."""
    query = sa.select(Protocol).where(Protocol.space_id == space.id)
    if not policy.can_post(user, space):
        query = query.where(Protocol.status != ProtocolStatus.DRAFT)
    order = sa.case(
        (Protocol.status == ProtocolStatus.ADOPTED, 0),
        (Protocol.status == ProtocolStatus.OPEN, 1),
        (Protocol.status == ProtocolStatus.DRAFT, 2),
        else_=3,
    )
    return list(db.session.scalars(query.order_by(order, Protocol.updated_at.desc())))


def adopted(space: Space, limit: int = 5) -> list[Protocol]:
    """Adopted protocols of a space, for its home page (whoever reads the space sees them)."""
    return list(
        db.session.scalars(
            sa.select(Protocol)
            .where(Protocol.space_id == space.id, Protocol.status == ProtocolStatus.ADOPTED)
            .order_by(Protocol.adopted_at.desc())
            .limit(limit)
        )
    )


def versions(protocol: Protocol) -> list[ProtocolVersion]:
    return list(
        db.session.scalars(
            sa.select(ProtocolVersion)
            .where(ProtocolVersion.protocol_id == protocol.id)
            .order_by(ProtocolVersion.number.desc())
        )
    )


def get_version(protocol: Protocol, number: int) -> ProtocolVersion | None:
    return db.session.scalar(
        sa.select(ProtocolVersion).where(
            ProtocolVersion.protocol_id == protocol.id, ProtocolVersion.number == number
        )
    )


def signatories(protocol: Protocol) -> list[ProtocolSignature]:
    return list(
        db.session.scalars(
            sa.select(ProtocolSignature)
            .where(ProtocolSignature.protocol_id == protocol.id, ProtocolSignature.withdrawn_at.is_(None))
            .order_by(ProtocolSignature.signed_at, ProtocolSignature.id)
        )
    )


def signature_of(protocol: Protocol, organization_id: int | None) -> ProtocolSignature | None:
    if organization_id is None:
        return None
    return db.session.scalar(
        sa.select(ProtocolSignature).where(
            ProtocolSignature.protocol_id == protocol.id, ProtocolSignature.organization_id == organization_id
        )
    )


def adopted_by(user: User, organization_id: int, limit: int = 5) -> list[events.ProfileLink]:
    """Adopted protocols an organization signed, in spaces this reader may read (its profile)."""
    rows = db.session.execute(
        sa.select(Protocol, Space.name)
        .join(Space, Space.id == Protocol.space_id)
        .join(ProtocolSignature, ProtocolSignature.protocol_id == Protocol.id)
        .where(
            ProtocolSignature.organization_id == organization_id,
            ProtocolSignature.withdrawn_at.is_(None),
            Protocol.status == ProtocolStatus.ADOPTED,
            policy.readable_clause(user),
        )
        .order_by(Protocol.adopted_at.desc())
        .limit(limit)
    ).all()
    return [
        events.ProfileLink(title=p.title, endpoint="spaces.protocol", values={"protocol_id": p.id}, note=name)
        for p, name in rows
    ]


# --- drafting -----------------------------------------------------------------------------------


def _freeze(actor: User, protocol: Protocol) -> ProtocolVersion:
    protocol.version_count += 1
    version = ProtocolVersion(
        protocol_id=protocol.id,
        number=protocol.version_count,
        title=protocol.title,
        body=protocol.body,
        created_by_id=actor.id,
    )
    db.session.add(version)
    db.session.flush()
    return version


def create(actor: User, space: Space, *, title: str, body: str, review_on: date | None = None) -> Protocol:
    if not policy.can_draft_protocol(actor, space):
        raise ProtocolError(_l("Seules l’animation de l’espace et l’équipe du réseau rédigent un protocole."))
    protocol = Protocol(
        space_id=space.id, title=title.strip(), body=body.strip(), review_on=review_on, author_id=actor.id
    )
    db.session.add(protocol)
    db.session.flush()
    _freeze(actor, protocol)
    return protocol


def update(
    actor: User, protocol: Protocol, *, title: str, body: str, review_on: date | None, base_version: int
) -> ProtocolVersion | None:
    """Save the draft; a changed text becomes a new version. ``base_version``: the version the
    form started from (someone else saved in between: refused, nothing is lost on their side)."""
    if not policy.can_edit_protocol(actor, protocol):
        raise ProtocolError(_l("Ce protocole ne se modifie plus : il est ouvert à la signature ou adopté."))
    if base_version != protocol.version_count:
        raise ProtocolError(
            _l("Une autre personne a enregistré une version entre-temps : relisez-la avant de modifier.")
        )
    protocol.review_on = review_on
    title, body = title.strip(), body.strip()
    if (title, body) == (protocol.title, protocol.body):
        db.session.flush()
        return None
    protocol.title, protocol.body = title, body
    protocol.updated_at = utcnow()
    return _freeze(actor, protocol)


# --- signature and adoption -----------------------------------------------------------------------


def _tell(protocol: Protocol, actor: User | None, kind: str, user_ids: list[int]) -> None:
    if user_ids:
        events.notify.send(
            None,
            user_ids=user_ids,
            kind=kind,
            title=protocol.title,
            endpoint="spaces.protocol",
            values={"protocol_id": protocol.id},
            actor_id=actor.id if actor else None,
        )


def _coordinators_of_space(space: Space) -> list[int]:
    seated = sa.select(SpaceMember.organization_id).where(SpaceMember.space_id == space.id)
    return list(
        db.session.scalars(
            sa.select(User.id).where(
                User.organization_id.in_(seated),
                User.role == Role.COORDINATOR,
                User.active,
                User.closed_at.is_(None),
            )
        )
    )


def open_for_signature(actor: User, protocol: Protocol) -> None:
    """The text is final: the member organizations' coordinators are asked to sign."""
    if not policy.can_edit_protocol(actor, protocol):
        raise ProtocolError(_l("Seul un protocole en rédaction s’ouvre à la signature."))
    if not protocol.body.strip():
        raise ProtocolError(_l("Le protocole n’a pas encore de texte."))
    protocol.status = ProtocolStatus.OPEN
    protocol.opened_at = protocol.updated_at = utcnow()
    db.session.flush()
    _tell(protocol, actor, "space_protocol_open", _coordinators_of_space(protocol.space))


def sign(actor: User, protocol: Protocol) -> ProtocolSignature:
    if not policy.can_sign_protocol(actor, protocol):
        raise ProtocolError(
            _l("Seule la coordination d’une organisation membre signe, tant que le protocole est ouvert.")
        )
    existing = signature_of(protocol, actor.organization_id)
    if existing is not None:
        if existing.withdrawn_at is not None:
            existing.withdrawn_at = None
            existing.signed_at = utcnow()
            existing.signed_by_id = actor.id
            db.session.flush()
        return existing
    signature = ProtocolSignature(
        protocol_id=protocol.id, organization_id=actor.organization_id, signed_by_id=actor.id
    )
    db.session.add(signature)
    db.session.flush()
    return signature


def withdraw(actor: User, protocol: Protocol) -> None:
    """Possible until adoption closes the signatures."""
    if not policy.can_sign_protocol(actor, protocol):
        raise ProtocolError(_l("Une signature ne se retire plus une fois le protocole adopté."))
    existing = signature_of(protocol, actor.organization_id)
    if existing is None or existing.withdrawn_at is not None:
        raise ProtocolError(_l("Votre organisation n’a pas signé ce protocole."))
    existing.withdrawn_at = utcnow()
    db.session.flush()


def can_adopt(user: User, protocol: Protocol) -> bool:
    return protocol.status == ProtocolStatus.OPEN and policy.can_draft_protocol(user, protocol.space)


def adopt(actor: User, protocol: Protocol, today: date, *, make_pdf: bool = True) -> None:
    """Close the signatures: the signing organizations have adopted the protocol. Its review date
    (a year unless set) is kept; the space is told; its PDF is made by a worker."""
    if not can_adopt(actor, protocol):
        raise ProtocolError(_l("Seul un protocole ouvert à la signature peut être déclaré adopté."))
    if len(signatories(protocol)) < MIN_SIGNATORIES:
        raise ProtocolError(
            _l(
                "Un protocole lie au moins %(n)s organisations : attendez leurs signatures.",
                n=MIN_SIGNATORIES,
            )
        )
    protocol.status = ProtocolStatus.ADOPTED
    protocol.adopted_at = protocol.updated_at = utcnow()
    if protocol.review_on is None or protocol.review_on <= today:
        protocol.review_on = today + DEFAULT_REVIEW
    protocol.review_reminded_on = None
    db.session.flush()
    _tell(protocol, actor, "space_protocol_adopted", people_of(protocol.space))
    if make_pdf:
        request_pdf(actor, protocol)


def can_archive(user: User, protocol: Protocol) -> bool:
    return protocol.status == ProtocolStatus.ADOPTED and policy.can_draft_protocol(user, protocol.space)


def archive(actor: User, protocol: Protocol) -> None:
    if not can_archive(actor, protocol):
        raise ProtocolError(_l("Seul un protocole adopté s’archive."))
    protocol.status = ProtocolStatus.ARCHIVED
    protocol.archived_at = protocol.updated_at = utcnow()
    db.session.flush()


# --- review -------------------------------------------------------------------------------------


def send_review_reminders(today: date) -> int:
    """Remind the space, once, that an adopted protocol is due for review (the scheduler calls it)."""
    due = db.session.scalars(
        sa.select(Protocol)
        .options(selectinload(Protocol.space))
        .where(
            Protocol.status == ProtocolStatus.ADOPTED,
            Protocol.review_on.is_not(None),
            Protocol.review_on <= today + REVIEW_NOTICE,
            Protocol.review_reminded_on.is_(None),
        )
    ).all()
    for protocol in due:
        people = set(people_of(protocol.space)) | {f.user_id for f in facilitators(protocol.space)}
        _tell(protocol, None, "space_protocol_review", sorted(people))
        protocol.review_reminded_on = today
    db.session.flush()
    return len(due)


# --- the PDF ------------------------------------------------------------------------------------


def _fingerprint(protocol: Protocol) -> str:
    names = [s.organization.name for s in signatories(protocol)]
    adopted_on = protocol.adopted_at.date().isoformat() if protocol.adopted_at else ""
    payload = json.dumps(
        [
            protocol.version_count,
            protocol.status.value,
            names,
            adopted_on,
            str(protocol.review_on),
            paper_size(),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def pdf_cache_key(protocol: Protocol) -> str:
    return f"space-protocol:{protocol.id}:v{protocol.version_count}:{_fingerprint(protocol)}"


def can_request_pdf(user: User, protocol: Protocol) -> bool:
    return protocol.status != ProtocolStatus.DRAFT and policy.can_see_protocol(user, protocol)


def current_pdf(protocol: Protocol) -> TaskRecord | None:
    return latest_task(pdf_cache_key(protocol)) if protocol.status != ProtocolStatus.DRAFT else None


def request_pdf(actor: User, protocol: Protocol) -> TaskRecord:
    """Ask a worker for the protocol's PDF as it stands (its text and signatories); reused while
    nothing changes."""
    if not can_request_pdf(actor, protocol):
        raise ProtocolError(_l("Le PDF se prépare une fois le protocole ouvert à la signature."))
    return request_render(
        kind=PDF_TASK_KIND,
        func="jobs.spaces.render_protocol",
        args=[protocol.id, protocol.version_count],
        user=actor,
        organization_id=None,
        cache_key=pdf_cache_key(protocol),
    )


def can_see_pdf_task(task: TaskRecord, user: User) -> bool:
    """Every viewer, its requester included, must still see the protocol."""
    try:
        protocol = db.session.get(Protocol, int(task.args[0]))
    except (IndexError, TypeError, ValueError):
        return False
    return protocol is not None and policy.can_see_protocol(user, protocol)


def brief_context(protocol: Protocol, version: ProtocolVersion, locale: str = "fr") -> dict:
    """What the brief shows of a protocol, as primitives (``intranet.briefs``)."""
    french = locale == "fr"
    body, toc = number_headings(str(prepare(version.body, french)))
    names = [plain(s.organization.name, french) for s in signatories(protocol)]
    with force_locale(locale):
        facts: list[tuple[str, Markup | str]] = [(_("Espace"), plain(protocol.space.name, french))]
        if protocol.adopted_at:
            facts.append((_("Adopté le"), format_date(protocol.adopted_at, "long")))
        if protocol.review_on:
            facts.append((_("À revoir avant le"), format_date(protocol.review_on, "long")))
        if names:
            facts.append(
                (_("Signataires"), ngettext("%(num)s organisation", "%(num)s organisations", len(names)))
            )
        notice = ""
        if protocol.status == ProtocolStatus.OPEN:
            notice = _("Ouvert à la signature, version %(n)s : pas encore adopté.", n=version.number)
        elif protocol.status == ProtocolStatus.ARCHIVED:
            notice = _("Protocole archivé : il ne s’applique plus.")
        content = BriefContent(
            lang=locale,
            network_name=current_app.config["NETWORK_NAME"],
            kind=_("Protocole de collaboration"),
            title=plain(version.title, french),
            body=Markup(body),
            toc=toc,
            layout=layout_for(len(toc), word_count(version.body)),
            facts=facts,
            notice=notice,
            signatories_heading=_("Organisations signataires"),
            signatories=[{"name": n, "note": ""} for n in names],
        )
        return content.as_context()


# --- digests ------------------------------------------------------------------------------------


def digest_items(user: User, since: datetime) -> list[events.DigestItem]:
    return digest_items_many([(user, since)])[user.id]


def digest_items_many(members: Sequence[tuple]) -> dict[int, list[events.DigestItem]]:
    """Protocols opened for signature or adopted at the tables where each member's organization
    sits, in two queries for the whole chunk (the seats, then the protocols)."""
    if not members:
        return {}
    spaces_of = seats_of({user.organization_id for user, _since in members})
    seated = set().union(*spaces_of.values())
    earliest = min(since for _user, since in members)
    found_rows = (
        db.session.execute(
            sa.select(Protocol, Space.name, Space.region_id)
            .join(Space, Space.id == Protocol.space_id)
            .where(
                Protocol.space_id.in_(seated),
                Protocol.status.in_([ProtocolStatus.OPEN, ProtocolStatus.ADOPTED]),
                sa.func.coalesce(Protocol.adopted_at, Protocol.opened_at) > earliest,
            )
            .order_by(Protocol.updated_at.desc())
        ).all()
        if seated
        else []
    )
    found: dict[int, list[events.DigestItem]] = {}
    for user, since in members:
        mine = spaces_of.get(user.organization_id, set())
        found[user.id] = [
            events.DigestItem(
                kind="space_protocol",
                title=protocol.title,
                endpoint="spaces.protocol",
                values={"protocol_id": protocol.id},
                organization_name=space_name,
                when=protocol.adopted_at or protocol.opened_at,
                region_id=region_id,
            )
            for protocol, space_name, region_id in found_rows
            if protocol.space_id in mine and (protocol.adopted_at or protocol.opened_at) > since
        ][:20]
    return found


def organizations_signing(protocol: Protocol) -> list[Organization]:
    """Member organizations of the space that have not signed yet (the page lists them)."""
    signed = sa.select(ProtocolSignature.organization_id).where(
        ProtocolSignature.protocol_id == protocol.id, ProtocolSignature.withdrawn_at.is_(None)
    )
    return list(
        db.session.scalars(
            sa.select(Organization)
            .join(SpaceMember, SpaceMember.organization_id == Organization.id)
            .where(SpaceMember.space_id == protocol.space_id, Organization.id.not_in(signed))
            .order_by(Organization.name)
        )
    )
