"""SAP's ``fields`` parameter: one projection mechanism for every OCC DTO.

A DTO is a ``Dto`` of a declared ``DtoType`` (``api.dto``); ``project`` keeps what the ``fields``
expression asks for, with SAP's grammar:

- a comma-separated list of level names (``BASIC``, ``DEFAULT``, ``FULL``) and property names;
- ``prop(conf)`` applies ``conf`` to a nested DTO or to each element of a list of DTOs;
- a nested DTO named without parentheses gets its BASIC level;
- levels are defined per DTO type (``DtoType.levels``) and may use other levels;
- a property the DTO type does not declare is an error (``Incorrect field:'x'``), whitespace
  is trimmed, null properties are left out; a ``Lazy`` property is computed only if kept.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..errors import ApiError
from .dto import LEVEL_NAMES, Dto, DtoType, Kept, Lazy

MAX_DEPTH = 50  # nesting deeper than any DTO is refused, not recursed into


@lru_cache(maxsize=4096)
def parse_fields(expression: str) -> tuple[tuple[str, str | None], ...]:
    """Split one level of a fields expression into ``(name, sub-expression or None)``."""
    return tuple(_parse(expression))


def _parse(expression: str) -> list[tuple[str, str | None]]:
    items: list[tuple[str, str | None]] = []
    text = expression.strip()
    if not text:
        return items
    i, n = 0, len(text)
    while i < n:
        j = i
        while j < n and text[j] not in ",()":
            j += 1
        name = text[i:j].strip()
        if not name:
            raise _conversion("Incorrect configuration")
        if j < n and text[j] == "(":
            depth, k = 1, j + 1
            while k < n and depth:
                depth += {"(": 1, ")": -1}.get(text[k], 0)
                k += 1
            if depth:
                raise _conversion("Incorrect configuration : Missing ')'")
            sub = text[j + 1:k - 1]
            if not sub.strip():
                raise _conversion("Incorrect configuration")
            items.append((name, sub))
            j = k
            while j < n and text[j] == " ":
                j += 1
        else:
            items.append((name, None))
        if j < n:
            if text[j] == ")":
                raise _conversion("Incorrect configuration")
            if text[j] == ",":
                j += 1
                if j >= n or not text[j:].strip():
                    raise _conversion("Incorrect configuration")
        i = j
    return items


def _conversion(message: str) -> ApiError:
    return ApiError(400, "ConversionError", message)


class _Level(str):
    """A sub-expression that a ``*`` level gives every property: the level's name, which a
    nested DTO takes and a plain value ignores."""


@lru_cache(maxsize=8192)
def _plan(kind: DtoType, expression: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """What an expression selects of a DTO type: for each property, the expression a nested DTO
    in it is projected by, and the sub-expressions asked for it explicitly (which a plain value
    refuses). The same for every value of the type: computed once per type and expression."""
    plan = []
    for prop, subs in _selection(kind, expression).items():
        nested = ",".join(dict.fromkeys(sub or "BASIC" for sub in subs))
        explicit = tuple(sub for sub in subs if sub is not None and type(sub) is not _Level)
        plan.append((prop, nested, explicit))
    return tuple(plan)


def _selection(kind: DtoType, expression: str, depth: int = 0) -> dict[str, list[str | None]]:
    """Property name → the sub-expressions asked for it. A property asked for twice gets the
    union of both, as SAP's field set builder collects paths."""
    if depth > 10:
        raise _conversion("Incorrect configuration")
    selected: dict[str, list[str | None]] = {}
    for name, sub in parse_fields(expression):
        if name in LEVEL_NAMES:
            if sub is not None:
                raise _conversion(f"Incorrect configuration : field '{name}' don't need configuration")
            definition = kind.levels[name]
            if definition == "*":
                level = _Level(name)
                for prop in kind.properties:  # every property, nested DTOs at the same level
                    selected.setdefault(prop, []).append(level)
            else:
                for prop, subs in _selection(kind, definition, depth + 1).items():
                    selected.setdefault(prop, []).extend(subs)
            continue
        if not kind.has(name):
            raise _conversion(f"Incorrect field:'{name}'")
        selected.setdefault(name, []).append(sub)
    return selected


def project(value: Any, expression: str = "DEFAULT") -> Any:
    """Keep what ``expression`` asks for of a Dto (or a list of them); drop nulls."""
    if type(value) is list:
        return [project(v, expression) for v in value]
    if type(value) is Kept:
        return _kept(value, expression)
    if not isinstance(value, Dto):
        return value
    result: dict[str, Any] = {}
    get = dict.get
    for prop, nested, explicit in _plan(value.type, expression):
        item = get(value, prop)
        kind = type(item)
        if kind is Lazy:
            item = item()
            dict.__setitem__(value, prop, item)  # once, if several selections ask for it
            kind = type(item)
        if kind in _PLAIN:
            if item is None:  # nothing to project into; what was asked must still parse
                for sub in explicit:
                    check_syntax(sub)
                continue
            if explicit:
                raise _conversion(f"Incorrect configuration : field '{prop}' don't need configuration")
        elif kind is Dto or kind is Kept or isinstance(item, Dto) \
                or (kind is list and item and isinstance(item[0], (Dto, Kept))):
            item = project(item, nested)
        elif kind is list and not item:
            for sub in explicit:
                check_syntax(sub)
        elif explicit:
            raise _conversion(f"Incorrect configuration : field '{prop}' don't need configuration")
        result[prop] = item
    return result


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _kept(value: Kept, expression: str) -> Any:
    key = (value.key, expression)
    cache = value.cache
    kept = cache.get(key)
    if kept is None:
        kept = project(value.build(), expression)
        if len(cache) >= Kept.LIMIT:
            cache.clear()
        cache[key] = kept
    if value.fresh is None:
        return kept
    fresh = value.fresh()
    extra: dict[str, Any] = {}
    for prop, nested, explicit in _fresh_plan(fresh.type, expression, frozenset(fresh)):
        item = dict.get(fresh, prop)
        if type(item) is Lazy:
            item = item()
        if item is None:
            continue
        if isinstance(item, (Dto, list)):
            item = project(item, nested)
        elif explicit:
            raise _conversion(f"Incorrect configuration : field '{prop}' don't need configuration")
        extra[prop] = item
    return {**kept, **extra} if extra else kept


@lru_cache(maxsize=4096)
def _fresh_plan(kind: DtoType, expression: str,
                props: frozenset[str]) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """The part of an expression's plan for the fresh properties of a kept DTO (the kept
    projection has checked the rest)."""
    return tuple(step for step in _plan(kind, expression) if step[0] in props)


def check_syntax(expression: str, depth: int = 0) -> None:
    """What can be told of an expression without the DTO it projects: its syntax, and that
    no level takes a configuration (a write checks this before it changes anything)."""
    if depth > MAX_DEPTH or (depth == 0 and _nesting(expression) > MAX_DEPTH):
        raise _conversion("Incorrect configuration")
    for name, sub in parse_fields(expression):
        if sub is not None:
            if name in LEVEL_NAMES:
                raise _conversion(f"Incorrect configuration : field '{name}' don't need configuration")
            check_syntax(sub, depth + 1)


def _nesting(expression: str) -> int:
    """How deep the parentheses of an expression go (checked in one pass, before parsing)."""
    deepest = depth = 0
    for char in expression:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth -= 1
    return deepest
