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
        search_source,
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
    search_source.register(app)
    events.register_digest_source(
        "spaces",
        50,
        _l("Nouvelles discussions à vos tables"),
        services.digest_items,
        interests="none",
        collect_many=services.digest_items_many,
    )
