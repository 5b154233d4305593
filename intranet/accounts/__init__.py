from __future__ import annotations

from flask import Flask

#: ``app.extensions[FIRST_VISIT]``: the endpoint a person is sent to once they have accepted their
#: invitation (a feature that asks the first questions registers it; else the home page).
FIRST_VISIT = "passerelle.first_visit"


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from .demo import enrol_demo_team
    from .views import bp

    # Sign-in throttling (accounts/throttle.py): only failures count. One email from one address:
    # from the 5th failure in a row, 30 s, then 60 s... at most 15 minutes. One account from any
    # address (kept on the account): from the 10th. One address, whatever the emails: a ceiling.
    app.config.setdefault("LOGIN_PAIR_LOCK_AFTER", 5)
    app.config.setdefault("LOGIN_PAIR_WINDOW", 24 * 60 * 60)
    app.config.setdefault("LOGIN_LOCK_AFTER", 10)
    app.config.setdefault("LOGIN_LOCK_MAX", 15 * 60)
    app.config.setdefault("LOGIN_ADDRESS_FAILURES", "30 per 5 minutes;200 per day")
    # Between the right password and the second factor.
    app.config.setdefault("TWO_FACTOR_PENDING_MAX_AGE", 10 * 60)
    app.register_blueprint(bp)
    register_demo(app, 1, enrol_demo_team)
    _words(app)


def _words(app: Flask) -> None:
    """How the audit log says the accounts' codes (intranet.vocabulary)."""
    from flask_babel import lazy_gettext as _l

    from ..vocabulary import register_words
    from .forms import role_choices, sector_choices

    roles = dict(role_choices())
    for key in ("role", "before", "after"):
        register_words(app, f"audit.value.{key}", roles)
    register_words(app, "audit.value.sector", dict(sector_choices()))
    register_words(
        app,
        "audit.value.method",
        {
            "password": _l("mot de passe"),
            "totp": _l("mot de passe et code à usage unique"),
            "recovery": _l("mot de passe et code de secours"),
            "invitation": _l("invitation acceptée"),
            "reset": _l("lien de réinitialisation"),
        },
    )
    register_words(
        app,
        "audit.value.reason",
        {
            "password": _l("mot de passe erroné"),
            "unknown_account": _l("aucun compte à ce courriel"),
            "locked": _l("compte suspendu"),
            "inactive": _l("compte désactivé"),
        },
    )
