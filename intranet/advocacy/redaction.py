"""What of advocacy can be redacted (``intranet.redaction``): a submitted version of a text
(with the working copy and the other versions that hold the same passage), and a review comment."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..redaction.registry import RedactableKind, register_kind
from . import policy
from .models import Comment, Version

TEXT_FIELDS = ("title", "addressee", "summary", "body", "demands")


def _version_related(version: Version) -> list:
    others = db.session.scalars(
        sa.select(Version).where(Version.position_id == version.position_id, Version.id != version.id)
    ).all()
    return [(version.position, TEXT_FIELDS), *((other, TEXT_FIELDS) for other in others)]


def _version_after(version: Version, changed: list) -> None:
    if version.position in changed:
        version.position.revision += 1  # an edit form opened before is a conflict, not a reversal


def _brief_keys(position_id: int) -> list[str]:
    return [f"advocacy-brief:{position_id}:"]


def register(app: Flask) -> None:
    register_kind(
        app,
        RedactableKind(
            kind="advocacy_version",
            model=Version,
            fields=TEXT_FIELDS,
            label=_l("Version d’un texte de plaidoyer"),
            can_view=lambda user, version: policy.can_view_history(user, version.position),
            authors=lambda version: {version.position.author_id, version.created_by_id},
            organization_id=lambda version: version.position.organization_id,
            back=lambda version: url_for(
                "advocacy.version", position_id=version.position_id, number=version.number
            ),
            description=lambda version: _(
                "Version %(n)s de « %(title)s »", n=version.number, title=version.position.title
            ),
            related=_version_related,
            after=_version_after,
            cache_keys=lambda version: _brief_keys(version.position_id),
        ),
    )
    register_kind(
        app,
        RedactableKind(
            kind="advocacy_comment",
            model=Comment,
            fields=("body",),
            label=_l("Commentaire de révision"),
            can_view=lambda user, comment: policy.can_view_history(user, comment.version.position),
            authors=lambda comment: {comment.author_id},
            organization_id=lambda comment: comment.version.position.organization_id,
            back=lambda comment: url_for(
                "advocacy.version",
                position_id=comment.version.position_id,
                number=comment.version.number,
                _anchor="commentaires",
            ),
            description=lambda comment: _(
                "Commentaire sur « %(title)s »", title=comment.version.position.title
            ),
            # The brief is made from the version, not from its comments: no file to delete.
        ),
    )
