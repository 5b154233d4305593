"""A web process freezes what it loaded at start (intranet.ops.memory): the cyclic garbage
collector's full collections no longer walk the app and its libraries, ~240,000 objects."""

from __future__ import annotations

from tests.support import run_web_process

PROBE = """
import gc
import wsgi
frozen = gc.get_freeze_count()
gc.collect()
walked = len(gc.get_objects())
print(frozen, walked)
"""


def test_the_web_process_keeps_what_it_loaded_out_of_the_collectors_walks():
    out = run_web_process(PROBE)
    frozen, walked = (int(n) for n in out.split()[-2:])
    assert frozen > 100_000, out  # the app and its libraries
    assert walked < frozen // 10, out  # what a full collection still walks
