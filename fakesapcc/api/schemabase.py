"""marshmallow as the HTTP layer uses it, cheaper to start (each measured on the server's start):

- imported without compiling its e-mail validator's patterns, which no schema of fakesapcc uses:
  ``marshmallow.validate`` compiles ``Email.DOMAIN_REGEX`` as it is imported, a case-insensitive
  class of every letter up to U+FFFF that took about 30 ms, a tenth of the start. While that
  module is imported, a pattern spanning the letters up to U+FFFF is made a ``LazyPattern``,
  compiled when first used;
- ``Schema``, the base of every schema here, finds a new class's hooks (``@validates_schema``,
  ``@post_load``) in one pass over its classes' ``__dict__``s, where marshmallow looks every
  name of ``dir(cls)`` up along the MRO (about 25 ms over the ~250 schema classes).
"""
from __future__ import annotations

import functools
import inspect
import re
import sys
import threading
from collections import defaultdict
from typing import Any

_ALL_LETTERS = "\uffff"  # the end of marshmallow's ``_UNICODE_LETTERS`` range
_lock = threading.Lock()
_compile = re.compile


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled by the first attribute asked for."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        return _compile(*self._args)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what a class body's machinery probes (``abc``)
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0][:40]!r}…)"


def import_marshmallow() -> None:
    """Import ``marshmallow`` (once, whoever asks first): its validators' huge patterns lazy."""
    if "marshmallow.validate" in sys.modules:
        return
    with _lock:
        if "marshmallow.validate" in sys.modules:
            return
        compile_now = re.compile

        def compile_lazily(pattern: Any, flags: int = 0) -> Any:
            if isinstance(pattern, str) and _ALL_LETTERS in pattern:
                return LazyPattern(pattern, flags)
            return compile_now(pattern, flags)

        re.compile = compile_lazily  # type: ignore[assignment]
        try:
            import marshmallow.validate  # noqa: F401
        finally:
            re.compile = compile_now


import_marshmallow()

import marshmallow as ma  # noqa: E402


class SchemaMeta(type(ma.Schema)):  # type: ignore[misc]
    def resolve_hooks(cls) -> dict[str, list[tuple[str, bool, dict]]]:
        """marshmallow's ``SchemaMeta.resolve_hooks``, the same hooks in the same order: every
        attribute name of the class, in sorted order (``dir``), as the nearest class along the
        MRO defines it."""
        found: dict[str, Any] = {}
        for parent in reversed(inspect.getmro(cls)):
            found.update(parent.__dict__)
        hooks: dict[str, list[tuple[str, bool, dict]]] = defaultdict(list)
        for name in sorted(found):
            config = getattr(found[name], "__marshmallow_hook__", None)
            if config is None:
                continue
            for tag, entries in config.items():
                hooks[tag].extend((name, many, kwargs) for many, kwargs in entries)
        return hooks


class Schema(ma.Schema, metaclass=SchemaMeta):
    """``marshmallow.Schema``, made cheaper to declare (``SchemaMeta``)."""
