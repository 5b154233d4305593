"""Backup, wipe, restore: every record and every file comes back (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from intranet.extensions import db as _db


def _snapshot() -> dict:
    """Every row of every table, as comparable text."""
    result = {}
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            result[table.name] = [tuple(str(v) for v in row) for row in rows]
    return result


def _plant(app, make_user, make_org) -> dict:
    from intranet import events
    from intranet.accounts.models import Role

    org = make_org(name="Maison Sauvegarde", region="Gaspésie–Îles-de-la-Madeleine", town="Gaspé")
    make_user("coordinator", org=org, email="sauvegarde@essai.example", name="Josée Sauvegarde")
    staff = make_user("staff")
    events.audit.send(
        None,
        action="directory.exported",
        actor_id=staff.id,
        organization_id=None,
        target_type=None,
        target_id=None,
        details={"rows": 3},
    )
    assert staff.role == Role.STAFF
    _db.session.commit()
    instance = Path(app.instance_path)
    files = {
        "uploads/ab/cdef0123.pdf": b"%PDF-1.4 fictional upload\n" + bytes(range(256)),
        "exports/repertoire.csv": "organisme;ville\nMaison Sauvegarde;Gaspé\n".encode(),
    }
    for rel, content in files.items():
        (instance / rel).parent.mkdir(parents=True, exist_ok=True)
        (instance / rel).write_bytes(content)
    return {rel: hashlib.sha256(content).hexdigest() for rel, content in files.items()}


def _wipe(app, files: dict) -> None:
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
    for rel in files:
        (Path(app.instance_path) / rel).unlink()
    shutil.rmtree(Path(app.instance_path) / "uploads", ignore_errors=True)


def _round_trip(app, runner, make_user, make_org, tmp_path, *args) -> dict:
    files = _plant(app, make_user, make_org)
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 5
    archive = tmp_path / "passerelle.tar.gz"
    result = runner.invoke(args=["backup", str(archive), *args])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_mode & 0o077 == 0  # readable by its owner only
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert {f"files/{rel}" for rel in files} <= set(names)
    assert not any(name.startswith("files/redis") for name in names)

    _wipe(app, files)
    assert all(not rows for rows in _snapshot().values())
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert _snapshot() == before
    for rel, digest in files.items():
        assert hashlib.sha256((Path(app.instance_path) / rel).read_bytes()).hexdigest() == digest
    # The restored database works: the restored account signs in (with its second factor).
    from tests.conftest import sign_in

    assert sign_in(app.test_client(), "sauvegarde@essai.example").status_code == 303
    return manifest


@pytest.mark.committed
def test_backup_wipe_restore_with_the_native_tool(app, runner, make_user, make_org, tmp_path):
    manifest = _round_trip(app, runner, make_user, make_org, tmp_path)
    expected = (
        "sqlite"
        if _db.engine.dialect.name == "sqlite"
        else "pg_dump"
        if shutil.which("pg_dump")
        else "portable"
    )
    assert manifest["database"]["kind"] == expected


@pytest.mark.committed
def test_backup_wipe_restore_with_the_portable_dump(app, runner, make_user, make_org, tmp_path):
    manifest = _round_trip(app, runner, make_user, make_org, tmp_path, "--portable")
    assert manifest["database"]["kind"] == "portable"


@pytest.mark.committed
def test_a_backup_taken_while_someone_writes_is_consistent(app, make_user, make_org, tmp_path):
    """SQLite's backup API and pg_dump read one snapshot: a write during the copy is in or out whole."""
    import threading

    from intranet.ops.backup import backup

    org = make_org()
    _db.session.commit()
    stop = threading.Event()

    def writer():
        from intranet.accounts.models import Organization, Sector

        with app.app_context():
            n = 0
            while not stop.is_set() and n < 200:
                n += 1
                _db.session.add(
                    Organization(
                        name=f"Écriture {n}", sector=Sector.OTHER, region_id=org.region_id, town="Laval"
                    )
                )
                _db.session.commit()
            _db.session.remove()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        manifest = backup(tmp_path / "live.tar.gz")
    finally:
        stop.set()
        thread.join()
    assert manifest["counts"]["organization"] >= 1


def test_restore_refuses_what_is_not_a_backup_and_a_foreign_schema(app, runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="readme.txt")
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "manifest" in result.output

    import io

    other = tmp_path / "other.tar.gz"
    manifest = json.dumps(
        {
            "format": 1,
            "schema": "0000",
            "dialect": "sqlite",
            "created_at": "x",
            "database": {"kind": "portable", "name": "database.jsonl"},
            "files": [],
            "counts": {},
        }
    ).encode()
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    result = runner.invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code != 0 and "schema" in result.output
