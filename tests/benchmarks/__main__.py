"""Run every benchmark module and print its ``BENCH`` lines."""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def _local_postgres() -> str | None:
    try:
        import psycopg

        with psycopg.connect(DEFAULT_PG, connect_timeout=2):
            return DEFAULT_PG
    except Exception:
        return None


def main() -> int:
    if "BENCH_DATABASE_URL" not in os.environ:
        url = _local_postgres()
        if url:
            os.environ["BENCH_DATABASE_URL"] = url
            print(
                f"# PostgreSQL figures use {url} (set BENCH_DATABASE_URL to change, or to '' for none)",
                flush=True,
            )
    elif not os.environ["BENCH_DATABASE_URL"]:
        del os.environ["BENCH_DATABASE_URL"]
    only = {name.strip() for name in os.environ.get("BENCH_ONLY", "").split(",") if name.strip()}
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    # Page weights first, as the foundation promises.
    modules.sort(key=lambda name: (name != "bench_pages", name))
    failed = 0
    for name in modules:
        if only and name.removeprefix("bench_") not in only:
            continue
        print(f"# {name}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"tests.benchmarks.{name}").run()
        except Exception:
            failed += 1
            traceback.print_exc()
            print(f"# {name} FAILED", flush=True)
        print(f"# {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
