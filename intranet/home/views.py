from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from rq import Worker

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
from ..queue import get_redis
from ..security import access
from ..tasks.models import TaskRecord
from ..urls import safe_next
from .desk import desk_for
from .sections import sections_for

bp = Blueprint("home", __name__)


def organization_section(user: User) -> dict:
    colleagues = db.session.scalar(
        sa.select(sa.func.count(User.id)).where(User.organization_id == user.organization_id, User.active)
    )
    return {"organization": user.organization, "colleagues": colleagues}


def tasks_section(user: User) -> dict | None:
    tasks = db.session.scalars(
        sa.select(TaskRecord).where(TaskRecord.user_id == user.id).order_by(TaskRecord.id.desc()).limit(5)
    ).all()
    return {"tasks": tasks} if tasks else None


@bp.route("/")
@access("member")
def index():
    return render_template(
        "home/index.html", sections=sections_for(current_user), desk=desk_for(current_user)
    )


@bp.route("/langue", methods=["POST"])
@access("public")
def set_language():
    lang = request.form.get("lang", "fr")
    if lang not in current_app.config["LANGUAGES"]:
        lang = "fr"
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("home.index")), code=303)


@bp.route("/sante")
@access("public")
def health():
    """Liveness of the web process, the database, Redis and the workers (no personal data)."""
    checks: dict[str, str] = {"web": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # reported, not hidden: the endpoint answers 503
        checks["database"] = type(exc).__name__
    try:
        conn = get_redis()
        conn.ping()
        checks["redis"] = "ok"
        workers = Worker.all(connection=conn)
        checks["workers"] = str(len(workers))
    except Exception as exc:
        checks["redis"] = type(exc).__name__
        checks["workers"] = "unknown"
    healthy = checks["database"] == "ok" and checks["redis"] == "ok"
    body = {"status": "ok" if healthy else "degraded", "checks": checks, "time": utcnow().isoformat()}
    return jsonify(body), 200 if healthy else 503
