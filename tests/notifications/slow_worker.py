"""A real worker process for the kill test: ``python -m tests.notifications.slow_worker``.

It registers a digest source that gives every member one item, and that stops for a long time
on the member whose email starts with ``lent-`` (once: a marker file says it happened), so the
test can kill the process in the middle of a batch, at a moment it knows.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from intranet.events import DigestItem, register_digest_source


def _collect(user, since):
    marker = Path(os.environ["NOTIF_TEST_MARKER"])
    if user.email.startswith("lent-") and not marker.exists():
        marker.write_text(str(os.getpid()))
        time.sleep(120)  # the test kills us here
    return [DigestItem(kind="practice", title=f"Nouveauté pour {user.name}", endpoint="home.index")]


def main() -> None:
    from jobs.context import get_app

    register_digest_source(get_app(), "test-slow", 10, "Nouveautés d’essai", _collect)
    from jobs.worker import main as worker_main

    worker_main(["--no-scheduler", *os.environ.get("NOTIF_TEST_WORKER_ARGS", "").split(), "digest", "email"])


if __name__ == "__main__":
    main()
