"""Backups that restore: the database (consistent while the site runs) and the ``instance/`` files.

A backup is one ``.tar.gz`` file holding ``manifest.json``, the database and ``files/`` (uploads,
exports... everything under ``instance/`` except the database itself, Redis's files and
temporary files).

* SQLite: SQLite's online backup API copies a consistent snapshot while others keep writing.
* PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot) when it is on the PATH and
  ``pg_restore`` to restore; otherwise a portable dump through SQLAlchemy (every table as JSON
  lines, read in one REPEATABLE READ transaction so it is consistent too).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..database import UTCDateTime, utcnow
from ..extensions import db

FORMAT_VERSION = 1
SKIP_INSTANCE = ("redis", "backups", "config.py", "static")  # static/: built at start (assets.py)
SKIP_SUFFIXES = (".db", ".db-wal", ".db-shm", ".tmp", ".pid", ".sock")


class BackupError(Exception):
    pass


def schema_fingerprint() -> str:
    """Tables and columns of the models: a backup restores only into the same schema."""
    shape = sorted((t.name, sorted(c.name for c in t.columns)) for t in db.metadata.sorted_tables)
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


def prune_backups(
    directory: Path, days: int, *, keep: Path | None = None, now: datetime | None = None
) -> list[Path]:
    """Delete the Passerelle backups in ``directory`` made more than ``days`` days ago (by the
    date in their manifest, not the file's), never ``keep``; other files are left alone.
    ``days`` 0 or less keeps everything. Returns the deleted paths.

    A redaction (``intranet.redaction``) cannot reach into a backup: the retention bounds how
    long an older copy of a removed text survives (docs/SECURITY.md)."""
    if days <= 0:
        return []
    cutoff = (now or utcnow()) - timedelta(days=days)
    deleted = []
    for path in sorted(Path(directory).glob("*.tar.gz")):
        if keep is not None and path.resolve() == Path(keep).resolve():
            continue
        try:
            created = datetime.fromisoformat(read_manifest(path)["created_at"])
        except (BackupError, OSError, KeyError, TypeError, ValueError):
            continue  # not one of ours, or unreadable: not ours to delete
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created < cutoff:
            path.unlink()
            deleted.append(path)
    return deleted


def _libpq_url(url: sa.engine.URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_env(url: sa.engine.URL) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _instance_files(instance: Path):
    database = Path(db.engine.url.database or "").resolve() if db.engine.dialect.name == "sqlite" else None
    for path in sorted(instance.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(instance)
        if rel.parts[0] in SKIP_INSTANCE or path.name.endswith(SKIP_SUFFIXES):
            continue
        if database is not None and path.resolve() == database:
            continue
        yield path, rel


def _sqlite_snapshot(target: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)  # called on SQLite only
        with dest:
            driver.backup(dest)
        dest.close()
    finally:
        raw.close()


def _plain(value):
    if isinstance(value, datetime | date):
        return {"$dt": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool | dict | list):
        return value.value  # enums
    return value


def _portable_dump(target: Path) -> dict:
    counts = {}
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin(), target.open("w", encoding="utf-8") as out:
            for table in db.metadata.sorted_tables:
                counts[table.name] = 0
                order = list(table.primary_key.columns)
                for row in conn.execute(sa.select(table).order_by(*order)).mappings():
                    out.write(
                        json.dumps({"t": table.name, "r": {k: _plain(v) for k, v in row.items()}}) + "\n"
                    )
                    counts[table.name] += 1
    return counts


def _table_counts() -> dict:
    return {
        t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


def backup(path: Path, *, portable: bool = False) -> dict:
    """Write a backup to ``path`` and return its manifest."""
    path = Path(path)
    instance = Path(current_app.instance_path)
    dialect = db.engine.dialect.name
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "created_at": utcnow().isoformat(),
        "dialect": dialect,
        "schema": schema_fingerprint(),
        "files": [],
    }
    with tempfile.TemporaryDirectory(prefix="passerelle-backup-") as tmp:
        work = Path(tmp)
        if dialect == "sqlite" and not portable:
            _sqlite_snapshot(work / "database.sqlite")
            manifest["database"] = {"kind": "sqlite", "name": "database.sqlite"}
        elif dialect == "postgresql" and not portable and shutil.which("pg_dump"):
            result = subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(work / "database.pgdump"),
                    "--dbname",
                    _libpq_url(db.engine.url),
                ],
                env=_pg_env(db.engine.url),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed (code {result.returncode})")
            manifest["database"] = {"kind": "pg_dump", "name": "database.pgdump"}
        else:
            counts = _portable_dump(work / "database.jsonl")
            manifest["database"] = {"kind": "portable", "name": "database.jsonl", "counts": counts}
        db.session.remove()
        manifest["counts"] = _table_counts()
        db.session.remove()
        files = list(_instance_files(instance))
        manifest["files"] = [str(rel) for _p, rel in files]
        tmp_path = path.with_name(path.name + ".tmp")
        path.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tmp_path, "w:gz") as tar:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / manifest["database"]["name"], arcname=manifest["database"]["name"])
            for source, rel in files:
                tar.add(source, arcname=f"files/{rel}")
        os.chmod(tmp_path, 0o600)  # a backup holds every account: only its owner reads it
        tmp_path.replace(path)
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.extractfile("manifest.json")
            if member is None:
                raise KeyError("manifest.json")
            manifest = json.load(member)
    except (KeyError, tarfile.TarError, ValueError) as exc:
        raise BackupError("not a Passerelle backup (no readable manifest.json)") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _restore_portable(source: Path) -> None:
    db.session.remove()
    tables = {t.name: t for t in db.metadata.sorted_tables}
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        batch: dict[str, list] = {}
        with source.open(encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                table = tables.get(item["t"])
                if table is None:
                    continue
                row = {}
                for key, value in item["r"].items():
                    column = table.columns.get(key)
                    if column is None:
                        continue
                    if isinstance(value, dict) and "$dt" in value:
                        text = value["$dt"]
                        if "T" not in text:
                            value = date.fromisoformat(text)
                        else:
                            moment = datetime.fromisoformat(text)
                            if isinstance(column.type, UTCDateTime) and moment.tzinfo is None:
                                moment = moment.replace(tzinfo=UTC)
                            value = moment
                    elif isinstance(value, dict) and "$b64" in value:
                        value = base64.b64decode(value["$b64"])
                    row[key] = value
                batch.setdefault(table.name, []).append(row)
        for table in db.metadata.sorted_tables:  # parents before children
            rows = batch.get(table.name)
            if rows:
                conn.execute(table.insert(), rows)
        if conn.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                for column in table.primary_key.columns:
                    if column.autoincrement and isinstance(column.type, sa.Integer):
                        conn.execute(
                            sa.text(
                                "SELECT setval(pg_get_serial_sequence(:t, :c), "
                                f'COALESCE((SELECT MAX({column.name}) FROM "{table.name}"), 0) + 1, false)'
                            ),
                            {"t": table.name, "c": column.name},
                        )


def _restore_sqlite(source: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    target = db.engine.url.database
    assert target is not None  # a SQLite URL names its file
    src = sqlite3.connect(source)
    dest = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dest)
    finally:
        src.close()
        dest.close()
    db.engine.dispose()


def _restore_pg_dump(source: Path) -> None:
    if not shutil.which("pg_restore"):
        raise BackupError("this backup was made with pg_dump: pg_restore is needed to restore it")
    db.session.remove()
    db.engine.dispose()
    result = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--dbname",
            _libpq_url(db.engine.url),
            str(source),
        ],
        env=_pg_env(db.engine.url),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (code {result.returncode}): {result.stderr[-500:]}")


def restore(path: Path, *, force: bool = False) -> dict:
    """Replace the database and the instance files with the backup's. Stop the web and the workers first."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest["schema"] != schema_fingerprint() and not force:
        raise BackupError(
            "the backup was made with another version of the schema (use --force to restore anyway)"
        )
    kind = manifest["database"]["kind"]
    dialect = db.engine.dialect.name
    if (kind == "sqlite" and dialect != "sqlite") or (kind == "pg_dump" and dialect != "postgresql"):
        raise BackupError(f"a {kind} backup cannot be restored into {dialect}: make a portable backup")
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory(prefix="passerelle-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(work, filter="data")  # refuses absolute paths, "..", links outside
        source = work / manifest["database"]["name"]
        if kind == "sqlite":
            _restore_sqlite(source)
        elif kind == "pg_dump":
            _restore_pg_dump(source)
        else:
            _restore_portable(source)
        files = work / "files"
        for rel in manifest["files"]:
            target = instance / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(files / rel, target)
    db.session.remove()
    return manifest
