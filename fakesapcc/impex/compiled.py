"""The ImpEx loader's row writer compiled per header: the common rows of a block in one step.

``impex.loader._FileLoader.row`` is the engine's general path: it takes every row SAP's
semantics allow (subtypes, REMOVE, batch mode, unresolved references, values that do not
convert, the messages for all of them). Most rows of a large file are plainer than that: an
INSERT or INSERT_UPDATE of a new item, or an UPDATE of one existing item, whose cells convert
and whose references resolve. For those, what ``row`` decides again on every row — which
columns are known, how each cell converts, which go into the constructor and which are set
after it, how the item is found — is decided here once per header (``compile_block``), and
each row is written by one call: a function whose source is written for the header (its
columns' conversions inline, references looked up in a memo per column), compiled once.

A compiled writer never guesses: a row it does not take whole is handed to ``row`` before
anything of it is written (``_Slow``), so what a file loads into, and every message and line
number it reports, are those of the general path. The only work a handed-over row has done is
the filling of the loader's reference cache, which ``row`` fills the same way.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import orders
from . import values as v
from .syntax import Header, ValueLine
from .types import TypeDef, field_default, is_a, type_def
from ..db import uid_key
from .writes import NULL

if TYPE_CHECKING:  # the loader's engine, which compiles its writers here
    from .loader import _FileLoader

IGNORE = "<ignore>"
LATER = frozenset({"localized", "refs", "strs"})  # kinds set on an item after it is made
_HOOKS = frozenset({None, "owner", "customer_id", "groups"})  # hooks a compiled writer takes
_MODES = frozenset({"INSERT", "INSERT_UPDATE", "UPDATE"})

class _Slow(Exception):
    """The row is not one a compiled writer takes: the general path writes it."""


def _converter(loader: _FileLoader, td: TypeDef, col: Any, attr: Any) -> Callable[[str], Any]:
    """How a non-empty, non-``<null>`` cell of a column becomes its value (what ``convert``
    gives), raising ``_Slow`` where ``convert`` would raise or report."""
    kind = attr.kind
    if kind in ("str", "localized") or (kind == "enum" and not (col.pattern and
                                                               col.pattern.alternatives)):
        return str  # the cell itself (a str of a str is the same object)
    if kind == "bool":
        booleans = v.BOOLEANS

        def boolean(raw: str) -> bool:
            flag = booleans.get(raw.strip().lower())
            if flag is None:
                raise _Slow
            return flag
        return boolean
    if kind == "ref":
        target = attr.target or ""
        owner = attr.hook == "owner"
        pattern = col.pattern
        resolve = _reference(loader, target, col)

        def general(raw: str) -> Any:
            found_td, item = resolve(raw)
            return (found_td, found_td.ident(item)) if owner else found_td.ident(item)
        alternatives = pattern.alternatives if pattern is not None else ()
        if (len(alternatives) == 1 and len(alternatives[0]) == 1
                and not alternatives[0][0].alternatives
                and alternatives[0][0].modifiers.get("default") is None):
            sp = alternatives[0][0]
            alt_td = type_def(sp.type_code) if sp.type_code else type_def(target)
            key_attr = alt_td.attr(sp.qualifier) if alt_td is not None else None
            if (alt_td is not None and alt_td.collection == "principals"
                    and key_attr is not None and key_attr.field == "uid"):
                principals = loader.state.principals  # one uid: the principals' store key

                def principal(raw: str) -> Any:
                    item = principals.get(uid_key(raw))
                    if item is None or not is_a(item, alt_td):
                        return general(raw)  # the general path: a subtype, or not there
                    return (alt_td, item.uid) if owner else item.uid
                principal.memo = False  # type: ignore[attr-defined]  # one cell, one owner
                return principal
        if alternatives and alternatives[0][0].qualifier.startswith("&"):
            general.memo = False  # type: ignore[attr-defined]  # a document id: the file's own
        return general
        return general
    if kind == "password":
        def password(raw: str) -> str:
            if raw.startswith("plain:"):
                return raw[len("plain:"):]
            if ":" in raw:  # perhaps an encoded password: convert tells, with its warning
                raise _Slow
            return raw
        return password
    convert = loader.convert

    def converted(raw: str) -> Any:  # numbers, dates, references to enumerations: pure
        try:
            return convert(td, col, attr, raw, _NO_ROW)
        except Exception:
            raise _Slow from None
    if kind == "int":
        def integer(raw: str) -> Any:  # plain digits, as parse_number reads them first
            return int(raw) if raw.isdigit() and raw.isascii() else converted(raw)
        return integer
    if kind == "float":
        def number(raw: str) -> Any:
            whole, point, fraction = raw.partition(".")
            if whole.isdigit() and (fraction.isdigit() or not point) and raw.isascii():
                return float(raw)
            return converted(raw)
        return number
    iso = v.iso_pattern(col.modifiers.get("dateformat"))
    if kind == "date" and iso is not None:
        fromisoformat, utc = datetime.fromisoformat, timezone.utc

        def date(raw: str) -> Any:  # a pattern ISO 8601 reads: what parse_date does for it
            if iso.fullmatch(raw):
                try:
                    return fromisoformat(raw).replace(tzinfo=utc)
                except ValueError:
                    pass
            return converted(raw)
        return date
    return converted


class _NoRow:
    """The row ``convert`` is given by a compiled column: only numbers read its locale, and
    a compiled writer takes a block only where every row has the file's first locale."""

    locale = "en"


