"""An organization's answers: its figures, their checks, saving, submitting, correcting.

The figures typed in a form arrive as text, field by field (``field_name``); ``check`` turns them
into whole numbers and says what is wrong (errors block a submission) or surprising (warnings:
a figure more than half away from last year's asks for a confirmation).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..models import Campaign, CampaignStatus, Question, Response, ResponseStatus, Value
from . import CensusError

MAX_FIGURE = 10_000_000
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def field_name(question_id: int, category: str = "") -> str:
    return f"q{question_id}-{category}" if category else f"q{question_id}"


def cells_of(question: Question) -> list[str]:
    return [""] + [c for c, _label in question.categories]


@dataclass
class Checked:
    values: dict[tuple[int, str], int | None] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    errors: dict[str, object] = field(default_factory=dict)
    warnings: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def complete(self) -> bool:
        return all(v is not None for v in self.values.values())


def check(
    campaign: Campaign, raw: Mapping[str, str], *, complete: bool, last_year: Mapping[str, int]
) -> Checked:
    """Read and check the figures of ``raw`` (form fields). ``complete``: every figure is required."""
    result = Checked()
    for question in campaign.questions:
        for category in cells_of(question):
            name = field_name(question.id, category)
            text = (raw.get(name) or "").strip()
            result.raw[name] = text
            digits = _SPACES.sub("", text)
            value = None
            if not digits:
                if complete:
                    result.errors[name] = _l("Indiquez un nombre (0 s’il n’y en a aucun).")
            elif not digits.isdigit():
                result.errors[name] = _l("Un nombre entier, 0 ou plus, sans décimale.")
            elif int(digits) > MAX_FIGURE:
                result.errors[name] = _l("Ce nombre est trop grand.")
            else:
                value = int(digits)
            result.values[(question.id, category)] = value
    for question in campaign.questions:
        total = result.values[(question.id, "")]
        if question.categories and total is not None:
            parts = [result.values[(question.id, c)] for c, _label in question.categories]
            known = [p for p in parts if p is not None]
            if len(known) == len(parts) and sum(known) != total:
                result.errors.setdefault(
                    field_name(question.id),
                    _l(
                        "Les catégories font %(sum)s, pas le total de %(total)s.", sum=sum(known), total=total
                    ),
                )
        children = [q for q in campaign.questions if q.parent_id == question.id]
        if children and total is not None:
            parts = [result.values[(child.id, "")] for child in children]
            known = [p for p in parts if p is not None]
            if len(known) == len(parts) and sum(known) != total:
                result.errors.setdefault(
                    field_name(question.id),
                    _l("Ses parties font %(sum)s, pas le total de %(total)s.", sum=sum(known), total=total),
                )
        last = last_year.get(question.key)
        if last and total is not None and abs(total - last) * 2 > last:
            result.warnings[field_name(question.id)] = _l(
                "Plus de la moitié d’écart avec la dernière fois (%(last)s) : vérifiez ce chiffre.", last=last
            )
    return result


def response_of(campaign: Campaign, organization_id: int) -> Response | None:
    return db.session.scalar(
        sa.select(Response).where(
            Response.campaign_id == campaign.id, Response.organization_id == organization_id
        )
    )


def last_year(campaign: Campaign, organization_id: int) -> dict[str, int]:
    """The organization's own figures in its latest earlier campaign of the same kind of period."""
    previous = db.session.scalar(
        sa.select(Response)
        .join(Campaign, Campaign.id == Response.campaign_id)
        .where(
            Response.organization_id == organization_id,
            Response.status == ResponseStatus.SUBMITTED,
            Campaign.id != campaign.id,
            Campaign.period == campaign.period,
            Campaign.starts_on < campaign.starts_on,
            Campaign.status == CampaignStatus.CLOSED,
        )
        .order_by(Campaign.starts_on.desc())
        .limit(1)
    )
    if previous is None:
        return {}
    rows = db.session.execute(
        sa.select(Question.key, Value.value)
        .join(Value, Value.question_id == Question.id)
        .where(Value.response_id == previous.id, Value.category == "")
    ).all()
    return dict(rows)


def initial_raw(response: Response) -> dict[str, str]:
    return {field_name(qid, cat): str(value) for (qid, cat), value in response.figures().items()}


def save(user: User, response: Response, checked: Checked, highlights: str, *, submit: bool) -> Response:
    """Save the figures; ``submit`` (or a correction of a submitted answer) needs them complete
    and checked. The caller re-shows the form when ``checked`` has errors: nothing is written."""
    if not policy.can_answer(user, response):
        raise CensusError(_l("Ce questionnaire n’est pas ouvert à vos réponses."))
    submitting = submit or response.status == ResponseStatus.SUBMITTED
    if not checked.ok or (submitting and not checked.complete()):
        raise CensusError(_l("Corrigez les chiffres signalés."))
    by_key = {(v.question_id, v.category): v for v in response.values}
    for key, value in checked.values.items():
        existing = by_key.pop(key, None)
        if value is None:
            if existing is not None:
                response.values.remove(existing)
        elif existing is None:
            response.values.append(Value(question_id=key[0], category=key[1], value=value))
        else:
            existing.value = value
    for stale in by_key.values():
        response.values.remove(stale)
    response.highlights = (highlights or "").strip()
    response.updated_at = utcnow()
    response.updated_by_id = user.id
    if submitting:
        response.status = ResponseStatus.SUBMITTED
        response.submitted_at = utcnow()
        response.highlights_published = False
        response.campaign.touch()
    else:
        response.status = ResponseStatus.DRAFT
    db.session.flush()
    return response


def open_for(user: User) -> list[tuple[Campaign, Response]]:
    """The open campaigns that ask the user's organization, with its response (coordinators)."""
    if user.role != "coordinator":
        return []
    rows = db.session.execute(
        sa.select(Campaign, Response)
        .join(Response, Response.campaign_id == Campaign.id)
        .where(Campaign.status == CampaignStatus.OPEN, Response.organization_id == user.organization_id)
        .order_by(Campaign.closes_on)
    ).all()
    return [(c, r) for c, r in rows]
