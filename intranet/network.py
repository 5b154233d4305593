"""The network's own settings, chosen by the administrator (one row, id 1).

No row means the defaults, which follow the network's country (``NETWORK_COUNTRY``): a Canadian
or American network prints on US Letter (its ministries' paper), every other network on A4.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import Model, db

LETTER = "letter"
A4 = "a4"
PAPER_SIZES = {LETTER: _l("Lettre US (216 × 279 mm)"), A4: _l("A4 (210 × 297 mm)")}
# CSS @page sizes WeasyPrint understands.
CSS_PAGE_SIZES = {LETTER: "letter", A4: "A4"}
LETTER_COUNTRIES = ("CA", "US")


class NetworkSettings(Model):
    __tablename__ = "network_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "letter", "a4", or "" for the country's paper.
    paper_size: Mapped[str] = mapped_column(sa.String(10), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))


def country_paper_size() -> str:
    """The paper of the network's country: Letter in Canada and the United States, A4 elsewhere."""
    country = str(current_app.config.get("NETWORK_COUNTRY") or "CA").upper()
    return LETTER if country in LETTER_COUNTRIES else A4


def chosen_paper_size() -> str:
    """What the administrator chose ("" when they left it to the country)."""
    row = db.session.get(NetworkSettings, 1)
    return row.paper_size if row is not None and row.paper_size in PAPER_SIZES else ""


def paper_size() -> str:
    """The paper documents are printed on: the administrator's choice, else the country's."""
    return chosen_paper_size() or country_paper_size()


def save_paper_size(actor_id: int | None, value: str) -> NetworkSettings:
    """Record the choice ("" gives it back to the country). Adds and flushes, never commits."""
    if value not in ("", *PAPER_SIZES):
        raise ValueError(f"unknown paper size {value!r}")
    row = db.session.get(NetworkSettings, 1)
    if row is None:
        row = NetworkSettings(id=1)
        db.session.add(row)
    row.paper_size = value
    row.updated_by_id = actor_id
    db.session.flush()
    return row


def network_zone() -> ZoneInfo:
    """The network's time zone (``NETWORK_TIMEZONE``): what its dates and hours mean."""
    return ZoneInfo(current_app.config["NETWORK_TIMEZONE"])


def network_today() -> date:
    """Today in the network's time zone (review dates, closing dates)."""
    return utcnow().astimezone(network_zone()).date()
