"""The state's pickle: each model written as a call of its class with its attributes' tuple
(``Customer(uid, name, …)``). The dataclass's own ``__init__`` remakes it, several times faster
than pickle's default for a slotted object (a new object, then a dict of its slots to set) and
in half the bytes; the pickle's memo writes an object met before as a reference to it, so a
string the state holds once (the ImpEx loader holds a column's equal texts once, and its
references' identifiers) is restored once. The seed cache, the store's snapshots (reset) and a
bulk load's rollback all write it; ``pickle.loads`` reads it."""
from __future__ import annotations

import dataclasses
import functools
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any

__all__ = ["dumps"]


def dumps(obj: Any) -> bytes:
    """``obj`` (the state) as a pickle that ``pickle.loads`` reads, models as calls of their
    classes."""
    out = io.BytesIO()
    _ModelPickler(out).dump(obj)
    return out.getvalue()


@functools.cache
def _fields(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """For a slotted dataclass whose ``__init__`` takes all its attributes in order (the
    models), what gives an instance's attributes as a tuple; else None."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__ \
            or hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if not fields or not all(f.init and not f.kw_only for f in fields):
        return None
    if len(fields) == 1:
        name = fields[0].name
        return lambda obj: (getattr(obj, name),)
    return operator.attrgetter(*(f.name for f in fields))


class _ModelPickler(pickle.Pickler):
    """A pickler that writes each model instance as a call of its class with every attribute."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        values = _fields(cls)
        if values is None:
            return NotImplemented
        return cls, values(obj)
