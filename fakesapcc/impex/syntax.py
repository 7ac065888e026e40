"""The parsed form of an ImpEx file: what the parser produces and the loader consumes.

Nothing here knows about the store. Names follow SAP's ImpEx vocabulary (header, mode, column,
modifier, value line, document id).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter

MODES = ("INSERT", "UPDATE", "INSERT_UPDATE", "REMOVE")


@dataclass(frozen=True)
class Diagnostic:
    """A warning or an error, with where it happened."""

    level: str  # "warning" | "error"
    message: str
    file: str
    line: int
    column: str | None = None  # the header column text the message is about, if any

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file  # 0: the whole file
        col = f" [column {self.column}]" if self.column else ""
        return f"{where}: {self.level}: {self.message}{col}"


@dataclass(frozen=True)
class Pattern:
    """One node of a column or reference pattern: ``qualifier[modifiers](alternatives)``.

    ``owner(Customer.uid|PointOfService.name)`` parses as qualifier ``owner`` with two
    alternatives, each a tuple of sub-patterns: ``(Pattern('uid', type_code='Customer'),)`` and
    ``(Pattern('name', type_code='PointOfService'),)``. ``catalogVersion(catalog(id),version)``
    has one alternative of two sub-patterns, the first itself with one alternative ``(id,)``.
    An atomic attribute has ``alternatives == ()``.
    """

    qualifier: str  # as written in the file (case kept); compare case-insensitively
    type_code: str | None = None  # "Customer" in "Customer.uid"
    modifiers: dict[str, str] = field(default_factory=dict)  # keys lower-cased, values unquoted
    alternatives: tuple[tuple["Pattern", ...], ...] = ()

    @property
    def is_reference(self) -> bool:
        return bool(self.alternatives)

    def leaf_count(self, alternative: int = 0) -> int:
        """How many ``:``-separated parts a value for this pattern has (for one alternative)."""
        if not self.alternatives:
            return 1
        return sum(p.leaf_count(0) for p in self.alternatives[alternative])


@dataclass(frozen=True)
class Column:
    """One header column after the type code."""

    index: int  # position among the header's columns, 0-based
    text: str  # the column as written after macro expansion (for messages)
    kind: str  # "attribute" | "docid" (&x) | "special" (@x) | "classification" (C@x) | "empty"
    pattern: Pattern | None  # None for "empty"; for "docid" the qualifier is the id name
    modifiers: dict[str, str] = field(default_factory=dict)  # cell modifiers, keys lower-cased

    @property
    def qualifier(self) -> str | None:
        return self.pattern.qualifier if self.pattern else None

    @property
    def unique(self) -> bool:
        return self.modifiers.get("unique", "").lower() == "true"

    @property
    def virtual(self) -> bool:
        return self.modifiers.get("virtual", "").lower() == "true"

    @property
    def default(self) -> str | None:
        return self.modifiers.get("default")

    @property
    def lang(self) -> str | None:
        return self.modifiers.get("lang")


@dataclass(frozen=True)
class Header:
    mode: str  # one of MODES, upper-cased
    type_code: str  # as written
    modifiers: dict[str, str]  # line modifiers, keys lower-cased
    columns: tuple[Column, ...]
    line: int

    @property
    def batchmode(self) -> bool:
        return self.modifiers.get("batchmode", "").lower() == "true"


class ValueLine(tuple):
    """One data row. ``cells[i]`` is the raw (unquoted, trimmed-if-unquoted) text for
    ``header.columns[i]``; a virtual column, a missing trailing cell and an empty cell all give
    ``""``. Apply ``default`` and interpret ``<ignore>``/``<null>`` in the loader.

    A tuple of ``(header, subtype, cells, line, locale)`` with those names: a file of 300,000
    rows makes 300,000 of them, and a tuple is made in one step (``value_line``)."""

    __slots__ = ()

    def __new__(cls, header: Header, subtype: str | None, cells: tuple[str, ...], line: int,
                locale: str = "en") -> "ValueLine":
        return tuple.__new__(cls, (header, subtype, cells, line, locale))

    header: Header = property(itemgetter(0))  # type: ignore[assignment]
    #: a type code written in the first cell, else None
    subtype: str | None = property(itemgetter(1))  # type: ignore[assignment]
    cells: tuple[str, ...] = property(itemgetter(2))  # type: ignore[assignment]
    line: int = property(itemgetter(3))  # type: ignore[assignment]
    #: from the last ``#% impex.setLocale(Locale.X)`` before this row
    locale: str = property(itemgetter(4))  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ValueLine(line={self.line}, subtype={self.subtype!r}, cells={self.cells!r})"


_new_tuple = tuple.__new__


def value_line(header: Header, subtype: str | None, cells: tuple[str, ...], line: int,
               locale: str) -> ValueLine:
    """``ValueLine(...)`` for the parser's hot loop."""
    return _new_tuple(ValueLine, (header, subtype, cells, line, locale))


@dataclass
class Block:
    header: Header
    rows: list[ValueLine] = field(default_factory=list)


@dataclass
class ParsedImpex:
    file: str
    blocks: list[Block] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]
