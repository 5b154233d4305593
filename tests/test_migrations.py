"""The migrations build exactly the schema the models describe, on the test's backend."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from intranet.database import include_in_migrations

ROOT = Path(__file__).resolve().parent.parent


def _fresh_url(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'migrated.db'}"
    url = sa.engine.make_url(database_url)
    name = f"{url.database}_mig"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def test_upgrade_from_empty_matches_the_models(app, database_url, tmp_path):
    from intranet.extensions import db

    url = _fresh_url(database_url, tmp_path)
    env = dict(os.environ, PASSERELLE_ENV="testing", DATABASE_URL=url, PASSERELLE_INSTANCE_PATH=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade", "heads"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_in_migrations}
            )
            differences = compare_metadata(context, db.metadata)
    finally:
        engine.dispose()
    assert differences == [], "run `make migration`: the models and the migrations differ:\n" + "\n".join(
        map(str, differences)
    )
