"""Exports made by workers. Only what the reader may see; never an address (rules 1 and 3)."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from intranet.accounts.models import Organization, User
from intranet.extensions import db

from .runner import set_progress


def directory_csv(task_id: int) -> dict:
    """The organizations directory: name, sector, region, town, number of active accounts."""
    counts = dict(
        db.session.execute(
            sa.select(User.organization_id, sa.func.count(User.id))
            .where(User.active)
            .group_by(User.organization_id)
        ).all()
    )
    orgs = db.session.scalars(sa.select(Organization).order_by(Organization.name)).all()
    set_progress(task_id, 50)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["organisme", "secteur", "région", "ville", "comptes actifs"])
    for org in orgs:
        writer.writerow([org.name, org.sector.value, org.region.name, org.town, counts.get(org.id, 0)])
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.csv"
    (folder / name).write_text(buffer.getvalue(), encoding="utf-8-sig")
    return {"path": f"exports/{name}", "name": "repertoire-organismes.csv", "mimetype": "text/csv"}
