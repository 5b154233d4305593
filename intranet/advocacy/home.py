"""The advocacy section of the home page: what waits for this person, nothing otherwise."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..accounts.models import User
from ..extensions import db
from ..home.desk import DeskEntry, Waiting
from ..network import network_today
from . import services
from .models import Cosignature, Position, Status


def provide_home_section(user: User) -> dict | None:
    # Staff find the texts to review on their desk (desk_reviews below), not twice.
    to_review: list[Position] = []
    to_revise = list(
        db.session.scalars(
            sa.select(Position)
            .where(
                Position.organization_id == user.organization_id,
                Position.status == Status.CHANGES_REQUESTED,
            )
            .order_by(Position.updated_at.desc())
            .limit(5)
        )
    )
    to_sign = []
    if user.is_coordinator_of(user.organization_id):
        signed = {
            s.position_id
            for s in db.session.scalars(
                sa.select(Cosignature).where(
                    Cosignature.organization_id == user.organization_id,
                    Cosignature.withdrawn_at.is_(None),
                )
            )
        }
        to_sign = [
            p
            for p in services.open_for_cosigning(user, network_today())
            if p.id not in signed and p.organization_id != user.organization_id
        ][:5]
    if not (to_review or to_revise or to_sign):
        return None
    return {"to_review": to_review, "to_revise": to_revise, "to_sign": to_sign}


def desk_reviews(user: User) -> Waiting:
    count, oldest = services.awaiting_review()
    return Waiting(
        count=count,
        label=ngettext("texte à réviser", "textes à réviser", count),
        url=url_for("advocacy.index") + "#adv-queue",
        link_text=_("Ouvrir la file de révision"),
        entries=[DeskEntry(p.title, url_for("advocacy.show", position_id=p.id)) for p in oldest],
    )
