"""Redaction that really removes (issue 14): the author, or the network's staff, replaces a
passage or a whole text by a neutral mark in the rows, the search index, cached files and
emails not yet sent. Features declare what can be redacted (``registry.register_kind``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from ..mail.models import OutboxMessage
    from . import policy
    from .registry import get_kind, register_copy, registry
    from .views import bp

    registry(app)
    app.register_blueprint(bp)
    register_copy(app, OutboxMessage.body_text)
    register_copy(app, OutboxMessage.body_html, html=True)

    def can_redact(kind: str, obj) -> bool:
        """For templates: whether to offer « Retirer » on this object."""
        redactable = get_kind(kind)
        return bool(
            redactable and current_user.is_authenticated and policy.can_redact(current_user, redactable, obj)
        )

    app.jinja_env.globals["can_redact"] = can_redact
