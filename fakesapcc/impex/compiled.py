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

A big block goes faster still by columns (``_chunk_writer``): ``CHUNK_ROWS`` rows at a time,
each column's cells converted whole (a repeated cell once), then the chunk's items made, or
changed, in row order — where the chunk's items are all new (or, for UPDATE, all exist) and no
cell could resolve differently once an earlier row of the chunk is written. A chunk it does not
take whole goes to the row writer, row by row, before anything of it is written.
"""
from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from collections.abc import Callable
from itertools import repeat
from operator import add, attrgetter, is_, itemgetter
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

                def principal_column(cells: Any) -> list[Any] | None:
                    """``principal`` of every cell, or None (then it is asked cell by cell)."""
                    keys = _uid_keys(cells)
                    if keys is None:
                        return None
                    items = list(map(principals.get, keys))
                    if any(map(is_, repeat(None), items)) or alt_td.kind_of or not all(
                            issubclass(kind, alt_td.model) for kind in set(map(type, items))):
                        return None
                    uids = list(map(_UID, items))
                    return list(zip(repeat(alt_td), uids)) if owner else uids
                principal.memo = False  # type: ignore[attr-defined]  # one cell, one owner
                principal.column = principal_column  # type: ignore[attr-defined]
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
        every = re.compile(f"{iso.pattern}(?:\n{iso.pattern})*")
        # the text read in UTC: a date alone at midnight (what replace(tzinfo=utc) gives)
        in_utc = "+00:00" if "HH" in col.modifiers.get("dateformat", "") else "T00:00:00+00:00"

        def date_column(cells: Any) -> list[Any] | None:
            """``date`` of every cell, the cells matched at once; None: cell by cell."""
            if not every.fullmatch("\n".join(cells)):
                return None
            try:
                return list(map(fromisoformat, map(add, cells, repeat(in_utc))))
            except ValueError:
                return None
        date.column = date_column  # type: ignore[attr-defined]
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
    pattern = col.pattern
    first = pattern.alternatives[0] if pattern is not None and pattern.alternatives else ()
    if len(first) == 1 and first[0].qualifier.startswith("&"):
        docids, name = loader.docids, first[0].qualifier.lstrip("&").lower()

        def document(raw: str) -> Any:  # a document id: resolve_item's lookup, inline
            key = (*cache_prefix, raw, delimiter)
            hit = resolved.get(key)
            if hit is None:
                hit = docids.get((name, raw))
                if hit is None:  # not defined (yet): the general path reports or retries it
                    raise _Slow
                resolved[key] = hit
            return hit
        return document

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
            or not {"en"}.issuperset(map(_LOCALE, rows))):
        return None
    docid_col, plan = loader.plan(td, header)
    fields = dataclasses.fields(model)
    names = {f.name for f in fields}
    required = frozenset(f.name for f in fields if f.default is dataclasses.MISSING
                         and f.default_factory is dataclasses.MISSING) - {"pk"}
    default_names = frozenset(td.defaults()) if td.defaults is not None else frozenset()
    if not default_names <= names:
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
            if len(env[f"S{n}"]) > env["ROWS"] * 3 // 4:
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
    write = env["write"]
    write.chunk = _chunk_writer(loader, td, header, env, plan, docid_col, interned, required,
                                default_names) if len(rows) >= CHUNK_MIN else None
    return write


# ------------------------------------------------------------------ a block's rows by columns

CHUNK_ROWS = INTERN_CHECK  # rows a chunk writer takes at once (progress is told per chunk)
CHUNK_MIN = 256  # rows of a block from which it has a chunk writer (below, making it costs more)
_SUBTYPE, _CELLS, _UID = itemgetter(1), itemgetter(2), attrgetter("uid")
_LOCALE = itemgetter(4)


class _Column:
    """One plan column as a chunk writer converts it: all its cells at once."""

    __slots__ = ("index", "default", "unique", "name", "hook", "kind", "convert", "memo",
                 "intern", "empty")

    def __init__(self, index: int, default: str, unique: bool, name: str, hook: str | None,
                 kind: str, convert: Callable[[str], Any], memo: dict[str, Any] | None,
                 intern: tuple[dict[str, Any], str] | None, empty: Any) -> None:
        self.index, self.default, self.unique, self.name = index, default, unique, name
        self.hook, self.kind, self.convert, self.memo = hook, kind, convert, memo
        self.intern = intern  # (the column's held texts, the name of its on/off flag)
        self.empty = empty  # what an empty cell leaves the field at; _NO_EMPTY: no empty cell

    def values(self, cells: Any, env: dict[str, Any]) -> list[Any] | None:
        """The column's values, as the row writer converts them one by one; None where a cell
        needs the general path (``<null>``, ``<ignore>``, an empty cell it cannot take)."""
        if self.default:
            cells = [cell or self.default for cell in cells]
        if NULL in cells or IGNORE in cells:  # (compared, not hashed: most cells never are)
            return None
        empty = self.empty
        has_empty = "" in cells
        if has_empty and empty is _NO_EMPTY:
            return None
        convert, memo = self.convert, self.memo
        if memo is not None:  # each distinct cell converted once (a pure conversion)
            for raw in set(cells):
                if raw and raw not in memo:
                    convert(raw)  # the memoizing converter: fills the memo, or raises _Slow
            get = memo.__getitem__
            values = [get(raw) if raw else empty for raw in cells] if has_empty else \
                list(map(get, cells))
        elif convert is str:
            values = [raw or empty for raw in cells] if has_empty else list(cells)
        elif has_empty:
            values = [convert(raw) if raw else empty for raw in cells]
        else:
            column = getattr(convert, "column", None)  # the cells converted at once
            values = column(cells) if column is not None else None
            if values is None:
                values = list(map(convert, cells))
        if self.intern is not None and env[self.intern[1]]:
            held = self.intern[0].setdefault
            values = [held(x, x) if x is not empty else x for x in values] if has_empty else \
                list(map(held, values, values))
        if self.hook == "groups":
            shared: dict[int, frozenset] = {}
            values = [shared.get(id(x)) or shared.setdefault(id(x), frozenset(x))
                      for x in values]
        elif self.kind in ("refs", "strs"):
            values = [list(x) for x in values]  # each item its own list, as a row's is
        return values


_NO_EMPTY = object()


def _stable_reference(td: TypeDef, col: Any, attr: Any) -> bool:
    """Whether a reference column's cells resolve the same before the chunk's rows are written
    as between them: its target is in another collection, or is named by its whole key, which
    a new row cannot give an item the cells could already name."""
    target = type_def(attr.target or "")
    if target is None or target.collection != td.collection:
        return True
    pattern = col.pattern
    alternatives = pattern.alternatives if pattern is not None else ()
    return (len(alternatives) == 1 and len(alternatives[0]) == 1
            and not alternatives[0][0].alternatives and not alternatives[0][0].type_code
            and tuple(target.key) == (alternatives[0][0].qualifier.lower(),))


def _chunk_writer(loader: _FileLoader, td: TypeDef, header: Header, env: dict[str, Any],
                  plan: list[Any], docid_col: Any, interned: list[int], required: frozenset[str],
                  defaults: frozenset[str]) -> Callable[[list[ValueLine]], bool] | None:
    """A writer of a chunk of rows whose items are all new (INSERT, INSERT_UPDATE) or all
    exist (UPDATE): each column converted whole, then the items made or changed in row order.
    It writes the chunk whole or not at all (False: the row writer takes it, row by row), and
    only where the result is the row writer's: every cell converts, no key repeats or is
    taken (or, for UPDATE, each names one item), and no cell's reference can resolve
    differently once an earlier row of the chunk is written. None: a block it never takes."""
    model, mode, collection = td.model, header.mode, td.collection
    fields = {f.name: f for f in dataclasses.fields(model)}
    adds = {"principals": None, "price_rows": loader.db.add_price_row,
            "stock_levels": loader.db.add_stock_level}
    docid_refs = False
    columns: list[_Column] = []
    for n, (index, col, attr, default, unique) in enumerate(plan):
        hook, kind, name = attr.hook, attr.kind, attr.field
        if kind == "localized":
            return None
        if mode == "UPDATE" and not unique and (hook is not None or kind in LATER):
            return None  # set_attr's writes: the row writer's
        if kind in ("ref", "refs"):
            pattern = col.pattern
            first = pattern.alternatives[0][0] if pattern is not None and \
                pattern.alternatives else None
            if first is not None and first.qualifier.startswith("&"):
                docid_refs = True
            elif not _stable_reference(td, col, attr) or (
                    mode == "UPDATE" and type_def(attr.target or "") is not None
                    and type_def(attr.target or "").collection == collection):
                return None
        empty: Any = _NO_EMPTY
        if hook is None and not unique and name in fields and name not in defaults:
            f = fields[name]
            if f.default is not dataclasses.MISSING and mode != "UPDATE":
                empty = f.default  # an empty cell leaves the field at its default
        intern = (env[f"S{n}"], f"I{n}") if n in interned else None
        columns.append(_Column(index, default, unique, name, hook, kind, env[f"C{n}"],
                               env.get(f"M{n}"), intern, empty))
    if docid_refs and docid_col is not None:
        return None  # a row could name a document id an earlier row of the chunk defines
    keyed = [c for c in columns if c.unique]
    docid = (docid_col.index, docid_col.qualifier.lstrip("&").lower()) if docid_col else None
    by_uid = collection == "principals" and [(c.name, c.convert is str) for c in keyed] == \
        [("uid", True)]
    if collection not in adds and not isinstance(getattr(loader.state, collection, None), dict):
        return None
    if mode == "UPDATE":
        if not keyed:
            return None
        return _update_chunk(loader, td, len(header.columns), env, columns, keyed, docid, by_uid)
    if (mode != "INSERT" and not keyed) or (collection == "principals" and not by_uid):
        return None
    given = {c.name for c in columns if c.hook is None} | set(defaults)
    given |= {"customerId"} if any(c.hook == "customer_id" for c in columns) else set()
    given |= {"owner", "ownerType"} if any(c.hook == "owner" for c in columns) else set()
    given |= {c.name for c in columns if c.hook == "groups"}
    key_names = [td.attrs[k].field for k in td.key]
    if not required <= given or not set(key_names) <= {c.name for c in keyed}:
        return None
    # one call per row makes the item as the row writer's ``create`` does
    arguments, source = [], []
    for i, c in enumerate(columns):
        arguments.append(f"a{i}")
        if c.hook == "owner":
            source.append(f"owner=a{i}[1], ownerType=('PointOfService' if a{i}[0].code == "
                          f"'PointOfService' else 'User')")
        elif c.hook == "customer_id":
            source.append(f"customerId=a{i}")
        else:
            source.append(f"{c.name}=a{i}")
    has_pk = "pk" in fields
    lines = [f"def make(pk, {', '.join(arguments)}):"]
    call = ", ".join([*(["pk=pk"] if has_pk else []), *source])
    if td.defaults is not None:
        lines += [f"    kwargs = dict({call})",
                  "    for name, value in defaults().items():",
                  "        kwargs.setdefault(name, value)",
                  "    item = model(**kwargs)"]
    else:
        lines.append(f"    item = model({call})")
    # the row writer's steps after the constructor, where the model has the field
    if td.kind_of and hasattr(model, "kind"):
        lines.append("    item.kind = kind_of if kind_of != 'DeliveryMode' else item.kind")
    elif td.kind_of and hasattr(model, "typeCode"):
        lines.append("    item.typeCode = code")
    if hasattr(model, "modifiedtime"):
        lines.append("    item.modifiedtime = now")
    lines.append("    return item")
    exec(compile("\n".join(lines), f"<impex chunk writer {td.code} line {header.line}>",
                 "exec"), env)
    make = env["make"]
    add = adds.get(collection)
    table = getattr(loader.state, collection) if add is None else None
    add_principals = loader.db.add_principals
    state, principals, find, store_key = loader.state, loader.state.principals, loader.find, \
        td.store_key
    counts, docids = loader.report.counts, loader.docids
    width = len(header.columns)

    def write_chunk(rows: list[ValueLine]) -> bool:
        n = len(rows)
        by_column = _by_column(rows, width)
        if by_column is None:
            return False
        try:
            values = []
            for c in columns:
                found = c.values(by_column[c.index], env)
                if found is None or (c.unique and None in found):
                    return False
                values.append(found)
            if keyed:  # every item new: no key repeated in the chunk, none taken
                if by_uid:
                    given = values[columns.index(keyed[0])]
                    uids = _uid_keys(given) or list(map(uid_key, given))
                    if len(set(uids)) != n or not principals.keys().isdisjoint(uids):
                        return False
                else:
                    at = [columns.index(c) for c in keyed]
                    names = [c.name for c in keyed]
                    keys = set()
                    for key in zip(*(values[i] for i in at)):
                        if key in keys or find(td, dict(zip(names, key))):
                            return False
                        keys.add(key)
            first = state.next_pk
            items = list(map(make, range(first, first + n), *values))
        except (_Slow, TypeError, ValueError):
            return False
        if add is None and table is not principals:  # (principals: their uids checked)
            keys = list(map(store_key, items))
            if len(set(keys)) != n or not table.keys().isdisjoint(keys):
                return False
        if has_pk:
            state.next_pk = first + n
        if add is not None:
            for item in items:
                add(item)
        elif table is principals:
            add_principals(items)
        else:
            table.update(zip(keys, items))
        _written(td, items, by_column, docid, docids, counts, env)
        return True
    return write_chunk


def _update_chunk(loader: _FileLoader, td: TypeDef, width: int, env: dict[str, Any],
                  columns: list[_Column], keyed: list[_Column], docid: tuple[int, str] | None,
                  by_uid: bool) -> Callable[[list[ValueLine]], bool]:
    """An UPDATE chunk's writer: each row names one existing item of the type, no item twice;
    every other cell given and plain (set on the item as ``setattr`` does in the row writer)."""
    principals, find, now = loader.state.principals, loader.find, loader.now
    counts, docids = loader.report.counts, loader.docids

    def write_chunk(rows: list[ValueLine]) -> bool:
        n = len(rows)
        by_column = _by_column(rows, width)
        if by_column is None:
            return False
        try:
            values = [c.values(by_column[c.index], env) for c in columns]
        except _Slow:
            return False
        if any(v is None for v in values):
            return False
        if by_uid:
            given = values[columns.index(keyed[0])]
            items = list(map(principals.get, _uid_keys(given) or map(uid_key, given)))
        else:
            at = [columns.index(c) for c in keyed]
            names = [c.name for c in keyed]
            items = []
            for key in zip(*(values[i] for i in at)):
                found = find(td, dict(zip(names, key)))
                items.append(found[0] if len(found) == 1 else None)
        if any(map(is_, repeat(None), items)) or len(set(map(id, items))) != n or \
                not all(is_a(item, td) for item in items):
            return False
        for c, found in zip(columns, values):
            if not c.unique:
                name = c.name
                for item, value in zip(items, found):
                    setattr(item, name, value)
        for item in items:
            if hasattr(item, "modifiedtime"):
                item.modifiedtime = now
        _written(td, items, by_column, docid, docids, counts, env)
        return True
    return write_chunk


def _uid_keys(cells: Any) -> list[str] | None:
    """``uid_key`` of every cell, computed on the cells joined; None where a cell holds a line
    break or space around it (then each is keyed alone)."""
    joined = "\n".join(cells)
    if joined.count("\n") != len(cells) - 1 or "\n".join(map(str.strip, cells)) != joined:
        return None
    return joined.lower().split("\n")


def _by_column(rows: list[ValueLine], width: int) -> list[tuple[str, ...]] | None:
    """A chunk's cells column by column; None where a row has a subtype (the row writer's)."""
    if any(map(_SUBTYPE, rows)):
        return None
    cells = list(map(_CELLS, rows))
    by_column = list(zip(*cells))
    if len(by_column) != width or len(set(map(len, cells))) != 1:
        return None
    return by_column


def _written(td: TypeDef, items: list[Any], by_column: list[tuple[str, ...]],
             docid: tuple[int, str] | None, docids: dict[tuple[str, str], Any],
             counts: Any, env: dict[str, Any]) -> None:
    """What a written chunk leaves besides its items: the document ids its rows define, the
    file's count of the type, the row writer's row count."""
    if docid is not None:
        index, name = docid
        for cell, item in zip(by_column[index], items):
            if cell:
                docids[(name, cell)] = (td, item)
    counts[td.code] += len(items)
    _count_rows(env, len(items))


def _count_rows(env: dict[str, Any], n: int) -> None:
    """The row writer's row count moved on by a chunk's rows (its interning settled at
    INTERN_CHECK rows, as the row writer's is)."""
    before = env["ROWS"]
    env["ROWS"] = before + n
    if before < INTERN_CHECK <= before + n:
        env["settle_interning"]()
