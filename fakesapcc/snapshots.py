"""The store's state as JSON, and back.

``Db.snapshot()`` is a pickle: fast, private to one process. This module is the portable
form behind ``GET /_fakesapcc/snapshot`` and ``POST /_fakesapcc/restore``: a document a test
can save, diff, edit and put back.

    {"format": "fakesapcc-snapshot", "version": 1,
     "state": {"languages": {"en": {"isocode": "en", "name": {"en": "English"}, …}, …},
               "principals": {"asagent": {"itemtype": "Employee", "uid": "asagent", …}, …},
               "catalog_versions": [[["electronicsProductCatalog", "Online"], {…}], …], …}}

The codec follows the type annotations of ``State`` and the models, so new collections and
attributes need no code here:

- a collection keyed by strings is an object; keyed by numbers, an object with numeric keys;
  keyed by tuples (catalog version, category …), a list of ``[key, item]`` pairs;
- an item is an object of its attributes; where a collection holds several item types
  (principals), ``itemtype`` names SAP's type (``Customer``, ``B2BUnit``, …);
- a date is ISO 8601, a set or tuple a list; a value typed ``Any`` that JSON cannot hold is
  tagged (``{"$datetime": …}``, ``{"$tuple": […]}``, ``{"$set": […]}``).

The indexes (customerId, group members, cart and order guids, prices and stock by product) are
not written: restore rebuilds them through the Db, so a hand-edited snapshot stays coherent.
A snapshot is read whole before anything changes; a bad one raises ``ApiError`` (400
ValidationError naming the JSON path) and leaves the store as it was.
"""
from __future__ import annotations

import dataclasses
import functools
import pickle
import types
import typing
from datetime import date, datetime, timezone
from typing import Any, Union

from . import models as m
from .models import b2b as mb
from .models import cms as mc
from .errors import ApiError
from .db import State, Db

FORMAT = "fakesapcc-snapshot"
VERSION = 1
ITEMTYPE = "itemtype"
INDEX_FIELDS = frozenset({"customer_ids", "group_members", "cart_guids", "order_guids",
                          "stock_by_product", "prices_by_product"})
# collections whose items go back through the Db, which keeps the indexes
_STORE_ADDERS = {"principals": "add_principal", "carts": "add_cart", "orders": "add_order",
                 "price_rows": "add_price_row", "stock_levels": "add_stock_level"}


