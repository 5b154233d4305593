"""Meetings' texts under the guard and redaction (DOMAIN rule 8): the moderators' queue links to a
meeting, and its agenda and minutes can be redacted for good (their author or staff)."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...guard import register_object
from ...redaction.registry import RedactableKind, register_kind
from .. import policy
from .models import Meeting, MeetingAttachment


def _meeting(meeting_id: int, user) -> str | None:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not policy.can_read(user, meeting.space):
        return None
    return url_for("spaces.meeting", meeting_id=meeting.id)


def _attachment(attachment_id: int, user) -> str | None:
    attachment = db.session.get(MeetingAttachment, attachment_id)
    return _meeting(attachment.meeting_id, user) if attachment else None


def register(app: Flask) -> None:
    register_object(app, "space_meeting", _l("Rencontre d’un espace"), _meeting)
    register_object(app, "space_meeting_attachment", _l("Pièce jointe d’un compte rendu"), _attachment)
    register_kind(
        app,
        RedactableKind(
            kind="space_meeting",
            model=Meeting,
            fields=("agenda", "minutes"),
            label=_l("Ordre du jour et compte rendu d’une rencontre"),
            can_view=lambda user, meeting: policy.can_read(user, meeting.space),
            authors=lambda meeting: {meeting.created_by_id, meeting.minutes_by_id},
            organization_id=lambda meeting: None,
            back=lambda meeting: url_for("spaces.meeting", meeting_id=meeting.id),
            description=lambda meeting: _("Rencontre « %(title)s »", title=meeting.title),
        ),
    )
