from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ..home.desk import register_desk_item
    from ..templating import add_nav
    from . import network  # noqa: F401  (its route joins the blueprint)
    from .views import bp, desk_failed_jobs, desk_organizations

    app.register_blueprint(bp)
    add_nav(
        app,
        "admin.organizations",
        _l("Organismes"),
        "staff",
        80,
        _l("Inviter des organismes et des personnes, nommer les coordinations."),
    )
    add_nav(
        app,
        "admin.jobs",
        _l("Tâches de fond"),
        "admin",
        90,
        _l("Files d’attente, échecs à relancer, courriels refusés."),
    )
    add_nav(app, "admin.network_settings", _l("Réseau"), "admin", 93, _l("Le papier des documents PDF."))
    register_desk_item(app, 40, "staff", desk_organizations)
    register_desk_item(app, 50, "admin", desk_failed_jobs)
    _words(app)


def _link_organization(org_id: int, user) -> str | None:
    from flask import url_for

    from ..accounts.models import Organization
    from ..extensions import db

    if not getattr(user, "is_staff", False) or db.session.get(Organization, org_id) is None:
        return None
    return url_for("admin.organization", org_id=org_id)


def _link_person(user_id: int, user) -> str | None:
    from ..accounts.models import User
    from ..extensions import db

    person = db.session.get(User, user_id)
    return _link_organization(person.organization_id, user) if person else None


def _words(app: Flask) -> None:
    """Accounts and organizations as the audit log links them; the jobs page's words."""
    from flask_babel import lazy_gettext as _l

    from ..accounts.models import Organization, User
    from ..objects import column_titles, register_object
    from ..vocabulary import register_words

    register_object(app, "user", _l("Compte"), _link_person, column_titles(User.name), model=User)
    register_object(
        app, "organization", _l("Organisme"), _link_organization, column_titles(Organization.name)
    )
    register_words(
        app,
        "queue",
        {
            "email": _l("Courriels"),
            "default": _l("Travaux courants"),
            "pdf": _l("Documents PDF"),
            "digest": _l("Résumés par courriel"),
        },
    )
    register_words(app, "task.kind", {"directory_csv": _l("Répertoire des organismes (CSV)")})