class SnapshotError(ApiError):
    """A snapshot that cannot be read: 400 ValidationError, ``subject`` is the JSON path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(400, "ValidationError", f"Invalid snapshot at {path}: {message}",
                         reason="invalid", subject=path, subject_type="parameter")


# ---------------------------------------------------------------------------------- public


def dump_state(db: Db) -> dict[str, Any]:
    """The whole state as a JSON-ready document."""
    with db.locked() as state:
        body = {f.name: _encode(getattr(state, f.name), hint, f"state.{f.name}")
                for f, hint in _fields(State) if f.name not in INDEX_FIELDS}
    return {"format": FORMAT, "version": VERSION, "state": body}


def read_state(document: Any) -> State:
    """A State from a snapshot document, indexes rebuilt; raises SnapshotError."""
    if not isinstance(document, dict):
        raise SnapshotError("$", "a snapshot is a JSON object")
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise SnapshotError("$.format", f"expected \"format\": \"{FORMAT}\" and "
                            f"\"version\": {VERSION}, as GET /_fakesapcc/snapshot writes them")
    body = document.get("state")
    if not isinstance(body, dict):
        raise SnapshotError("$.state", "expected an object of collections")
    known = {f.name: hint for f, hint in _fields(State) if f.name not in INDEX_FIELDS}
    unknown = sorted(set(body) - set(known))
    if unknown:
        raise SnapshotError(f"state.{unknown[0]}", "no such collection in the store")
    values = {name: _decode(body[name], known[name], f"state.{name}")
              for name in known if name in body}
    return _rebuild(values)


def collections() -> tuple[tuple[str, Any], ...]:
    """The collections a snapshot holds (the State's fields but the indexes), with their
    types: ``encode_collection`` writes one, as ``dump_state`` does."""
    return tuple((f.name, hint) for f, hint in _fields(State) if f.name not in INDEX_FIELDS)


def encode_collection(name: str, hint: Any, value: Any) -> Any:
    """One collection of ``dump_state``'s ``state`` object."""
    return _encode(value, hint, f"state.{name}")


def restore_state(db: Db, document: Any) -> None:
    """Put a snapshot document back into the store (all or nothing)."""
    state = read_state(document)
    db.restore(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


def _rebuild(values: dict[str, Any]) -> State:
    plain = {k: v for k, v in values.items() if k not in _STORE_ADDERS}
    fresh = Db(State(**plain))
    for name, adder in _STORE_ADDERS.items():
        for item in values.get(name, {}).values():
            getattr(fresh, adder)(item)
    return fresh.state


# ---------------------------------------------------------------------------------- types


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@functools.cache
def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    hints = _hints(cls)
    return tuple((f, hints[f.name]) for f in dataclasses.fields(cls))


@functools.cache
def _item_types() -> dict[str, type]:
    return {name: cls for module in (m, mc, mb) for name, cls in vars(module).items()
            if isinstance(cls, type) and dataclasses.is_dataclass(cls)}


def _polymorphic(cls: type) -> bool:
    return bool(cls.__subclasses__())


def _origin(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    return Union if origin is types.UnionType else origin


# -------------------------------------------------------------------------------- encoding


def _encode(value: Any, hint: Any, path: str) -> Any:
    if value is None:
        return None
    origin = _origin(hint)
    if hint is Any:
        return _encode_any(value, path)
    if origin is Union:
        arms = [a for a in typing.get_args(hint) if a is not type(None)]
        arm = next((a for a in arms if _fits(value, a)), arms[0])
        return _encode(value, arm, path)
    if origin in (list, set, frozenset):
        (arg,) = typing.get_args(hint) or (Any,)
        items = sorted(value, key=repr) if origin is not list else value
        return [_encode(x, arg, f"{path}[{i}]") for i, x in enumerate(items)]
    if origin is tuple:
        args = typing.get_args(hint)
        return [_encode(x, _tuple_arg(args, i), f"{path}[{i}]") for i, x in enumerate(value)]
    if origin is dict or hint is dict:
        key_hint, value_hint = typing.get_args(hint) or (str, Any)
        return _encode_dict(value, key_hint, value_hint, path)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _encode_item(value, hint, path)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"{path}: cannot write {type(value).__name__} to a snapshot")


def _encode_dict(value: dict, key_hint: Any, value_hint: Any, path: str) -> Any:
    if key_hint in (str, int):
        return {str(k): _encode(v, value_hint, f"{path}.{k}") for k, v in value.items()}
    return [[_encode(k, key_hint, f"{path}[{i}]"), _encode(v, value_hint, f"{path}[{i}]")]
            for i, (k, v) in enumerate(value.items())]


def _encode_item(value: Any, hint: type, path: str) -> dict[str, Any]:
    cls = type(value)
    body: dict[str, Any] = {ITEMTYPE: cls.__name__} if _polymorphic(hint) else {}
    for f, field_hint in _fields(cls):
        body[f.name] = _encode(getattr(value, f.name), field_hint, f"{path}.{f.name}")
    return body


def _encode_any(value: Any, path: str) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode_any(x, path) for x in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [_encode_any(x, path) for x in sorted(value, key=repr)]}
    if isinstance(value, list):
        return [_encode_any(x, f"{path}[{i}]") for i, x in enumerate(value)]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode_any(v, f"{path}.{k}") for k, v in value.items()}
        return {"$dict": [[_encode_any(k, path), _encode_any(v, path)] for k, v in value.items()]}
    if dataclasses.is_dataclass(value):
        return {"$item": type(value).__name__, **_encode_item(value, type(value), path)}
    raise TypeError(f"{path}: cannot write {type(value).__name__} to a snapshot")


def _fits(value: Any, hint: Any) -> bool:
    origin = _origin(hint) or hint
    if hint is Any:
        return True
    return isinstance(origin, type) and isinstance(value, origin)


def _tuple_arg(args: tuple, i: int) -> Any:
    if not args:
        return Any
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return args[i] if i < len(args) else Any


# -------------------------------------------------------------------------------- decoding


def _decode(value: Any, hint: Any, path: str) -> Any:
    origin = _origin(hint)
    if hint is Any:
        return _decode_any(value, path)
    if origin is Union:
        return _decode_union(value, hint, path)
    if value is None:
        raise SnapshotError(path, "must not be null")
    if origin in (list, set, frozenset):
        (arg,) = typing.get_args(hint) or (Any,)
        items = [_decode(x, arg, f"{path}[{i}]") for i, x in enumerate(_list(value, path))]
        return items if origin is list else origin(items)
    if origin is tuple:
        args = typing.get_args(hint)
        items = _list(value, path)
        if args and args[-1] is not Ellipsis and len(items) != len(args):
            raise SnapshotError(path, f"expected a list of {len(args)} values")
        return tuple(_decode(x, _tuple_arg(args, i), f"{path}[{i}]") for i, x in enumerate(items))
    if origin is dict or hint is dict:
        key_hint, value_hint = typing.get_args(hint) or (str, Any)
        return _decode_dict(value, key_hint, value_hint, path)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _decode_item(value, hint, path)
    return _decode_scalar(value, hint, path)


