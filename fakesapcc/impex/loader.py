"""The ImpEx loader: applies parsed ImpEx to a Db with SAP's INSERT / UPDATE /
INSERT_UPDATE / REMOVE semantics.

One file loads whole or not at all: it runs inside ``Db.transaction()``, and any error
rolls the store back. What counts as an error and what as a warning:

- errors (the file is malformed): the parser's errors, a value that does not convert for a
  known attribute (a bad boolean, number or date), a document id (``&x``) that no row defines;
- warnings (SAP would skip or not resolve the row, and the rest still loads): unknown types and
  attributes, translator and special columns, script lines, a reference to an item that does not
  exist, UPDATE of an item that does not exist, a header without a unique column. With
  ``strict=True`` the last three become errors, as SAP's import would fail on them.

References by unique attributes may point at items defined later in the same file: a row (or a
single attribute) that does not resolve is retried once after the whole file, as SAP retries its
unresolved lines.
"""
from __future__ import annotations

import dataclasses
import logging
import functools
from datetime import datetime, timezone
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..db import Db, uid_key
from . import compiled, orders
from . import parser as p
from . import values as v
from .syntax import Column, Diagnostic, Header, ParsedImpex, Pattern, ValueLine
from ..seedfiles import impex_files
from .gcpause import gc_paused
from .report import FileReport, ImpexLoadError, LoadReport
from .types import Attr, TypeDef, field_default, is_a, is_subtype, type_def
from .writes import NULL, CollectionWrites, Unresolved

log = logging.getLogger("fakesapcc")

IGNORE = "<ignore>"
COMPILED = True  # rows written by the writers compiled per header (impex.compiled) where they can
CONVERTED = frozenset({"bool", "int", "float", "date", "daterange"})  # kinds whose cells must convert


#: one known attribute column of a header: cell index, column, attribute, default, unique
PlanColumn = tuple[int, Column, Attr, str, bool]


class BadValue(Exception):
    """A cell that does not convert to its attribute's type."""


# --------------------------------------------------------------------------- public functions


#: the loader's progress hook: called with the file, the rows applied so far and the rows in
#: the file, when a file starts, every PROGRESS_EVERY rows and when it ends
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 500


def load_text(db: Db, text: str, file: str = "<string>", *,
              config: Mapping[str, str] | None = None, strict: bool = False,
              progress: Progress | None = None, atomic: bool = True) -> FileReport:
    """Parse and load one ImpEx text. Never raises for bad input: see ``FileReport.errors``
    (and ``loaded``: False means nothing of the file was applied — with ``atomic=False``, that
    the store holds part of it and is to be thrown away, as a seed that fails is)."""
    with gc_paused():
        parsed = p.parse(text, file=file, config=dict(config or {}))
        return load_parsed(db, parsed, strict=strict, progress=progress, atomic=atomic)


def load_parsed(db: Db, parsed: ParsedImpex, *, strict: bool = False,
                progress: Progress | None = None, atomic: bool = True) -> FileReport:
    report = FileReport(parsed.file, diagnostics=list(parsed.diagnostics))
    if parsed.errors:
        return report
    try:
        with gc_paused(), (db.transaction() if atomic else db.bulk()):
            _FileLoader(db, parsed, report, strict, progress).run()
            if report.errors:
                raise ImpexLoadError(LoadReport([report]))
    except ImpexLoadError:
        return report
    except Exception as exc:  # a case the loader does not foresee: the file is refused whole
        log.exception("ImpEx load of %s failed", parsed.file)
        report.diagnostics.append(Diagnostic(
            "error", f"the loader could not apply this file: {exc!r}", parsed.file, 0))
        return report
    report.loaded = True
    return report


