"""The state's pickle (``dumps``; ``pickle.loads`` reads it): the seed cache's entries, a reset's
snapshot and a load's rollback.

Each model is written as a call of its class with its attributes' tuple (``Customer(uid, name,
…)``): the dataclass's own ``__init__`` remakes it, several times faster than pickle's default
for a slotted object (a new object, then a dict of its slots to set) and in half the bytes. The
pickle's memo writes an object met before as a reference to it, so a string the state holds once
(the ImpEx loader holds a column's equal texts once, and its references' identifiers) is
restored once. A big table of the state (a dict of at least ``TABLE_ROWS`` models: 100,000
customers, their addresses) is written by columns, one list of values per attribute, and remade
row by row: pickle's memo keeps every tuple it reads until the load ends, and a model written as
a call of its class with a tuple of its attributes would leave one such tuple per row behind
(about 45 MiB of freed but resident heap for 230,000 rows), where a row remade from the columns
uses its tuple and drops it at once."""
from __future__ import annotations

import dataclasses
import functools
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any

__all__ = ["dumps"]

TABLE_ROWS = 512  # a dict of this many models or more is written by columns



def dumps(state: Any) -> bytes:
    """The state (a dataclass) as a pickle that ``pickle.loads`` reads, models as calls of
    their classes, its big tables by columns."""
    tables = _tables(state)
    out = io.BytesIO()
    try:
        _ModelPickler(out, tables).dump(_Columnar(state, tables) if tables else state)
    except _Shared:  # a table's model is referred to from elsewhere too: keep it one object
        out = io.BytesIO()
        _ModelPickler(out, {}).dump(state)
    return out.getvalue()


def _tables(state: Any) -> dict[str, dict]:
    """The fields of ``state`` that are written by columns: dicts of ``TABLE_ROWS`` or more
    models."""
    if not dataclasses.is_dataclass(state) or isinstance(state, type):
        return {}
    tables = {}
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        if type(value) is dict and len(value) >= TABLE_ROWS \
                and all(_fields(type(item)) for item in value.values()):
            tables[f.name] = value
    return tables


class _Shared(Exception):
    """A model of a table met again outside it while pickling."""


class _Columnar:
    """``state`` to pickle with its ``tables`` as ``_Table``s."""

    def __init__(self, state: Any, tables: dict[str, dict]) -> None:
        self.state, self.tables = state, tables


class _Table:
    def __init__(self, rows: dict) -> None:
        self.rows = rows


def _state(cls: type, values: dict[str, Any]) -> Any:
    """A ``_Columnar`` state remade (its tables already remade by ``_table``)."""
    return cls(**values)


def _table(runs: list[tuple[type, list | str, list[list]]]) -> dict:
    """A table remade: each run of rows of one class, from its keys (or the name of the
    attribute that is each row's key) and its columns."""
    rows: dict = {}
    for cls, keys, columns in runs:
        if type(keys) is str:  # the key is the row's own value: one object (an address's pk)
            key = operator.attrgetter(keys)
            rows.update((key(row), row) for row in map(cls, *columns))
        else:
            rows.update(zip(keys, map(cls, *columns)))
    return rows


def _columns(rows: dict) -> list[tuple[type, list | str, list[list]]]:
    """The runs of a table: each class's consecutive rows as (class, keys, columns), in the
    table's order. A run keyed by its rows' first attribute (the addresses by pk) names it
    instead of listing its keys: the restored key is then the row's own value, not a second
    equal int."""
    runs: list[tuple[type, list | str, list[list]]] = []
    cls: type | None = None
    keys: list = []
    values: list[tuple] = []

    def close() -> None:
        columns = [list(column) for column in zip(*values)]
        first = dataclasses.fields(cls)[0].name  # type: ignore[arg-type]
        runs.append((cls, first if keys == columns[0] else keys, columns))  # type: ignore[arg-type]

    for key, item in rows.items():
        if type(item) is not cls:
            if cls is not None:
                close()
            cls, keys, values = type(item), [], []
            attributes = _fields(cls)
        keys.append(key)
        values.append(attributes(item))  # type: ignore[misc]
    if cls is not None:
        close()
    return runs


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
    """A pickler that writes each model instance as a call of its class with every attribute
    (``Customer(uid, name, …)``: the dataclass's own ``__init__`` remakes it, about three
    times faster than pickle's default of a new object and a dict of its slots to set, and
    half the bytes). The pickle's memo writes an object met before as a reference to it, so a
    string the state holds once (the ImpEx loader's compiled writers hold a column's equal
    texts once, its references' identifiers too) is restored once."""

    def __init__(self, file: io.BytesIO, tables: dict[str, dict]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        #: the models written by columns (by id): met anywhere else, they would be two objects
        self._in_tables = {id(item) for rows in tables.values() for item in rows.values()}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls is _Table:
            return _table, (_columns(obj.rows),)
        if cls is _Columnar:
            values = {f.name: getattr(obj.state, f.name) for f in dataclasses.fields(obj.state)}
            values.update({name: _Table(rows) for name, rows in obj.tables.items()})
            return _state, (type(obj.state), values)
        attributes = _fields(cls)
        if attributes is None:
            return NotImplemented
        if id(obj) in self._in_tables:
            raise _Shared
        return cls, attributes(obj)
