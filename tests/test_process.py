"""A web process freezes what it loaded at start (intranet.ops.memory): the cyclic garbage
collector's full collections no longer walk the app and its libraries, ~240,000 objects."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import gc
import wsgi
frozen = gc.get_freeze_count()
gc.collect()
walked = len(gc.get_objects())
print(frozen, walked)
"""


def test_the_web_process_keeps_what_it_loaded_out_of_the_collectors_walks():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PASSERELLE_ENV"] = "development"
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    frozen, walked = (int(n) for n in out.stdout.split()[-2:])
    assert frozen > 100_000, out.stdout  # the app and its libraries
    assert walked < frozen // 10, out.stdout  # what a full collection still walks