def load_paths(db: Db, paths: Iterable[str | Path], *,
               config: Mapping[str, str] | None = None, strict: bool = False,
               stop_on_error: bool = True, progress: Progress | None = None,
               atomic: bool = True) -> LoadReport:
    """Load files and folders in order. Each file is all-or-nothing; with ``stop_on_error``
    the first failing file ends the load; ``progress`` is told how far each file is. With
    ``atomic=False`` no file is snapshotted for its rollback (a failed file leaves part of
    itself: for a store that is thrown away if the load fails, as a seed's is)."""
    report = LoadReport()
    with gc_paused():
        _load_files(db, impex_files(paths), report, config, strict, stop_on_error, progress,
                    atomic)
    return report


def _load_files(db: Db, files: list[Path], report: LoadReport, config: Mapping[str, str] | None,
                strict: bool, stop_on_error: bool, progress: Progress | None,
                atomic: bool = True) -> None:
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fr = FileReport(str(path))
            fr.diagnostics.append(Diagnostic("error", f"cannot read file: {exc}", str(path), 0))
            report.files.append(fr)
        else:
            report.files.append(load_text(db, text, str(path), config=config, strict=strict,
                                          progress=progress, atomic=atomic))
        if stop_on_error and report.files[-1].errors:
            break


# ------------------------------------------------------------------------------- the engine


_MISSING = object()


@functools.cache
def _field_names(model: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(model))


_FACTS: dict[str, tuple[frozenset[str], tuple[str, ...], bool]] = {}


def _model_facts(td: TypeDef) -> tuple[frozenset[str], tuple[str, ...], bool]:
    """A type's model fields, the fields of its natural key, and whether it has a pk."""
    found = _FACTS.get(td.code)
    if found is None:
        names = _field_names(td.model)
        found = _FACTS[td.code] = (names, tuple(td.attrs[k].field for k in td.key), "pk" in names)
    return found


