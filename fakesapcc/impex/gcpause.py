"""The cyclic garbage collector paused while a bulk load builds many objects.

A load of 100,000 rows allocates millions of objects that all stay alive; the collector would
walk them again and again (a third to a half of the load time) to find no garbage. Reference
counting still frees what the load drops; a cycle made meanwhile is collected once the last
load in the process ends and the collector runs again (after a big load, the objects it made
are frozen first: ``db.settle_collector``).
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..db import settle_collector

_lock = threading.Lock()
_depth = 0  # loads under way in this process (threads may load side by side)
_resume = False  # whether the collector was on when the first of them started


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the collector for the block; the last block to end restores it as it was."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                settle_collector()
                gc.enable()