_NO_ROW: Any = _NoRow()


def _reference(loader: _FileLoader, target: str, col: Any) -> Callable[[str], Any]:
    """A reference cell resolved as ``resolve`` does (its cache first)."""
    resolved = loader.resolved
    cache_prefix = (target, id(col.pattern))
    delimiter = col.modifiers.get("path-delimiter", ":")

    def reference(raw: str) -> Any:
        hit = resolved.get((*cache_prefix, raw, delimiter))
        if hit is None:
            try:
                hit = loader.resolve_item(target, col.pattern, raw, col, _NO_ROW)
            except Exception:  # Unresolved, or a part of the path that does not convert
                raise _Slow from None
        return hit
    return reference


INTERN_CHECK = 2048  # rows after which a text column that rarely repeats stops being interned
_SPECIAL = frozenset({NULL, IGNORE})  # cells the general path gives their meaning


def _collection(loader: _FileLoader, col: Any, attr: Any, start: Any) -> Callable[[str], Any]:
    """What a collection cell makes of a new item's collection: its elements (resolved, for
    references) applied by the column's mode to the field's default, as ``set_collection``
    does; ``_Slow`` for an element that does not resolve (the general path retries it)."""
    mode = col.modifiers.get("mode", "replace").lower()
    delimiter = col.modifiers.get("collection-delimiter", ",")
    same = uid_key if attr.hook == "groups" else None
    refs = attr.kind == "refs"
    resolve = loader.resolve
    target = attr.target or ""
    current = list(start)
    apply_mode = loader.apply_mode

    def collection(raw: str) -> list[Any]:
        elements = []
        for op, element in v.split_collection(raw, delimiter):
            if refs:
                try:
                    element = resolve(target, col.pattern, element, col, _NO_ROW)[1]
                except Exception:
                    raise _Slow from None
            elements.append((op, element))
        return apply_mode(current, elements, mode, same=same)
    return collection


def _memoized(convert: Callable[[str], Any], memo: dict[str, Any]) -> Callable[[str], Any]:
    def remember(raw: str) -> Any:
        value = memo[raw] = convert(raw)
        return value
    return remember


