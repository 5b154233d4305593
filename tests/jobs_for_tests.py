"""Job functions used only by the tests (imported by real worker processes through PYTHONPATH)."""

from __future__ import annotations

import time
from pathlib import Path

from intranet.accounts.models import Region
from intranet.extensions import db
from jobs.runner import set_progress


def slow_regions(prefix: str, count: int, pause: float, *, task_id: int) -> dict:
    """Adds ``count`` regions in one transaction, pausing between them: all or nothing."""
    for i in range(count):
        db.session.add(Region(name=f"{prefix} {i}", slug=f"{prefix.lower()}-{i}"))
        db.session.flush()
        set_progress(task_id, int(100 * (i + 1) / count))
        time.sleep(pause)
    db.session.commit()
    return {}


def failing(*, task_id: int) -> dict:
    raise ValueError("le gabarit est introuvable")


def write_file(text: str, *, task_id: int) -> dict:
    from flask import current_app

    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"test-{task_id}.txt").write_text(text)
    return {"path": f"exports/test-{task_id}.txt", "name": "essai.txt", "mimetype": "text/plain"}
