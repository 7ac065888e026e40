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
from . import orders
from . import parser as p
from . import values as v
from .syntax import Column, Diagnostic, Header, ParsedImpex, Pattern, ValueLine
from .report import FileReport, ImpexLoadError, LoadReport
from .types import Attr, TypeDef, is_subtype, type_def

log = logging.getLogger("fakesapcc")

IGNORE = "<ignore>"
NULL = "<null>"
CONVERTED = frozenset({"bool", "int", "float", "date", "daterange"})  # kinds whose cells must convert


class Unresolved(Exception):
    """A reference did not resolve (yet)."""

    def __init__(self, message: str, docid: bool = False) -> None:
        super().__init__(message)
        self.docid = docid


class BadValue(Exception):
    """A cell that does not convert to its attribute's type."""


# --------------------------------------------------------------------------- public functions


#: the loader's progress hook: called with the file, the rows applied so far and the rows in
#: the file, when a file starts, every PROGRESS_EVERY rows and when it ends
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 500


def missing_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The paths among ``paths`` that are neither a file nor a folder."""
    return [Path(p) for p in paths if not Path(p).exists()]


def impex_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to load, in order: a file as given; a folder's ``*.impex`` files in name order."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(sorted(x for x in path.iterdir() if x.suffix.lower() == ".impex"))
        else:
            result.append(path)
    return result


def load_text(db: Db, text: str, file: str = "<string>", *,
              config: Mapping[str, str] | None = None, strict: bool = False,
              progress: Progress | None = None) -> FileReport:
    """Parse and load one ImpEx text. Never raises for bad input: see ``FileReport.errors``
    (and ``loaded``: False means nothing of the file was applied)."""
    parsed = p.parse(text, file=file, config=dict(config or {}))
    return load_parsed(db, parsed, strict=strict, progress=progress)


def load_parsed(db: Db, parsed: ParsedImpex, *, strict: bool = False,
                progress: Progress | None = None) -> FileReport:
    report = FileReport(parsed.file, diagnostics=list(parsed.diagnostics))
    if parsed.errors:
        return report
    try:
        with db.transaction():
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
               stop_on_error: bool = True, progress: Progress | None = None) -> LoadReport:
    """Load files and folders in order. Each file is all-or-nothing; with ``stop_on_error``
    the first failing file ends the load; ``progress`` is told how far each file is."""
    report = LoadReport()
    for path in impex_files(paths):
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            fr = FileReport(str(path))
            fr.diagnostics.append(Diagnostic("error", f"cannot read file: {exc}", str(path), 0))
            report.files.append(fr)
        else:
            report.files.append(load_text(db, text, str(path), config=config, strict=strict,
                                          progress=progress))
        if stop_on_error and report.files[-1].errors:
            break
    return report


# ------------------------------------------------------------------------------- the engine


_MISSING = object()


def _is_a(item: Any, td: TypeDef) -> bool:
    """Whether an item is of a type or a subtype (a CMS item by its ``typeCode``)."""
    if not isinstance(item, td.model):
        return False
    code = getattr(item, "typeCode", None) if td.kind_of else None
    return code is None or is_subtype(code, td.code)


@functools.cache
def _field_names(model: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(model))


class _FileLoader:
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
        self.plans: dict[tuple[int, str], tuple[Column | None, list[tuple[Column, Attr, str]]]] = {}
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
            for row in block.rows:
                self.row(td, header, row, final=False)
                done += 1
                if done % PROGRESS_EVERY == 0:
                    tell(self.parsed.file, done, total)
        tell(self.parsed.file, total, total)
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
        if docid_col is not None and row.cells[docid_col.index]:
            docid = (docid_col.qualifier.lstrip("&").lower(), row.cells[docid_col.index])
        unique: list[tuple[Column, Attr, str]] = []
        for col, attr, default in plan:
            cell = row.cells[col.index]
            raw = cell if cell != "" else default
            if raw == IGNORE:
                continue
            cells.append((col, attr, raw))
            if col.unique:
                unique.append((col, attr, raw))
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
                if not _is_a(item, rtd):
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

    def plan(self, td: TypeDef, header: Header) -> tuple[Column | None, list[tuple[Column, Attr, str]]]:
        """Per header and row type: the document id column and the known attribute columns
        with their defaults (computed once, used for every row)."""
        key = (id(header), td.code)
        found = self.plans.get(key)
        if found is None:
            docid_col = next((c for c in header.columns if c.kind == "docid" and c.qualifier), None)
            plan = [(c, a, c.default if c.default is not None else "")
                    for c in header.columns
                    if c.kind == "attribute" and (a := td.attr(c.qualifier or "")) is not None]
            found = self.plans[key] = (docid_col, plan)
        return found

    def create(self, td: TypeDef, cells: list[tuple[Column, Attr, str]],
               key_fields: dict[str, Any], row: ValueLine, final: bool) -> Any:
        kwargs: dict[str, Any] = {}
        later: list[tuple[Column, Attr, str]] = []
        for col, attr, raw in cells:
            if attr.hook or attr.kind in ("localized", "refs", "strs"):
                later.append((col, attr, raw))
                continue
            if attr.field in key_fields:
                kwargs[attr.field] = key_fields[attr.field]
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
        field_names = _field_names(td.model)
        missing_key = [td.attrs[k].field for k in td.key if kwargs.get(td.attrs[k].field) is None]
        if missing_key:
            self.problem(f"cannot create {td.code} without {', '.join(missing_key)}: row skipped",
                         row.line)
            self.report.skipped[td.code] += 1
            return None
        if "pk" in field_names:
            kwargs["pk"] = self.db.new_pk()
        try:
            item = td.model(**{k: v for k, v in kwargs.items() if k in field_names})
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
            self.set_attr(td, item, col, attr, raw, row, final)
        return item

    # -- keys and lookups --------------------------------------------------------------------

    def key_fields(self, td: TypeDef, unique: list[tuple[Column, Attr, str]],
                   row: ValueLine) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for col, attr, raw in unique:
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

    def remove(self, td: TypeDef, item: Any) -> None:
        self.resolved.clear()
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
            value = self.field_default(item, attr.field)
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
                self.resolved.clear()
        elif attr.hook == "property":  # an attribute of a CMS component's own type
            if value is None:
                item.attributes.pop(attr.field, None)
            else:
                item.attributes[attr.field] = value
        else:
            setattr(item, attr.field, value)

    @staticmethod
    def field_default(item: Any, name: str) -> Any:
        for f in dataclasses.fields(item):
            if f.name == name:
                if f.default is not dataclasses.MISSING:
                    return f.default
                if f.default_factory is not dataclasses.MISSING:
                    return f.default_factory()
        return None

    def set_collection(self, td: TypeDef, item: Any, col: Column, attr: Attr, raw: str,
                       row: ValueLine, final: bool) -> None:
        """Write a collection attribute. Elements that do not resolve make the whole attribute
        wait for the retry pass; in that pass they are reported and the others written."""
        mods = col.modifiers
        mode = mods.get("mode", "replace").lower()
        if raw == "" or raw == NULL:
            if raw == NULL or mods.get("ignorenull", "true").lower() == "false":
                elements: list[tuple[str, Any]] = []
                mode = "replace"
            else:
                return
        else:
            elements = []
            missing: list[Unresolved] = []
            for op, element in v.split_collection(raw, mods.get("collection-delimiter", ",")):
                if attr.kind != "refs":
                    elements.append((op, element))
                    continue
                try:
                    elements.append((op, self.resolve(attr.target or "", col.pattern, element,
                                                      col, row)[1]))
                except Unresolved as exc:
                    missing.append(exc)
            if missing and not final:
                raise missing[0]
            for exc in missing:
                self.unresolved(exc, row, col)
        if attr.hook == "members":
            self.set_members(item, elements, mode)
            return
        current = list(item.groups if attr.hook == "groups"
                       else item.attributes.get(attr.field, ()) if attr.hook == "property"
                       else getattr(item, attr.field))
        result = self.apply_mode(current, elements, mode, same=uid_key if attr.hook == "groups" else None)
        if attr.hook == "groups":
            self.db.set_groups(item, set(result))
        elif attr.hook == "property":
            item.attributes[attr.field] = result
        else:
            setattr(item, attr.field, result)

    @staticmethod
    def apply_mode(current: list[Any], elements: list[tuple[str, Any]], mode: str,
                   same: Any = None) -> list[Any]:
        norm = same or (lambda x: x)
        has_ops = any(op for op, _ in elements)
        result = list(current) if (mode in ("append", "merge", "remove") or has_ops) else []
        for op, value in elements:
            present = [x for x in result if norm(x) == norm(value)]
            if op == "-" or (mode == "remove" and not op):
                result = [x for x in result if norm(x) != norm(value)]
            elif not present:
                result.append(value)
        return result

    def set_members(self, group: Any, elements: list[tuple[str, Any]], mode: str) -> None:
        current = [x.uid for x in self.db.members_of(group.uid)]
        wanted = self.apply_mode(current, elements, mode, same=uid_key)
        wanted_keys = {uid_key(x) for x in wanted}
        for uid in current:
            if uid_key(uid) not in wanted_keys:
                member = self.db.principal(uid)
                if member is not None:
                    self.db.set_groups(member, {g for g in member.groups
                                                   if uid_key(g) != uid_key(group.uid)})
        for uid in wanted:
            member = self.db.principal(uid)
            if member is not None:
                self.db.add_to_group(member, group.uid)

    # -- relations ---------------------------------------------------------------------------

    def relation(self, td: TypeDef, header: Header, row: ValueLine,
                 cells: list[tuple[Column, Attr, str]], final: bool) -> None:
        ends: dict[str, tuple[TypeDef, Any]] = {}
        try:
            for col, attr, raw in cells:
                if raw == "":
                    continue
                ends[attr.field] = self.resolve_item(attr.target or "", col.pattern, raw, col, row)
        except Unresolved as exc:
            if final:
                self.unresolved(exc, row)
                self.report.skipped[td.code] += 1
            else:
                self.retry_rows.append((td, header, row))
            return
        if "source" not in ends or "target" not in ends:
            self.problem(f"{td.code} needs both source and target: row skipped", row.line)
            return
        (_, source), (_, target) = ends["source"], ends["target"]
        remove = header.mode == "REMOVE"
        hook = td.relation[2]
        if hook == "group_membership":
            groups = {g for g in source.groups if uid_key(g) != uid_key(target.uid)}
            self.db.set_groups(source, groups if remove else groups | {target.uid})
        else:
            holder_end, field_name = {
                "subcategory": ("target", "supercategories"),
                "category_product": ("target", "supercategories"),
                "store_delivery_mode": ("source", "deliveryModes"),
                "pos_warehouse": ("source", "warehouses"),
                "site_store": ("source", "stores"),
            }[hook]
            other_end = "source" if holder_end == "target" else "target"
            holder = ends[holder_end][1]
            other_td, other = ends[other_end]
            value = other_td.ident(other)
            values = [v for v in getattr(holder, field_name) if v != value]
            setattr(holder, field_name, values if remove else values + [value])
        self.report.counts[td.code] += 1

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
        if kind == "ref":
            owner_td, ident = self.resolve(attr.target or "", col.pattern, raw, col, row)
            return (owner_td, ident) if attr.hook == "owner" else ident
        raise BadValue(f"unsupported attribute kind {kind}")

    def resolve(self, target: str, pattern: Pattern | None, value: str, col: Column,
                row: ValueLine) -> tuple[TypeDef, Any]:
        td, item = self.resolve_item(target, pattern, value, col, row)
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
            leaves = sum(sp.leaf_count() for sp in alternative)
            parts = [value] if leaves == 1 else v.split_path(value, delimiter)
            if len(parts) > leaves:
                continue
            parts += [""] * (leaves - len(parts))  # missing trailing parts take the defaults
            try:
                fields = self.pattern_fields(alt_td, alternative, parts, col, row)
            except Unresolved:
                continue
            found = [x for x in self.find(alt_td, fields) if _is_a(x, alt_td)]
            if found:
                return alt_td, found[0]
        raise Unresolved(f"{target_td.code} '{value}' not found")

    def pattern_fields(self, td: TypeDef, subpatterns: tuple[Pattern, ...], parts: list[str],
                       col: Column, row: ValueLine) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        pos = 0
        for sp in subpatterns:
            n = sp.leaf_count()
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
                sub_col = dataclasses.replace(col, pattern=sp, modifiers={
                    **sp.modifiers, "path-delimiter": ":"})
                _, fields[attr.field] = self.resolve(attr.target or "", sp, text, sub_col, row)
                continue
            if raw == "" and sp.modifiers.get("default") is not None:
                raw = sp.modifiers["default"]
            value = self.convert(td, col, attr, raw or "", row) if attr.kind != "localized" else raw
            fields[attr.field] = None if value is _MISSING else value
        return fields