class _FileLoader(CollectionWrites):
    def __init__(self, db: Db, parsed: ParsedImpex, report: FileReport, strict: bool,
                 progress: Progress | None = None):
        self.progress = progress
        self.db = db
        self.state = db.state
        self.parsed = parsed
        self.report = report
        self.strict = strict
        self.docids: dict[tuple[str, str], tuple[TypeDef, Any]] = {}
        self.retry_rows: list[tuple[TypeDef, Header, ValueLine]] = []
        self.retry_attrs: list[tuple[TypeDef, Any, Column, Attr, str, ValueLine]] = []
        self.warned: set[tuple[int, str]] = set()
        self.resolved: dict[tuple[Any, ...], tuple[TypeDef, Any]] = {}
        self.memos: list[dict[str, Any]] = []  # the compiled writers' reference memos
        self.namespaces: list[dict[str, Any]] = []  # the compiled writers', cleared after the run
        self.leaves: dict[int, int] = {}  # id of a pattern (or an alternative) → its leaf count
        self.sub_cols: dict[tuple[int, int], Column] = {}  # a column's nested reference columns
        self.plans: dict[tuple[int, str], tuple[Column | None, list[PlanColumn]]] = {}
        self.now = datetime.now(timezone.utc)  # the time every item this file saves is stamped with
        self.orders: set[str] = set()  # orders whose entries, consignments or totals changed
        self.given: dict[str, set[str]] = {}  # order code → the totals this file's columns gave

    # -- reporting ---------------------------------------------------------------------------

    def diag(self, level: str, message: str, line: int, column: Column | None = None) -> None:
        self.report.diagnostics.append(
            Diagnostic(level, message, self.parsed.file, line, column.text if column else None))

    def warn_once(self, header: Header, key: str, message: str, column: Column | None = None) -> None:
        if (header.line, key) not in self.warned:
            self.warned.add((header.line, key))
            self.diag("warning", message, header.line, column)

    def problem(self, message: str, line: int, column: Column | None = None) -> None:
        """A data problem: a warning, or an error in strict mode."""
        self.diag("error" if self.strict else "warning", message, line, column)

    # -- blocks ------------------------------------------------------------------------------

    def run(self) -> None:
        total = sum(len(b.rows) for b in self.parsed.blocks)
        done = 0
        tell = self.progress or (lambda file, done, total: None)
        tell(self.parsed.file, 0, total)
        for block in self.parsed.blocks:
            header = block.header
            td = type_def(header.type_code)
            if td is None:
                if block.rows:
                    self.warn_once(header, "type", f"unknown type '{header.type_code}': "
                                   f"{len(block.rows)} row(s) skipped")
                self.report.skipped[header.type_code] += len(block.rows)
                continue
            if not self.check_header(td, header):
                self.report.skipped[td.code] += len(block.rows)
                continue
            write = compiled.compile_block(self, td, header, block.rows) if COMPILED else None
            chunk = getattr(write, "chunk", None)  # the block's rows by columns, where it can
            rows = block.rows
            step = compiled.CHUNK_ROWS if chunk is not None else PROGRESS_EVERY
            for start in range(0, len(rows), step):
                part = rows[start:start + step]
                if write is None:
                    for row in part:
                        self.row(td, header, row, final=False)
                elif chunk is None or not chunk(part):
                    for row in part:
                        write(row)
                done += len(part)
                tell(self.parsed.file, done, total)
        tell(self.parsed.file, total, total)
        for namespace in self.namespaces:  # no cycle left for the collector (settle_collector)
            namespace.clear()
        rows, self.retry_rows = self.retry_rows, []
        for td, header, row in rows:
            self.row(td, header, row, final=True)
        attrs, self.retry_attrs = self.retry_attrs, []
        for td, item, col, attr, raw, row in attrs:
            self.set_attr(td, item, col, attr, raw, row, final=True)
        orders.settle_all(self.state, self.orders, self.now, self.given)

    def check_header(self, td: TypeDef, header: Header) -> bool:
        for col in header.columns:
            if col.kind in ("special", "classification"):
                self.warn_once(header, col.text, "special column ignored", col)
            elif col.kind == "attribute" and td.attr(col.qualifier or "") is None:
                self.warn_once(header, col.text,
                               f"unknown attribute '{col.qualifier}' of {td.code}: ignored", col)
            for mod in ("translator", "celldecorator"):
                if mod in col.modifiers and col.kind == "attribute":
                    self.warn_once(header, col.text + mod, f"{mod} ignored", col)
        if header.mode != "INSERT" and not any(c.unique for c in header.columns):
            known = [c for c in header.columns
                     if c.kind == "attribute" and td.attr(c.qualifier or "") is not None]
            if not known:  # every column was ignored above: nothing of the header would apply
                self.problem(f"{header.mode} {header.type_code} has no known column: block "
                             "skipped", header.line)
            else:  # SAP's header validation rejects it (impex.md §3, §8)
                self.diag("error", f"{header.mode} {header.type_code} has no unique column "
                          "([unique=true]): the header is rejected", header.line)
            return False
        return True

    # -- rows --------------------------------------------------------------------------------

    def row(self, td: TypeDef, header: Header, row: ValueLine, final: bool) -> None:
        rtd = td
        if row.subtype:
            sub = type_def(row.subtype)
            if sub is None or not is_subtype(sub.code, td.code):
                self.diag("warning", f"'{row.subtype}' is not a known subtype of {td.code}: "
                          "row skipped", row.line)
                self.report.skipped[row.subtype] += 1
                return
            rtd = sub
        cells: list[tuple[Column, Attr, str]] = []
        docid: tuple[str, str] | None = None
        docid_col, plan = self.plan(rtd, header)
        values = row.cells
        if docid_col is not None and values[docid_col.index]:
            docid = (docid_col.qualifier.lstrip("&").lower(), values[docid_col.index])
        unique: list[tuple[Column, Attr, str]] = []
        for index, col, attr, default, is_unique in plan:
            raw = values[index] or default  # an empty cell takes the column's default
            if raw == IGNORE:
                continue
            cells.append(cell := (col, attr, raw))
            if is_unique:
                unique.append(cell)
        if rtd.relation:
            self.relation(rtd, header, row, cells, final)
            return
        try:
            key_fields = self.key_fields(rtd, unique, row)
        except Unresolved as exc:
            if final:
                self.unresolved(exc, row)
                self.bad_values(rtd, cells, row)
                self.report.skipped[rtd.code] += 1
            else:
                self.retry_rows.append((td, header, row))
            return
        except BadValue as exc:
            self.diag("error", str(exc), row.line)
            return
        existing = self.find(rtd, key_fields) if key_fields else []
        mode = header.mode
        if (mode == "REMOVE" or (mode == "UPDATE" and not existing)) \
                and self.bad_values(rtd, cells, row):
            return  # nothing is written, but a value that does not convert is still an error
        if mode == "REMOVE":
            if len(existing) > 1 and not header.batchmode:
                self.problem(f"REMOVE matches {len(existing)} {rtd.code} items "
                             "(batchmode not set)", row.line)
                return
            for item in existing:
                self.remove(rtd, item)
            self.report.counts[rtd.code] += 1
            return
        if mode == "UPDATE" and not existing:
            self.problem(f"UPDATE {rtd.code}: no item matches {self.describe(key_fields)}",
                         row.line)
            self.report.skipped[rtd.code] += 1
            return
        if len(existing) > 1 and not header.batchmode:
            self.problem(f"{mode} matches {len(existing)} {rtd.code} items "
                         "(batchmode not set): row skipped", row.line)
            return
        if existing:
            for item in existing:
                if not is_a(item, rtd):
                    self.problem(f"{rtd.code} {self.describe(key_fields)} exists as "
                                 f"{type(item).__name__}: row skipped", row.line)
                    return
            if mode == "INSERT":
                self.diag("warning", f"INSERT of an existing {rtd.code}: updated instead",
                          row.line)
            for item in existing:
                for col, attr, raw in cells:
                    if not col.unique:
                        self.set_attr(rtd, item, col, attr, raw, row, final)
            target = existing[0]
            if rtd.collection in orders.COLLECTIONS:
                self.orders.update(orders.order_of(x) for x in existing)
        else:
            target = self.create(rtd, cells, key_fields, row, final)
            if target is None:
                return
        if hasattr(target, "modifiedtime"):  # SAP stamps an item on every save
            target.modifiedtime = self.now
        if docid:
            self.docids[docid] = (rtd, target)
        self.report.counts[rtd.code] += 1

    def bad_values(self, td: TypeDef, cells: list[tuple[Column, Attr, str]],
                   row: ValueLine) -> bool:
        """On a row that is dropped before its values are written (a reference that does not
        resolve, an UPDATE or a REMOVE with no match…): a value that does not convert is still
        an error, as the README states, whatever else is wrong with the row."""
        bad = False
        for col, attr, raw in cells:
            if attr.kind in CONVERTED and raw not in ("", NULL):
                try:
                    self.convert(td, col, attr, raw, row)
                except BadValue as exc:
                    self.diag("error", str(exc), row.line, col)
                    bad = True
        return bad

    def plan(self, td: TypeDef, header: Header) -> tuple[Column | None, list[PlanColumn]]:
        """Per header and row type: the document id column and the known attribute columns
        as ``(cell index, column, attribute, default, unique)`` (computed once, used for every
        row)."""
        key = (id(header), td.code)
        found = self.plans.get(key)
        if found is None:
            docid_col = next((c for c in header.columns if c.kind == "docid" and c.qualifier), None)
            plan = [(c.index, c, a, c.default if c.default is not None else "", c.unique)
                    for c in header.columns
                    if c.kind == "attribute" and (a := td.attr(c.qualifier or "")) is not None]
            found = self.plans[key] = (docid_col, plan)
        return found

    def create(self, td: TypeDef, cells: list[tuple[Column, Attr, str]],
               key_fields: dict[str, Any], row: ValueLine, final: bool) -> Any:
        kwargs: dict[str, Any] = {}
        later: list[tuple[Column, Attr, str]] = []
        resolved = self.resolved
        for cell in cells:
            col, attr, raw = cell
            kind = attr.kind
            if attr.hook or kind in compiled.LATER:
                later.append(cell)
                continue
            name = attr.field
            if name in key_fields:
                kwargs[name] = key_fields[name]
                continue
            # what convert gives for an empty, a <null> and a plain text cell, inline
            if raw == "":
                continue
            if raw == NULL:
                kwargs[name] = None
                continue
            if kind == "str":
                kwargs[name] = raw
                continue
            if kind == "enum" and not (col.pattern and col.pattern.alternatives):
                kwargs[name] = raw  # a plain enumeration code, as convert gives it
                continue
            if kind == "bool" and (flag := v.BOOLEANS.get(raw.strip().lower())) is not None:
                kwargs[name] = flag
                continue
            if kind == "ref":  # a reference resolved before: resolve's cache, inline
                hit = resolved.get((attr.target or "", id(col.pattern), raw,
                                    col.modifiers.get("path-delimiter", ":")))
                if hit is not None:
                    kwargs[name] = hit[0].ident(hit[1])
                    continue
            try:
                value = self.convert(td, col, attr, raw, row)
            except Unresolved:
                later.append((col, attr, raw))  # set_attr reports or retries it
                continue
            except BadValue as exc:
                self.diag("error", str(exc), row.line, col)
                return None
            if value is not _MISSING:
                kwargs[attr.field] = value
        if td.defaults is not None:
            for name, value in td.defaults().items():
                kwargs.setdefault(name, value)
        field_names, key_names, has_pk = _model_facts(td)
        missing_key = [k for k in key_names if kwargs.get(k) is None]
        if missing_key:
            self.problem(f"cannot create {td.code} without {', '.join(missing_key)}: row skipped",
                         row.line)
            self.report.skipped[td.code] += 1
            return None
        if has_pk:
            kwargs["pk"] = self.db.new_pk()
        try:
            item = td.model(**(kwargs if kwargs.keys() <= field_names
                               else {k: v for k, v in kwargs.items() if k in field_names}))
        except TypeError:
            missing = [f.name for f in dataclasses.fields(td.model)
                       if f.default is dataclasses.MISSING
                       and f.default_factory is dataclasses.MISSING and f.name not in kwargs]
            self.problem(f"cannot create {td.code} without {', '.join(missing)}: row skipped",
                         row.line)
            self.report.skipped[td.code] += 1
            return None
        if td.kind_of and hasattr(item, "kind"):
            item.kind = td.kind_of if td.kind_of != "DeliveryMode" else item.kind
        elif td.kind_of and hasattr(item, "typeCode"):
            item.typeCode = td.code  # a CMS item of this type
        self.add(td, item)
        for col, attr, raw in later:
            if attr.kind == "localized" and not attr.hook and raw != "" and raw != NULL:
                getattr(item, attr.field)[col.lang or "en"] = raw  # what set_attr does, inline
                continue
            self.set_attr(td, item, col, attr, raw, row, final)
        return item

    # -- keys and lookups --------------------------------------------------------------------

    def key_fields(self, td: TypeDef, unique: list[tuple[Column, Attr, str]],
                   row: ValueLine) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for col, attr, raw in unique:
            if attr.kind == "str":  # what convert gives, inline
                fields[attr.field] = raw if raw != "" and raw != NULL else None
                continue
            value = self.convert(td, col, attr, raw, row)
            if attr.hook == "owner" and isinstance(value, tuple):
                value = value[1]
            fields[attr.field] = None if value is _MISSING else value
        return fields

    def find(self, td: TypeDef, fields: dict[str, Any]) -> list[Any]:
        """Items of ``td`` (or a subtype) whose fields equal ``fields``."""
        if td.collection == "order_entries":
            return orders.entries_of(self.state, fields)
        collection: dict = getattr(self.state, td.collection)
        if td.collection == "principals" and len(fields) == 1 and type(fields.get("uid")) is str:
            item = collection.get(uid_key(fields["uid"]))  # the principals' store key
            return [item] if item is not None and self.matches(item, fields) else []
        try:
            key = td.store_key(SimpleNamespace(**fields))
        except (AttributeError, TypeError, IndexError):  # not a whole key: scan
            key = _MISSING
        if key is not _MISSING:
            item = collection.get(key)
            return [item] if item is not None and self.matches(item, fields) else []
        return [x for x in collection.values() if self.matches(x, fields)]

    @staticmethod
    def matches(item: Any, fields: dict[str, Any]) -> bool:
        for name, value in fields.items():
            have = getattr(item, name, _MISSING)
            if name == "uid" and isinstance(have, str) and isinstance(value, str):
                if uid_key(have) != uid_key(value):
                    return False
            elif have != value:
                return False
        return True

    def add(self, td: TypeDef, item: Any) -> None:
        if td.collection == "principals":
            self.db.add_principal(item)
        elif td.collection == "price_rows":
            self.db.add_price_row(item)
        elif td.collection == "stock_levels":
            self.db.add_stock_level(item)
        elif td.collection in orders.COLLECTIONS:
            self.orders.add(orders.add(self.db, td.collection, item))
        else:
            getattr(self.state, td.collection)[td.store_key(item)] = item

    def memo(self) -> dict[str, Any]:
        """A compiled writer's memo of a column's resolved cells, forgotten with the
        reference cache."""
        self.memos.append(memo := {})
        return memo

    def forget(self) -> None:
        """Drop every resolved reference (an item was removed or renamed)."""
        self.resolved.clear()
        for memo in self.memos:
            memo.clear()

    def remove(self, td: TypeDef, item: Any) -> None:
        self.forget()
        if td.collection == "principals":
            self.db.remove_principal(item.uid)
        elif td.collection == "price_rows":
            self.db.remove_price_row(item.pk)
        elif td.collection == "stock_levels":
            self.db.remove_stock_level(item.pk)
        elif td.collection in orders.COLLECTIONS:
            self.orders.add(orders.remove(self.state, td.collection, item))
        else:
            getattr(self.state, td.collection).pop(td.store_key(item), None)

    @staticmethod
    def describe(fields: dict[str, Any]) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in fields.items()) or "(no key)"

    def unresolved(self, exc: Unresolved, row: ValueLine, col: Column | None = None) -> None:
        if exc.docid:
            self.diag("error", str(exc), row.line, col)
        else:
            self.problem(str(exc), row.line, col)

    # -- attributes --------------------------------------------------------------------------

    def set_attr(self, td: TypeDef, item: Any, col: Column, attr: Attr, raw: str,
                 row: ValueLine, final: bool) -> None:
        try:
            if attr.kind in ("refs", "strs"):
                self.set_collection(td, item, col, attr, raw, row, final)
                return
            value = self.convert(td, col, attr, raw, row)
        except Unresolved as exc:
            if final:
                self.unresolved(exc, row, col)
            else:
                self.retry_attrs.append((td, item, col, attr, raw, row))
            return
        except BadValue as exc:
            self.diag("error", str(exc), row.line, col)
            return
        if attr.kind == "localized":
            lang = col.lang or "en"
            values = (item.attributes.setdefault(attr.field, {}) if attr.hook == "property"
                      else getattr(item, attr.field))
            if value is _MISSING or value is None:
                values.pop(lang, None)
            else:
                values[lang] = value
            return
        if value is _MISSING:
            value = field_default(type(item), attr.field)
        if attr.hook == "customer_id":
            self.db.set_customer_id(item, value)
        elif attr.hook == "totals":  # an order's total as its column gives it
            self.orders.add(item.code)
            if value is None:
                self.given.get(item.code, set()).discard(attr.field)
            else:
                self.given.setdefault(item.code, set()).add(attr.field)
                item.totals[attr.field] = value
        elif attr.hook == "daterange":
            item.startDate, item.endDate = value if isinstance(value, tuple) else (None, None)
        elif attr.hook == "owner":
            owner_td, ident = value if value is not None else (None, None)
            item.owner = ident
            item.ownerType = "PointOfService" if owner_td and owner_td.code == "PointOfService" else "User"
        elif attr.field == "uid" and td.collection == "principals":
            if not isinstance(value, str) or not value.strip():
                self.diag("error", "a principal's uid cannot be emptied", row.line, col)
            elif uid_key(value) != uid_key(item.uid):
                self.db.rename_principal(item, value)
                self.forget()
        elif attr.hook == "property":  # an attribute of a CMS component's own type
            if value is None:
                item.attributes.pop(attr.field, None)
            else:
                item.attributes[attr.field] = value
        else:
            setattr(item, attr.field, value)

    # -- conversion --------------------------------------------------------------------------

    def convert(self, td: TypeDef, col: Column, attr: Attr, raw: str, row: ValueLine) -> Any:
        """A cell's value for an attribute; ``_MISSING`` for an empty cell."""
        if raw == NULL:
            return None
        if raw == "":
            return _MISSING
        kind = attr.kind
        if kind in ("str", "localized"):
            return raw
        if kind == "ref":
            owner_td, ident = self.resolve(attr.target or "", col.pattern, raw, col, row)
            return (owner_td, ident) if attr.hook == "owner" else ident
        if kind == "password":
            if raw.startswith("plain:"):
                return raw[len("plain:"):]
            if ":" in raw and raw.split(":", 1)[0].lower() in (
                    "*", "md5", "sha-256", "sha-512", "pbkdf2", "bcrypt"):
                self.diag("warning", "encoded password stored as an opaque hash that never "
                          "matches", row.line, col)
                return "\x00" + raw
            return raw
        if kind == "bool":
            value = v.parse_bool(raw)
            if value is None:
                raise BadValue(f"'{raw}' is not a boolean (column {col.text})")
            return value
        if kind in ("int", "float"):
            value = v.parse_number(raw, row.locale)
            if value is None:
                raise BadValue(f"'{raw}' is not a number (column {col.text})")
            return int(value) if kind == "int" else float(value)
        if kind in ("date", "daterange"):  # a date range: SAP's StandardDateRange, "from,to"
            value = (v.parse_date if kind == "date" else v.parse_date_range)(
                raw, col.modifiers.get("dateformat"))
            if value is None:
                raise BadValue(f"'{raw}' is not a {kind.replace('range', ' range')} (column {col.text})")
            return value if kind == "daterange" or value.tzinfo else value.replace(tzinfo=timezone.utc)
        if kind == "enum":
            if col.pattern and col.pattern.is_reference:
                return v.split_path(raw, col.modifiers.get("path-delimiter", ":"))[-1]
            return raw
        raise BadValue(f"unsupported attribute kind {kind}")

    def resolve(self, target: str, pattern: Pattern | None, value: str, col: Column,
                row: ValueLine) -> tuple[TypeDef, Any]:
        key = (target, id(pattern), value, col.modifiers.get("path-delimiter", ":"))
        hit = self.resolved.get(key)  # resolve_item's cache, inline
        if hit is None:
            hit = self.resolved[key] = self._resolve_item(target, pattern, value, col, row)
        td, item = hit
        return td, td.ident(item)

    def resolve_item(self, target: str, pattern: Pattern | None, value: str, col: Column,
                     row: ValueLine) -> tuple[TypeDef, Any]:
        """Find the item a reference cell names: by document id, or by the pattern's unique
        attributes (each alternative in turn). Hits are cached for the file; a removal clears
        the cache."""
        key = (target, id(pattern), value, col.modifiers.get("path-delimiter", ":"))
        hit = self.resolved.get(key)
        if hit is None:
            hit = self.resolved[key] = self._resolve_item(target, pattern, value, col, row)
        return hit

    def _resolve_item(self, target: str, pattern: Pattern | None, value: str, col: Column,
                      row: ValueLine) -> tuple[TypeDef, Any]:
        target_td = type_def(target)
        assert target_td is not None, target
        delimiter = col.modifiers.get("path-delimiter", ":")
        if pattern is None or not pattern.alternatives:
            # a bare reference column: the value is the target's natural key
            fields = {target_td.attrs[target_td.key[0]].field: value} if target_td.key else {}
            found = self.find(target_td, fields) if fields else []
            if found:
                return target_td, found[0]
            raise Unresolved(f"{target_td.code} '{value}' not found")
        first = pattern.alternatives[0]
        if len(first) == 1 and first[0].qualifier.startswith("&"):
            found = self.docids.get((first[0].qualifier.lstrip("&").lower(), value))
            if found is None:
                raise Unresolved(f"document id {first[0].qualifier}='{value}' is not defined "
                                 "in this file", docid=True)
            return found
        for alternative in pattern.alternatives:
            alt_td = type_def(alternative[0].type_code) if alternative[0].type_code else target_td
            if alt_td is None:
                continue
            leaves = self.leaves.get(id(alternative))
            if leaves is None:
                leaves = self.leaves[id(alternative)] = sum(sp.leaf_count() for sp in alternative)
            parts = [value] if leaves == 1 else v.split_path(value, delimiter)
            if len(parts) > leaves:
                continue
            parts += [""] * (leaves - len(parts))  # missing trailing parts take the defaults
            sp = alternative[0]
            attr = alt_td.attr(sp.qualifier) if leaves == 1 and not sp.alternatives else None
            if attr is not None and attr.kind == "str":  # one text attribute: pattern_fields, inline
                raw = parts[0]
                if raw == "" and sp.modifiers.get("default") is not None:
                    raw = sp.modifiers["default"]
                fields = {attr.field: raw if raw != "" and raw != NULL else None}
            else:
                try:
                    fields = self.pattern_fields(alt_td, alternative, parts, col, row)
                except Unresolved:
                    continue
            found = [x for x in self.find(alt_td, fields) if is_a(x, alt_td)]
            if found:
                return alt_td, found[0]
        raise Unresolved(f"{target_td.code} '{value}' not found")

    def pattern_fields(self, td: TypeDef, subpatterns: tuple[Pattern, ...], parts: list[str],
                       col: Column, row: ValueLine) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        pos = 0
        leaves, sub_cols = self.leaves, self.sub_cols
        for sp in subpatterns:
            n = leaves.get(id(sp))
            if n is None:
                n = leaves[id(sp)] = sp.leaf_count()
            chunk = parts[pos:pos + n]
            pos += n
            attr = td.attr(sp.qualifier)
            if attr is None:
                raise Unresolved(f"{td.code} has no attribute '{sp.qualifier}'")
            raw = chunk[0] if n == 1 else None
            if sp.is_reference:
                text = ":".join(chunk)
                if all(x == "" for x in chunk):
                    text = ""
                if text == "" and sp.modifiers.get("default") is not None:
                    text = sp.modifiers["default"]
                sub_col = sub_cols.get((id(col), id(sp)))
                if sub_col is None:
                    sub_col = sub_cols[(id(col), id(sp))] = dataclasses.replace(
                        col, pattern=sp, modifiers={**sp.modifiers, "path-delimiter": ":"})
                _, fields[attr.field] = self.resolve(attr.target or "", sp, text, sub_col, row)
                continue
            if raw == "" and sp.modifiers.get("default") is not None:
                raw = sp.modifiers["default"]
            value = self.convert(td, col, attr, raw or "", row) if attr.kind != "localized" else raw
            fields[attr.field] = None if value is _MISSING else value
        return fields