def compile_block(loader: _FileLoader, td: TypeDef, header: Header,
                  rows: list[ValueLine]) -> Callable[[ValueLine], None] | None:
    """A writer for the rows of one block, or None where the block needs the general path
    throughout (a relation, orders, REMOVE, batch mode, a hook or a kind it does not take)."""
    model = td.model
    if (td.relation or model is None or td.collection in orders.COLLECTIONS
            or header.mode not in _MODES or header.batchmode
            or any(row.locale != "en" for row in rows)):
        return None
    docid_col, plan = loader.plan(td, header)
    fields = dataclasses.fields(model)
    names = {f.name for f in fields}
    required = frozenset(f.name for f in fields if f.default is dataclasses.MISSING
                         and f.default_factory is dataclasses.MISSING) - {"pk"}
    if td.defaults is not None and not td.defaults().keys() <= names:
        return None
    principals = td.collection == "principals"
    env: dict[str, Any] = {
        "_Slow": _Slow, "special": _SPECIAL, "general": loader.row, "find": loader.find,
        "add": loader.add, "set_attr": loader.set_attr, "state": loader.state, "principals": loader.state.principals, "uid_key": uid_key,
        "set_customer_id": loader.db.set_customer_id, "model": model, "td": td,
        "header": header, "defaults": td.defaults, "kind_of": td.kind_of, "code": td.code,
        "counts": loader.report.counts, "docids": loader.docids, "now": loader.now,
        "required": required, "is_a": is_a, "frozenset": frozenset, "list": list,
    }
    interned: list[int] = []  # the text columns whose equal values are held once
    unique_fields: list[tuple[str, bool]] = []  # the key's fields, and whether each is plain
    uniq: list[str] = []  # the source of the key's cells
    new: list[str] = []  # the source of a new item's constructor arguments
    old: list[str] = []  # the source of an existing item's writes
    for n, (index, col, attr, default, unique) in enumerate(plan):
        hook, kind, name = attr.hook, attr.kind, attr.field
        if hook not in _HOOKS or (principals and name == "uid" and not unique):
            return None  # a rename, a CMS property, an order's totals…: the general path
        env[f"COL{n}"], env[f"ATTR{n}"] = col, attr
        cell = f"cells[{index}]" + (f" or {default!r}" if default else "")
        if unique:
            if hook or kind in LATER or name not in names:
                return None
            env[f"C{n}"] = _converter(loader, td, col, attr)
            unique_fields.append((name, env[f"C{n}"] is str))
            value = "raw" if env[f"C{n}"] is str else f"C{n}(raw)"
            uniq += [f"    raw = {cell}",
                     "    if not raw or raw in special:",
                     "        raise _Slow",
                     f"    key[{name!r}] = {value}"]
            continue
        if kind in ("refs", "strs"):  # and the groups hook
            start = field_default(model, name)
            if start or (hook is None and name not in names):
                return None
            memo = env[f"M{n}"] = loader.memo()
            env[f"C{n}"] = _memoized(_collection(loader, col, attr, start), memo)
            shared = "frozenset(v)" if hook == "groups" else "list(v)"
            store = f"        kwargs[{name!r}] = {shared}"
        elif hook is None and name not in names:
            return None
        else:
            convert = env[f"C{n}"] = _converter(loader, td, col, attr)
            if kind in ("bool", "enum") or (kind == "ref" and getattr(convert, "memo", True)):
                memo = env[f"M{n}"] = loader.memo()
                env[f"C{n}"] = _memoized(convert, memo)
            if hook == "owner":
                store = ("        kwargs['owner'] = v[1]\n"
                         "        kwargs['ownerType'] = ('PointOfService' if v[0].code == "
                         "'PointOfService' else 'User')")
            elif hook == "customer_id":
                store = "        kwargs['customerId'] = v"
            elif kind == "localized":
                store = f"        kwargs.setdefault({name!r}, {{}})[{col.lang or 'en'!r}] = v"
            else:
                store = f"        kwargs[{name!r}] = v"
        if f"M{n}" in env:
            get = [f"        v = M{n}.get(raw)", "        if v is None:",
                   f"            v = C{n}(raw)"]
        elif hook is None and kind in ("str", "localized", "password"):
            # a text: the first equal one of the column's stands for it (equal strings held
            # once, as the seed cache's restore holds them), while the column repeats itself
            interned.append(n)
            env[f"S{n}"], env[f"I{n}"] = {}, True
            first = "raw" if env[f"C{n}"] is str else f"C{n}(raw)"
            get = [f"        v = {first}", f"        if I{n}:",
                   f"            v = S{n}.setdefault(v, v)"]
        elif env[f"C{n}"] is str:
            get = ["        v = raw"]
        else:
            get = [f"        v = C{n}(raw)"]
        new += [f"    raw = {cell}", "    if raw:", "        if raw in special:",
                "            raise _Slow", *get, store]
        # an existing item: every cell given (an empty one resets: the general path)
        old += [f"    raw = {cell}", "    if not raw or raw in special:", "        raise _Slow"]
        if hook is None and kind not in LATER:
            writes_old = [*get, f"        values.append(({name!r}, v))"]
            old += [line[4:] for line in writes_old]
        else:
            old += [f"    values.append((COL{n}, ATTR{n}, raw))"]
    key_names = [td.attrs[k].field for k in td.key]
    docid = ""
    if docid_col is not None:
        env["DOCID"] = docid_col.qualifier.lstrip("&").lower()
        docid = (f"    if cells[{docid_col.index}]:\n"
                 f"        docids[(DOCID, cells[{docid_col.index}])] = (td, target)\n")
    mode = header.mode

    def settle_interning() -> None:
        """Columns whose values were mostly new (uids, phone numbers) stop being interned."""
        for n in interned:
            if len(env[f"S{n}"]) > INTERN_CHECK * 3 // 4:
                env[f"I{n}"] = False
                env[f"S{n}"].clear()
    env.update(ROWS=0, INTERN_CHECK=INTERN_CHECK, settle_interning=settle_interning)
    source = "\n".join([
        "def write(row):",
        "    global ROWS",
        "    ROWS += 1",
        "    if ROWS == INTERN_CHECK:",
        "        settle_interning()",
        "    cells = row.cells",
        "    try:",
        "        if row.subtype:",
        "            raise _Slow",
        "        key = {}",
        *["    " + line for line in uniq],
        *(["        existing = principals.get(uid_key(key['uid']))",  # find(), inline
           "        existing = [existing] if existing is not None else None"]
          if principals and unique_fields == [("uid", True)] else
          ["        existing = find(td, key) if key else None"]),
        "        target = update(existing, row, cells) if existing else create(key, cells)",
        "    except _Slow:",
        "        general(td, header, row, False)",
        "        return",
        "    if hasattr(target, 'modifiedtime'):",
        "        target.modifiedtime = now",
        docid + "    counts[code] += 1",
        "",
        "def create(kwargs, cells):",
        *(["    raise _Slow"] if mode == "UPDATE" else []),
        *new,
        "    if defaults is not None:",
        "        for name, value in defaults().items():",
        "            kwargs.setdefault(name, value)",
        *[f"    if kwargs.get({k!r}) is None:\n        raise _Slow" for k in key_names],
        "    if not required <= kwargs.keys():",
        "        raise _Slow",
        *(["    kwargs['pk'] = pk = state.next_pk",  # Db.new_pk: the load holds the lock
           "    state.next_pk = pk + 1"] if "pk" in names else []),
        "    item = model(**kwargs)",
        "    if kind_of and hasattr(item, 'kind'):",
        "        item.kind = kind_of if kind_of != 'DeliveryMode' else item.kind",
        "    elif kind_of and hasattr(item, 'typeCode'):",
        "        item.typeCode = code",
        "    add(td, item)",
        "    return item",
        "",
        "def update(existing, row, cells):",
        "    item = existing[0]",
        f"    if len(existing) > 1 or {mode == 'INSERT'} or not is_a(item, td):",
        "        raise _Slow",
        "    values = []",
        *old,
        "    for value in values:",
        "        if len(value) == 2:",
        "            setattr(item, value[0], value[1])",
        "        else:",
        "            set_attr(td, item, value[0], value[1], value[2], row, False)",
        "    return item",
        "",
    ])
    exec(compile(source, f"<impex writer {header.type_code} line {header.line}>", "exec"), env)
    loader.namespaces.append(env)  # its functions and it refer to each other: cleared after
    return env["write"]

