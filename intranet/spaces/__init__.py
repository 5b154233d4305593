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
        decision_views,
        demo,
        models,
        redaction,
        replies,
        search_source,
        services,
    )
    from .meetings import feeds as meeting_feeds
    from .meetings import guarded as meeting_guarded
    from .meetings import models as meeting_models  # noqa: F401  (the tables)
    from .meetings import views as meeting_views  # noqa: F401  (its routes join the blueprint)
    from .views import bp

    _init_protocols(app)  # before the blueprint is registered: its routes join it
    app.register_blueprint(bp)
    add_nav(app, "spaces.index", _l("Tables"), "member", 45)
    register_kind(app, "space_reply", _l("Nouvelle réponse dans une discussion suivie"))
    register_kind(app, "space_mention", _l("Mention dans une discussion"))
    register_kind(app, "space_report", _l("Message signalé dans un espace"))
    register_kind(app, "space_proposal", _l("Proposition à laquelle répondre"))
    register_kind(app, "space_proposal_reminder", _l("Rappel : une proposition se clôt bientôt"))
    register_kind(app, "space_outcome", _l("Décision conclue"))
    register_kind(app, "space_meeting", _l("Rencontre annoncée"))
    register_kind(app, "space_meeting_date", _l("Date de rencontre retenue"))
    register_kind(app, "space_minutes", _l("Compte rendu publié"))
    register_kind(app, "space_meeting_reminder", _l("Rappel : rencontre demain"))
    register_demo(app, 60, demo.load)
    register_inbound(app, replies.PREFIX, replies.handle_reply)
    replies.register_email_kinds(app)
    redaction.register(app)
    meeting_guarded.register(app)

    _words(app)
    search_source.register(app)
    events.register_digest_source(
        app,
        "spaces",
        50,
        _l("Nouvelles discussions à vos tables"),
        services.digest_items,
        interests="none",
        collect_many=services.digest_items_many,
    )
    events.register_digest_source(
        app,
        "space_meetings",
        51,
        _l("Rencontres à venir à vos tables"),
        meeting_feeds.digest_items,
        interests="none",
        standing=True,
        collect_many=meeting_feeds.digest_items_many,
    )
    events.register_calendar_source(app, "space_meetings", meeting_feeds.calendar_events)


def _init_protocols(app: Flask) -> None:
    """Protocols of a space (spaces/protocols/): their routes, notifications, digest, PDF, profile."""
    from .. import events
    from ..demo import register_demo
    from ..mail.privacy import register_item_content
    from ..notifications.services import register_kind
    from ..tasks.services import register_task_access, register_task_guard
    from .protocols import demo as protocol_demo
    from .protocols import models as protocol_models  # noqa: F401  (the tables)
    from .protocols import redaction as protocol_redaction
    from .protocols import services as protocols
    from .protocols import views as protocol_views  # noqa: F401  (its routes join the blueprint)

    register_kind(app, "space_protocol_open", _l("Protocole à signer pour votre organisation"))
    register_kind(app, "space_protocol_adopted", _l("Protocole adopté"))
    register_kind(app, "space_protocol_review", _l("Protocole à revoir"))
    for kind in (*protocols.NOTIFICATION_KINDS, "space_protocol"):
        register_item_content(app, kind, "space")
    register_task_access(app, protocols.PDF_TASK_KIND, protocols.can_see_pdf_task)
    register_task_guard(app, protocols.PDF_TASK_KIND, protocols.can_see_pdf_task)
    events.register_profile_content(
        app, "space_protocols", 60, _l("Protocoles adoptés"), protocols.adopted_by
    )
    events.register_digest_source(
        app,
        "space_protocols",
        55,
        _l("Protocoles à vos tables"),
        protocols.digest_items,
        interests="none",
        collect_many=protocols.digest_items_many,
    )
    register_demo(app, 61, protocol_demo.load)
    protocol_redaction.register(app)


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
        {
            "space.seated": _l("Organisme ajouté à un espace"),
            "space.unseated": _l("Organisme retiré d’un espace"),
        },
    )
