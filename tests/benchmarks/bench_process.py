"""What a full collection of Python's cyclic garbage collector costs a web process, with what it
loaded at start frozen (``wsgi.py``: ``intranet.ops.memory.freeze_loaded``) and without.

    python -m tests.benchmarks.bench_process      (or ``make bench``)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, time
import wsgi

def full_collection_ms(rounds=7):
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        gc.collect()
        times.append(1000 * (time.perf_counter() - started))
    return sorted(times)[len(times) // 2]

print(gc.get_freeze_count(), full_collection_ms())
gc.unfreeze()
print(len(gc.get_objects()), full_collection_ms())
"""


def run() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PASSERELLE_ENV"] = "development"
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    (frozen, frozen_ms), (tracked, unfrozen_ms) = (line.split() for line in out.stdout.split("\n")[-3:-1])
    print(f"BENCH process.objects_loaded_at_start {frozen} objects", flush=True)
    print(f"BENCH process.full_collection_frozen {float(frozen_ms):.1f} ms", flush=True)
    print(
        f"BENCH process.full_collection_unfrozen {float(unfrozen_ms):.1f} ms ({tracked} objects)", flush=True
    )


if __name__ == "__main__":
    run()
