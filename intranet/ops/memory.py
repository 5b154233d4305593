"""What a long-running process (a web worker, an RQ worker's parent) loaded at start stays for its
whole life: the app, its libraries' modules (Presidio, spaCy, WeasyPrint, Babel...), the
templates and catalogues warmed up. About 240,000 objects that Python's cyclic garbage collector
would walk again at each full collection, ~140 ms on this project's machines, paid by whichever
request happens to trigger it. ``gc.freeze()`` moves them out of its reach (as Python's docs
advise for servers that fork); what is created later is collected as usual.
"""

from __future__ import annotations

import gc


def freeze_loaded() -> int:
    """Collect once, then freeze what remains; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
