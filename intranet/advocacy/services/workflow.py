"""The review workflow: a text's steps (submit, review, request changes, approve, publish,
archive), each announced; comments on a version."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ... import events
from ...accounts.models import User
from ...database import utcnow
from ...extensions import db
from .. import policy
from ..announce import announce, object_key, owners_to_tell, reviewers
from ..models import Comment, Position, Status, Transition, Version
from .briefs import request_brief
from .common import AdvocacyError
from .drafting import _freeze_version


def transition(user: User, position: Position, action: str, note: str = "") -> Transition:
    if not policy.can_transition(user, position, action):
        raise AdvocacyError(_l("Cette étape n’est pas possible pour ce texte."))
    if action in ("submit", "resubmit"):
        if not position.demands:
            raise AdvocacyError(_l("Ajoutez au moins une revendication avant de soumettre."))
        if not position.body.strip():
            raise AdvocacyError(_l("Le texte est vide."))
    note = (note or "").strip()[:4000]
    if action == "request_changes" and not note:
        raise AdvocacyError(_l("Dites ce qui doit changer (note obligatoire)."))
    _sources, target, _who = policy.TRANSITIONS[action]
    source = position.status
    now = utcnow()
    version_number = position.latest_version.number if position.latest_version else None
    if action in ("submit", "resubmit"):
        version_number = _freeze_version(user, position).number
        if position.submitted_at is None:
            position.submitted_at = now
    if action == "publish":
        position.published_at = now
    position.status = target
    position.revision += 1
    position.updated_at = now
    step = Transition(
        position_id=position.id,
        action=action,
        from_status=source,
        to_status=target,
        actor_id=user.id,
        note=note,
        version_number=version_number,
        created_at=now,
    )
    db.session.add(step)
    db.session.flush()
    announce(user, position, step)
    if target == Status.PUBLISHED or source == Status.PUBLISHED:  # audit log (intranet.audit)
        events.audit.send(
            None,
            action="advocacy.published" if target == Status.PUBLISHED else "advocacy.unpublished",
            actor_id=user.id,
            organization_id=position.organization_id,
            target_type="advocacy_position",
            target_id=position.id,
            details={"step": action},
        )
    if action == "publish":
        # The library offers the brief at once: render it now rather than on the first click.
        request_brief(user, position)
    return step


def add_comment(user: User, version: Version, body: str) -> Comment:
    position = version.position
    if not policy.can_comment(user, position):
        raise AdvocacyError(_l("Vous ne pouvez pas commenter ce texte."))
    body = (body or "").strip()
    if not body:
        raise AdvocacyError(_l("Le commentaire est vide."))
    comment = Comment(version_id=version.id, author_id=user.id, body=body[:8000])
    db.session.add(comment)
    db.session.flush()
    # Staff comments concern the owners; owners' replies concern the staff who reviewed.
    if user.is_staff and not policy.is_member_of_owner(user, position):
        targets = owners_to_tell(position)
    else:
        targets = reviewers(position)
    targets = [u for u in targets if u.id != user.id]
    if targets:
        events.notify.send(
            None,
            user_ids=[u.id for u in targets],
            kind="advocacy_comment",
            title=position.title,
            endpoint="advocacy.version",
            values={"position_id": position.id, "number": version.number},
            actor_id=user.id,
            organization_id=position.organization_id,
            object_key=object_key(position),  # comments on every version of the text count together
        )
    return comment
