"""The sensitive-text guard: time to check a 2,000-character text with the models loaded, and the
memory the models add to a process.

Measured in a fresh Python process, so that what the other benchmarks imported is not counted.
Two texts: one in the register of a practice (clean sentences of the test corpus: few capitalized
pairs, so spaCy runs on few sentences) and one dense with names and identifiers (the planted
sentences: the model runs on nearly every sentence).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "guard"

_PROBE = r"""
import json, statistics, sys, time
import psutil

process = psutil.Process()
before = process.memory_info().rss
started = time.perf_counter()
from intranet.guard.engine import Detector

detector = Detector()
detector.find("Mme Tremblay habite au 245, rue des Érables.")
load_seconds = time.perf_counter() - started
loaded = process.memory_info().rss
texts = json.loads(sys.stdin.read())
figures = {"load_s": load_seconds, "rss_mb": (loaded - before) / 2**20}
for name, text in texts.items():
    for _ in range(5):
        detector.find(text)
    wall, cpu = [], []
    for _ in range(40):
        t, c = time.perf_counter(), time.process_time()
        detector.find(text)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    figures[name] = {"wall_ms": statistics.median(wall) * 1000, "cpu_ms": statistics.median(cpu) * 1000}
figures["rss_after_mb"] = (process.memory_info().rss - before) / 2**20
print(json.dumps(figures))
"""


def _text(rows: list[dict], clean: bool) -> str:
    sentences = [row["text"] for row in rows if (not row["planted"]) == clean]
    text = ""
    while len(text) < 2000:
        text += " ".join(sentences) + " "
    return text[:2000]


def run() -> None:
    rows = [json.loads(line) for name in ("fr", "en") for line in (CORPUS / f"corpus_{name}.jsonl").open()]
    texts = {"practice": _text(rows, clean=True), "dense": _text(rows, clean=False)}
    out = subprocess.run(
        [sys.executable, "-c", _PROBE],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"BENCH guard_models_load {figures['load_s']:.2f} s", flush=True)
    print(f"BENCH guard_models_rss {figures['rss_mb']:.0f} MB", flush=True)
    for name in ("practice", "dense"):
        print(f"BENCH guard_check_2000_chars_{name} {figures[name]['wall_ms']:.1f} ms", flush=True)
        print(f"BENCH guard_check_2000_chars_{name}_cpu {figures[name]['cpu_ms']:.1f} ms", flush=True)
