"""Who does what, where: the directory of the network's organizations and the inventory of
shared resources (issue 18), modelled on Open Referral HSDS 3.0, for members only."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def _desk(user):
    """The network's team sees on its home page what waits for it in the inventory."""
    from . import policy
    from .services import resources

    if not policy.can_moderate(user):
        return None
    counts = resources.desk_counts()
    return {"counts": counts} if any(counts.values()) else None


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from ..events import register_digest_source
    from ..home.sections import register_section
    from ..templating import add_nav
    from . import demo, search_source
    from .services import digest, profiles
    from .views import bp

    app.register_blueprint(bp)
    _words(app)
    add_nav(app, "directory.index", _l("Répertoire"), "member", 40)
    register_section(app, 250, "directory/_home.html", _desk)
    register_digest_source(
        app,
        "resources",
        40,
        _l("Ressources partagées nouvelles ou mises à jour"),
        digest.collect,
        interests="none",
        collect_many=digest.collect_many,
    )
    register_demo(app, 60, demo.load)
    search_source.register(app)

    @app.cli.command("directory-reindex")
    def directory_reindex() -> None:
        """Rebuild the search words of every profile and resource (after a migration or an import)."""
        import click

        from ..extensions import db

        count = profiles.reindex_all()
        db.session.commit()
        click.echo(f"{count} profiles and resources indexed.")


def _words(app: Flask) -> None:
    """The directory's audit actions and its resources as the audit log shows them."""
    from flask import url_for

    from ..extensions import db
    from ..objects import column_titles, register_object
    from ..vocabulary import register_words
    from . import policy
    from .models import Resource

    def link(resource_id: int, user) -> str | None:
        resource = db.session.get(Resource, resource_id)
        if resource is None or not policy.can_view_resource(user, resource):
            return None
        return url_for("directory.resource", resource_id=resource_id)

    register_object(app, "resource", _l("Ressource partagée"), link, column_titles(Resource.name))
    register_words(
        app,
        "audit.action",
        {
            "directory.resource_approved": _l("Ressource approuvée"),
            "directory.resource_rejected": _l("Ressource refusée"),
            "directory.reports_resolved": _l("Signalements d’une ressource traités"),
            "directory.profile_updated": _l("Profil d’organisme mis à jour"),
        },
    )
