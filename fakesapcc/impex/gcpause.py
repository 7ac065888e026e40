"""The cyclic garbage collector paused while a bulk load builds many objects: ``db.gc_paused``,
the store's one pause, which the parser and the loader take around a file (the rows of 100,000
customers are millions of objects that all stay alive; the collector would walk them again and
again, a third to a half of the load time)."""
from __future__ import annotations

from ..db import gc_paused

__all__ = ["gc_paused"]
