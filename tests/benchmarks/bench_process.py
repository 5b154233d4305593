"""What a full collection of Python's cyclic garbage collector costs a web process, with what it
loaded at start frozen (``wsgi.py``: ``intranet.ops.memory.freeze_loaded``) and without.

    python -m tests.benchmarks.bench_process      (or ``make bench``)
"""

from __future__ import annotations

from tests.support import run_web_process

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
    lines = run_web_process(PROBE).splitlines()
    (frozen, frozen_ms), (tracked, unfrozen_ms) = (line.split() for line in lines[-2:])
    print(f"BENCH process.objects_loaded_at_start {frozen} objects", flush=True)
    print(f"BENCH process.full_collection_frozen {float(frozen_ms):.1f} ms", flush=True)
    print(
        f"BENCH process.full_collection_unfrozen {float(unfrozen_ms):.1f} ms ({tracked} objects)", flush=True
    )


if __name__ == "__main__":
    run()
