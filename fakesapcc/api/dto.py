"""WsDTOs: each SAP response type declared once, whole — every property of SAP's DTO and its
``fields`` levels — beside the builder that fills it (``api/occ/dtos/``, ``api/asm/dtos.py``).

A ``DtoType`` is the declaration; a ``Dto`` is one value of it, a dict of the properties its
builder knows. A declared property the builder leaves out reads as null (so ``fields=`` may
name any of SAP's properties), and a property can be ``Lazy``: computed only when the
``fields`` projection (``api.fields.project``) keeps it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

LEVEL_NAMES = ("BASIC", "DEFAULT", "FULL")

#: every DtoType by name
TYPES: dict[str, "DtoType"] = {}


class DtoType:
    """A WsDTO: its name (SAP's schema name), every property, and its level definitions
    (SAP's dto-level-mappings; ``*`` = every property, nested DTOs at the same level)."""

    __slots__ = ("name", "properties", "levels", "spec", "_names")

    def __init__(self, name: str, properties: str | Iterable[str], *, spec: str | None = "",
                 BASIC: str = "*", DEFAULT: str = "*", FULL: str = "*") -> None:
        if name in TYPES:
            raise ValueError(f"WsDTO {name} is declared twice")
        self.name = name
        self.properties: tuple[str, ...] = tuple(
            properties.split() if isinstance(properties, str) else properties)
        self._names = frozenset(self.properties)
        self.levels = {"BASIC": BASIC, "DEFAULT": DEFAULT, "FULL": FULL}
        #: the schema of SAP's OCC document this type is (None: not in that document, e.g. the
        #: ASM web app's own DTOs)
        self.spec = name if spec == "" else spec
        TYPES[name] = self

    def has(self, prop: str) -> bool:
        return prop in self._names

    def __call__(self, base: dict[str, Any] | None = None, /, **values: Any) -> "Dto":
        """A value of this type: ``ADDRESS(id=…, firstName=…)`` (or a dict of them, and more)."""
        return Dto(self, {**base, **values} if base else values)

    def __repr__(self) -> str:
        return f"DtoType({self.name})"


class Dto(dict):
    """One WsDTO value: the properties its builder set (``None`` or absent = null)."""

    __slots__ = ("type",)

    def __init__(self, type_: DtoType, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.type = type_

    def retyped(self, type_: DtoType, **more: Any) -> "Dto":
        """The same values as another type (a PointOfService as a PointOfServiceStock …)."""
        return Dto(type_, {**self, **more})


class Lazy:
    """A property computed only if the projection keeps it (images, reviews, stock …)."""

    __slots__ = ("compute",)

    def __init__(self, compute: Callable[[], Any]) -> None:
        self.compute = compute

    def __call__(self) -> Any:
        return self.compute()


class Kept:
    """A DTO whose projection is kept: the same value projected by the same expression is
    projected once and served from ``cache`` (a ``Db.derived`` dict, dropped when the state the
    DTO shows changes). ``build()`` makes the DTO; ``fresh()`` makes a DTO of the same type with
    only the properties that change more often than the cache is dropped (a product's stock),
    projected anew each time and laid over the kept part."""

    __slots__ = ("cache", "key", "build", "fresh")
    LIMIT = 20_000  # kept projections per cache (fields= expressions are the caller's choice)

    def __init__(self, cache: dict, key: Any, build: Callable[[], Dto],
                 fresh: Callable[[], Dto] | None = None) -> None:
        self.cache = cache
        self.key = key
        self.build = build
        self.fresh = fresh


def value(dto: Dto, prop: str) -> Any:
    """A property of a DTO, computed if lazy (for builders that read another builder's DTO)."""
    if type(dto) is Kept:
        dto = dto.build()
    item = dict.get(dto, prop)
    return item() if type(item) is Lazy else item
