"""Exports made by workers. Only what the reader may see; never an address (rules 1 and 3)."""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from intranet.accounts.models import Organization, User
from intranet.csvexport import MIMETYPE, csv_bytes
from intranet.extensions import db
from intranet.tasks.models import TaskRecord

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
    task = db.session.get(TaskRecord, task_id)
    asker = db.session.get(User, task.user_id) if task and task.user_id else None
    locale = asker.locale if asker else current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):  # the asker's words and separator (csvexport)
        header = [_("Organisme"), _("Secteur"), _("Région"), _("Ville"), _("Comptes actifs")]
        rows = [
            [org.name, org.sector.value, org.region.name, org.town, counts.get(org.id, 0)] for org in orgs
        ]
        body = csv_bytes(rows, header=header, locale=locale)
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.csv"
    (folder / name).write_bytes(body)
    return {"path": f"exports/{name}", "name": "repertoire-organismes.csv", "mimetype": MIMETYPE}
