"""Every form with a Markdown field, present and future, offers the editor on its page: the preview
(the button without script, the live region with htmx) and the formatting help.

The form classes come from the guard's walker (every FlaskForm of the package); each one with a
``GuardedMarkdownField`` needs an entry in ``EDITOR_PAGES``: who opens which page of the demo data
that shows it. A new Markdown form without one fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import url_for

from intranet.extensions import db
from tests.conftest import sign_in
from tests.guard.test_walker import all_forms

#: Texts that pages render as Markdown (``|markdown`` and its kin): they must be Markdown fields.
RENDERED_AS_MARKDOWN = {
    "intranet.practices.forms.PracticeForm.body",
    "intranet.practices.forms.CommentForm.body",
    "intranet.advocacy.forms.PositionForm.summary",
    "intranet.advocacy.forms.PositionForm.body",
    "intranet.advocacy.forms.CommentForm.body",
    "intranet.trainings.forms.TrainingForm.description",
    "intranet.spaces.forms.ThreadForm.body",
    "intranet.spaces.forms.PostForm.body",
    "intranet.spaces.forms.SpaceForm.description",
    "intranet.spaces.forms.SpaceSettingsForm.description",
    "intranet.spaces.forms.ProposalForm.body",
    "intranet.spaces.forms.OutcomeForm.outcome",
    "intranet.spaces.protocols.forms.ProtocolForm.body",
    "intranet.spaces.meetings.forms.MeetingForm.agenda",
    "intranet.spaces.meetings.forms.MinutesForm.minutes",
}


def _first(statement):
    found = db.session.scalars(statement.limit(1)).first()
    assert found is not None, f"the demo data has nothing for {statement}"
    return found


def _practice() -> str:
    from intranet.practices.models import Practice, Visibility

    practice = _first(
        sa.select(Practice)
        .where(Practice.status == "published", Practice.visibility == Visibility.NETWORK)
        .order_by(Practice.id)
    )
    return url_for("practices.show", practice_id=practice.id)


def _position_version() -> str:
    from intranet.advocacy.models import Position, Status

    under_review = (
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.RESUBMITTED,
        Status.APPROVED,
    )
    position = _first(
        sa.select(Position)
        .where(Position.status.in_(under_review), Position.versions.any())
        .order_by(Position.id)
    )
    return url_for("advocacy.version", position_id=position.id, number=position.versions[-1].number)


def _space() -> int:
    from intranet.spaces.models import Space

    return _first(sa.select(Space).order_by(Space.id)).id


def _thread() -> str:
    from intranet.spaces.models import Thread

    return url_for("spaces.thread", thread_id=_first(sa.select(Thread).order_by(Thread.id)).id)


def _open_proposal() -> str:
    from intranet.spaces.models import Proposal

    proposal = _first(sa.select(Proposal).where(Proposal.outcome_at.is_(None)).order_by(Proposal.id))
    return url_for("spaces.proposal", proposal_id=proposal.id)


def _past_meeting() -> str:
    from intranet.database import utcnow
    from intranet.spaces.meetings.models import Meeting

    meeting = _first(sa.select(Meeting).where(Meeting.starts_at < utcnow()).order_by(Meeting.id))
    return url_for("spaces.minutes", meeting_id=meeting.id)


#: Form class -> (demo role, the page that shows it).
EDITOR_PAGES: dict[str, tuple[str, Callable[[], str]]] = {
    "intranet.practices.forms.PracticeForm": ("member", lambda: url_for("practices.new")),
    "intranet.practices.forms.CommentForm": ("member", _practice),
    "intranet.advocacy.forms.PositionForm": ("coordinator", lambda: url_for("advocacy.create")),
    "intranet.advocacy.forms.CommentForm": ("staff", _position_version),
    "intranet.trainings.forms.TrainingForm": ("staff", lambda: url_for("trainings.new_training")),
    "intranet.spaces.forms.SpaceForm": ("staff", lambda: url_for("spaces.create")),
    "intranet.spaces.forms.SpaceSettingsForm": (
        "staff",
        lambda: url_for("spaces.settings", space_id=_space()),
    ),
    "intranet.spaces.forms.ThreadForm": ("staff", lambda: url_for("spaces.new_thread", space_id=_space())),
    "intranet.spaces.forms.PostForm": ("staff", _thread),
    "intranet.spaces.forms.ProposalForm": (
        "staff",
        lambda: url_for("spaces.new_proposal", space_id=_space()),
    ),
    "intranet.spaces.forms.OutcomeForm": ("staff", _open_proposal),
    "intranet.spaces.protocols.forms.ProtocolForm": (
        "staff",
        lambda: url_for("spaces.new_protocol", space_id=_space()),
    ),
    "intranet.spaces.meetings.forms.MeetingForm": (
        "staff",
        lambda: url_for("spaces.new_meeting", space_id=_space()),
    ),
    "intranet.spaces.meetings.forms.MinutesForm": ("staff", _past_meeting),
}


def _name(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _markdown_fields(cls) -> list[str]:
    return [
        name
        for name, unbound in vars(cls).items()
        if getattr(unbound, "field_class", None) is not None
        and getattr(unbound.field_class, "markdown", False)
    ]


def _markdown_forms() -> dict[str, list[str]]:
    forms = {}
    for cls in all_forms():
        fields = _markdown_fields(cls)
        if fields:
            forms[_name(cls)] = fields
    return forms


def test_every_text_rendered_as_markdown_is_written_in_the_editor():
    forms = _markdown_forms()
    declared = {f"{form}.{field}" for form, fields in forms.items() for field in fields}
    assert RENDERED_AS_MARKDOWN <= declared, sorted(RENDERED_AS_MARKDOWN - declared)


def test_every_form_with_a_markdown_field_has_a_page_to_check():
    assert set(_markdown_forms()) == set(EDITOR_PAGES), (
        "a form with a Markdown field needs its page in EDITOR_PAGES (and one gone must leave it)"
    )


@pytest.fixture
def demo(app, db):
    from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo

    load_demo()
    roles = ("admin", "staff", "coordinator", "member", "partner")
    return {role: ACCOUNTS[i][0] for i, role in enumerate(roles)}, DEMO_PASSWORD


def test_every_markdown_form_offers_the_preview_and_the_help_on_its_page(app, demo):
    emails, password = demo
    clients: dict[str, object] = {}
    forms = _markdown_forms()
    checked = 0
    for form, (role, page) in sorted(EDITOR_PAGES.items()):
        if role not in clients:
            clients[role] = app.test_client()
            assert sign_in(clients[role], emails[role], password).status_code == 303
        with app.test_request_context():
            url = page()
        response = clients[role].get(url)
        assert response.status_code == 200, (form, url, response.status_code)
        html = response.get_data(as_text=True)
        for field in forms[form]:
            where = (form, field, url)
            # The button that works without script...
            assert re.search(
                rf'<button type="submit" name="_preview" value="{field}"[^>]*>Prévisualiser</button>', html
            ), where
            # ...the live preview as one types, into the field's region...
            area = re.search(rf'<textarea[^>]*\bname="{field}"[^>]*>', html)
            assert area, where
            assert 'hx-post="/apercu"' in area.group(0) and f'hx-target="#{field}-apercu"' in area.group(0), (
                where
            )
            assert f'id="{field}-apercu"' in html, where
            # ...and the formatting help beside it.
            assert '<details class="md-help"><summary>Mise en forme</summary>' in html, where
            checked += 1
    assert checked >= len(RENDERED_AS_MARKDOWN)
