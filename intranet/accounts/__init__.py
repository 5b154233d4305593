from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from ..demo import register_demo
    from .demo import enrol_demo_team
    from .views import bp

    # Lockout: from the 5th failure in a row, 30 s, then 60 s... at most 15 minutes.
    app.config.setdefault("LOGIN_LOCK_AFTER", 5)
    app.config.setdefault("LOGIN_LOCK_MAX", 15 * 60)
    # Between the right password and the second factor.
    app.config.setdefault("TWO_FACTOR_PENDING_MAX_AGE", 10 * 60)
    app.register_blueprint(bp)
    register_demo(1, enrol_demo_team)
