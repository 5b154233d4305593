"""Regional tables and thematic spaces (issue 19): organizations of both sectors discuss together."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from .. import events
    from ..demo import register_demo
    from ..mail.inbound import register_inbound
    from ..notifications.services import register_kind
    from ..templating import add_nav
    from . import (  # noqa: F401  (models: the tables)
        decision_views,  # noqa: F401  (its routes join the blueprint)
        demo,
        models,
        redaction,
        replies,
        services,
    )
    from .views import bp

    app.register_blueprint(bp)
    add_nav("spaces.index", _l("Tables"), "member", 45)
    register_kind("space_reply", _l("Nouvelle réponse dans une discussion suivie"))
    register_kind("space_mention", _l("Mention dans une discussion"))
    register_kind("space_report", _l("Message signalé dans un espace"))
    register_kind("space_proposal", _l("Proposition à laquelle répondre"))
    register_kind("space_proposal_reminder", _l("Rappel : une proposition se clôt bientôt"))
    register_kind("space_outcome", _l("Décision conclue"))
    register_demo(60, demo.load)
    register_inbound(app, replies.PREFIX, replies.handle_reply)
    redaction.register(app)
    _words(app)
    events.register_digest_source(
        "spaces",
        50,
        _l("Nouvelles discussions à vos tables"),
        services.digest_items,
        interests="none",
        collect_many=services.digest_items_many,
    )


def _words(app: Flask) -> None:
    """The spaces' audit actions and the space itself as the audit log shows them."""
    from flask import url_for

    from ..extensions import db
    from ..objects import column_titles, register_object
    from ..vocabulary import register_words
    from . import policy
    from .models import Space

    def link(space_id: int, user) -> str | None:
        space = db.session.get(Space, space_id)
        return url_for("spaces.show", space_id=space_id) if space and policy.can_read(user, space) else None

    register_object(app, "space", _l("Espace"), link, column_titles(Space.name))
    register_words(
        app,
        "audit.action",
        {"space.seated": _l("Organisme ajouté à un espace"), "space.unseated": _l("Organisme retiré d’un espace")},
    )
