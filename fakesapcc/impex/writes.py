"""The ImpEx loader's writes of collection attributes (``mode=append|remove|replace|merge``,
``(+)``/``(-)`` elements, group members) and of relation rows (``CategoryProductRelation``…),
mixed into the loader's engine (``impex.loader``), whose lookups and reports they use."""
from __future__ import annotations

from typing import Any

from ..db import uid_key
from . import values as v
from .syntax import Column, Header, ValueLine
from .types import Attr, TypeDef

NULL = "<null>"


class Unresolved(Exception):
    """A reference did not resolve (yet)."""

    def __init__(self, message: str, docid: bool = False) -> None:
        super().__init__(message)
        self.docid = docid


class CollectionWrites:
    """Methods of ``impex.loader._FileLoader`` (``self`` is the loader)."""

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
            key = norm(value)
            if op == "-" or (mode == "remove" and not op):
                result = [x for x in result if norm(x) != key]
            elif not any(norm(x) == key for x in result):
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