def _decode_union(value: Any, hint: Any, path: str) -> Any:
    args = typing.get_args(hint)
    if value is None:
        if type(None) in args:
            return None
        raise SnapshotError(path, "must not be null")
    errors = []
    for arm in (a for a in args if a is not type(None)):
        try:
            return _decode(value, arm, path)
        except SnapshotError as exc:
            errors.append(exc)
    raise errors[0]


def _decode_dict(value: Any, key_hint: Any, value_hint: Any, path: str) -> dict:
    if key_hint in (str, int):
        if not isinstance(value, dict):
            raise SnapshotError(path, "expected an object")
        return {_decode_key(k, key_hint, path): _decode(v, value_hint, f"{path}.{k}")
                for k, v in value.items()}
    result = {}
    for i, pair in enumerate(_list(value, path)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise SnapshotError(f"{path}[{i}]", "expected a [key, value] pair")
        result[_decode(pair[0], key_hint, f"{path}[{i}][0]")] = \
            _decode(pair[1], value_hint, f"{path}[{i}][1]")
    return result


def _decode_key(key: str, key_hint: Any, path: str) -> Any:
    if key_hint is str:
        return key
    try:
        return int(key)
    except ValueError:
        raise SnapshotError(f"{path}.{key}", "expected a numeric key") from None


def _decode_item(value: Any, hint: type, path: str) -> Any:
    if not isinstance(value, dict):
        raise SnapshotError(path, f"expected an object ({hint.__name__})")
    cls = _item_class(value, hint, path)
    fields = dict(_fields(cls))
    names = {f.name: f for f in fields}
    extra = sorted(set(value) - set(names) - {ITEMTYPE})
    if extra:
        raise SnapshotError(f"{path}.{extra[0]}", f"{cls.__name__} has no attribute '{extra[0]}'")
    kwargs = {}
    for f, field_hint in fields.items():
        if f.name in value:
            kwargs[f.name] = _decode(value[f.name], field_hint, f"{path}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SnapshotError(f"{path}.{f.name}", "is missing")
    return cls(**kwargs)


def _item_class(value: dict, hint: type, path: str) -> type:
    name = value.get(ITEMTYPE)
    if name is None:
        return hint
    cls = _item_types().get(name) if isinstance(name, str) else None
    if cls is None or not issubclass(cls, hint):
        raise SnapshotError(f"{path}.{ITEMTYPE}", f"'{name}' is not a kind of {hint.__name__}")
    return cls


def _decode_scalar(value: Any, hint: Any, path: str) -> Any:
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint in (datetime, date):
        if isinstance(value, str):
            try:
                parsed = hint.fromisoformat(value)
            except ValueError:
                pass
            else:  # a time without a zone is UTC, as the ImpEx loader reads it
                if isinstance(parsed, datetime) and parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=timezone.utc)
                return parsed
    else:
        raise SnapshotError(path, f"cannot read a value of type {hint!r}")
    name = "ISO 8601 date" if hint in (datetime, date) else getattr(hint, "__name__", str(hint))
    raise SnapshotError(path, f"expected {name}, got {_json_kind(value)}")


def _decode_any(value: Any, path: str) -> Any:
    if isinstance(value, list):
        return [_decode_any(x, f"{path}[{i}]") for i, x in enumerate(value)]
    if not isinstance(value, dict):
        return value
    tags = [k for k in value if k.startswith("$")]
    if not tags:
        return {k: _decode_any(v, f"{path}.{k}") for k, v in value.items()}
    tag = tags[0]
    if tag == "$datetime":
        return _decode_scalar(value[tag], datetime, path)
    if tag == "$date":
        return _decode_scalar(value[tag], date, path)
    if tag == "$tuple":
        return tuple(_decode_any(x, path) for x in _list(value[tag], path))
    try:
        if tag == "$set":
            return {_decode_any(x, path) for x in _list(value[tag], path)}
        if tag == "$dict":
            return {_decode_any(k, path): _decode_any(v, path)
                    for k, v in (_pair(p, path) for p in _list(value[tag], path))}
    except TypeError:  # a list or an object as a member or a key
        raise SnapshotError(path, f"the members of {tag} and its keys must be plain values, "
                            "not lists or objects") from None
    if tag == "$item":
        cls = _item_types().get(value[tag]) if isinstance(value[tag], str) else None
        if cls is None:
            raise SnapshotError(path, f"unknown item type {value[tag]!r}")
        return _decode_item({k: v for k, v in value.items() if k != "$item"}, cls, path)
    raise SnapshotError(path, f"unknown tag '{tag}'")


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise SnapshotError(path, f"expected a list, got {_json_kind(value)}")
    return value


def _pair(value: Any, path: str) -> tuple[Any, Any]:
    if not isinstance(value, list) or len(value) != 2:
        raise SnapshotError(path, "expected a [key, value] pair")
    return value[0], value[1]


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
