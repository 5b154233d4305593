"""Benchmarks: ``make bench`` (``python -m tests.benchmarks``) runs every ``bench_*.py`` module.

Each prints lines ``BENCH <name> <value> <unit>``. Set ``BENCH_ONLY=pages,trainings`` to run some.
"""
