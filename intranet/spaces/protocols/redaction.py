"""A protocol's text can be redacted (``intranet.redaction``): from the protocol, its versions and
the PDFs made from it; and the moderators' queue names protocols (``intranet.guard``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...extensions import db
from ...guard import register_object
from ...redaction.registry import RedactableKind, register_kind
from .. import policy
from .models import Protocol, ProtocolVersion

FIELDS = ("title", "body")


def _versions(protocol: Protocol) -> list:
    rows = db.session.scalars(
        sa.select(ProtocolVersion).where(ProtocolVersion.protocol_id == protocol.id)
    ).all()
    return [(row, FIELDS) for row in rows]


def _authors(protocol: Protocol) -> set[int | None]:
    writers = db.session.scalars(
        sa.select(ProtocolVersion.created_by_id).where(ProtocolVersion.protocol_id == protocol.id)
    )
    return {protocol.author_id, *writers}


def _link(object_id: int, user: User) -> str | None:
    protocol = db.session.get(Protocol, object_id)
    if protocol is None or not policy.can_see_protocol(user, protocol):
        return None
    return url_for("spaces.protocol", protocol_id=protocol.id)


def register(app: Flask) -> None:
    register_object(app, "space_protocol", _l("Protocole d’un espace"), _link)
    register_kind(
        app,
        RedactableKind(
            kind="space_protocol",
            model=Protocol,
            fields=FIELDS,
            label=_l("Protocole d’un espace"),
            can_view=policy.can_see_protocol,
            authors=_authors,
            organization_id=lambda protocol: None,
            back=lambda protocol: url_for("spaces.protocol", protocol_id=protocol.id),
            description=lambda protocol: protocol.title,
            related=_versions,
            cache_keys=lambda protocol: [f"space-protocol:{protocol.id}:"],
        ),
    )
