"""Backups older than the retention are deleted by `flask backup`; nothing else is."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import timedelta
from pathlib import Path

from intranet.database import utcnow


def _fake_backup(path: Path, days_old: float) -> Path:
    """A file shaped like a backup (its manifest says when it was made); the file's own date is
    today's, so only the manifest can tell its age."""
    manifest = {"format": 1, "created_at": (utcnow() - timedelta(days=days_old)).isoformat(), "files": []}
    data = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_the_backup_command_deletes_backups_older_than_the_retention(app, runner, tmp_path):
    folder = tmp_path / "sauvegardes"
    folder.mkdir()
    old = _fake_backup(folder / "passerelle-ancienne.tar.gz", 40)
    older = _fake_backup(folder / "passerelle-tres-ancienne.tar.gz", 400)
    recent = _fake_backup(folder / "passerelle-recente.tar.gz", 3)
    foreign = folder / "autre-archive.tar.gz"  # not a Passerelle backup: never touched
    with tarfile.open(foreign, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"), io.BytesIO(b""))
    notes = folder / "notes.txt"
    notes.write_text("à garder")

    assert app.config["BACKUP_RETENTION_DAYS"] == 35
    new = folder / "passerelle-du-jour.tar.gz"
    result = runner.invoke(args=["backup", str(new)])
    assert result.exit_code == 0, result.output
    assert not old.exists() and not older.exists()
    assert recent.exists() and new.exists() and foreign.exists() and notes.exists()
    assert "passerelle-ancienne.tar.gz" in result.output and "older than 35 days" in result.output


def test_the_retention_can_be_set_or_turned_off(app, runner, tmp_path):
    from intranet.ops.backup import prune_backups

    kept = _fake_backup(tmp_path / "a.tar.gz", 10)
    result = runner.invoke(args=["backup", str(tmp_path / "b.tar.gz"), "--keep-days", "0"])
    assert result.exit_code == 0, result.output
    assert kept.exists()
    result = runner.invoke(args=["backup", str(tmp_path / "c.tar.gz"), "--keep-days", "7"])
    assert result.exit_code == 0, result.output
    assert not kept.exists()
    assert (tmp_path / "b.tar.gz").exists() and (tmp_path / "c.tar.gz").exists()
    # The backup just written is never deleted, however short the retention.
    assert prune_backups(tmp_path, 1, keep=tmp_path / "c.tar.gz", now=utcnow() + timedelta(days=3)) == [
        tmp_path / "b.tar.gz"
    ]
    assert (tmp_path / "c.tar.gz").exists()
