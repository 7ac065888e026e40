"""The request journal: one entry per call the server saw (method, path, status, operationId,
caller, acting user, duration, lint warnings, fault), the last ``journalSize`` kept, and the
filters the control plane and ``FakeSAPCC.requests`` query it with. No Flask here:
``api.harness`` records the entries."""
from __future__ import annotations

import fnmatch
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import validation_error

FILTERS = ("path", "principal", "actingUser", "method", "status", "operationId", "warning")


@dataclass
class JournalEntry:
    """One call as the server saw it (``at``: when, on the server clock; ``timestamp`` is its
    text, written when first read rather than on every call)."""

    id: int
    at: datetime
    method: str
    path: str
    query: dict[str, Any]
    status: int | None  # None: the connection was dropped
    operation_id: str | None
    principal: str | None
    acting_user: str | None
    emulated: bool
    duration_ms: float
    warnings: list[str] = field(default_factory=list)
    fault: str | None = None

    @property
    def timestamp(self) -> str:
        return self.at.isoformat(timespec="milliseconds")

    def access_line(self, note: str | None = None) -> str:
        """The server log's line for this call (``--log-level debug``): method, path, status,
        time, operation, caller, acting user, warnings (``note``: the lint's sentence)."""
        parts = [self.method, self.path, "dropped" if self.status is None else str(self.status),
                 f"{self.duration_ms:.1f}ms"]
        if self.operation_id:
            parts.append(self.operation_id)
        if self.principal is not None:
            parts.append(f"principal={self.principal}")
        if self.acting_user is not None:
            parts.append(f"actingUser={self.acting_user}" + (" (emulated)" if self.emulated else ""))
        if self.fault:
            parts.append(f"fault={self.fault}")
        for warning in self.warnings:
            parts.append(f"WARNING {warning}" + (f": {note}" if note else ""))
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "timestamp": self.timestamp, "method": self.method,
                "path": self.path, "query": self.query, "status": self.status,
                "operationId": self.operation_id, "principal": self.principal,
                "actingUser": self.acting_user, "emulated": self.emulated,
                "durationMs": self.duration_ms, "warnings": list(self.warnings),
                "fault": self.fault}


@dataclass(frozen=True)
class JournalFilter:
    """Which entries a query asks for: ``path`` is a substring, or a glob if it holds ``*``,
    ``?`` or ``[``; ``status`` a code (``404``) or a class (``4xx``); the rest match exactly
    (``principal``, ``actingUser`` and ``method`` ignoring case)."""

    path: str | None = None
    principal: str | None = None
    acting_user: str | None = None
    method: str | None = None
    status: str | None = None
    operation_id: str | None = None
    warning: str | None = None

    @classmethod
    def from_query(cls, args: dict[str, str]) -> "JournalFilter":
        unknown = sorted(set(args) - set(FILTERS))
        if unknown:
            raise validation_error(unknown[0], f"Unknown filter '{unknown[0]}'; the filters "
                                   f"are {', '.join(FILTERS)}", "unknown")
        status = args.get("status")
        if status is not None and not _status_pattern(status):
            raise validation_error("status", "status must be a code such as 404 or a class "
                                   "such as 4xx")
        return cls(path=args.get("path"), principal=args.get("principal"),
                   acting_user=args.get("actingUser"), method=args.get("method"),
                   status=status, operation_id=args.get("operationId"),
                   warning=args.get("warning"))

    def __call__(self, e: JournalEntry) -> bool:
        return (self._path(e.path) and _same(self.principal, e.principal)
                and _same(self.acting_user, e.acting_user) and _same(self.method, e.method)
                and self._status(e.status)
                and (self.operation_id is None or self.operation_id == e.operation_id)
                and (self.warning is None or self.warning in e.warnings))

    def _path(self, path: str) -> bool:
        if self.path is None:
            return True
        if any(c in self.path for c in "*?["):
            return fnmatch.fnmatchcase(path, self.path)
        return self.path in path

    def _status(self, status: int | None) -> bool:
        if self.status is None:
            return True
        if status is None:
            return False
        if self.status.lower().endswith("xx"):
            return str(status)[0] == self.status[0]
        return str(status) == self.status


def _status_pattern(value: str) -> bool:
    return (value.isdigit() and len(value) == 3) or (
        len(value) == 3 and value[0] in "12345" and value[1:].lower() == "xx")


def _same(wanted: str | None, value: str | None) -> bool:
    return wanted is None or (value is not None and wanted.lower() == value.lower())


class Journal:
    """The last ``size`` calls, oldest first (thread-safe)."""

    def __init__(self, size: int) -> None:
        self._lock = threading.Lock()
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._ids = 0

    def next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    def record(self, entry: JournalEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, where: JournalFilter = JournalFilter()) -> list[JournalEntry]:
        with self._lock:
            return [e for e in self._entries if where(e)]

    def clear(self, restart_ids: bool = False) -> None:
        """Forget the entries; ``restart_ids`` (a reset) numbers the next call 1 again."""
        with self._lock:
            self._entries.clear()
            if restart_ids:
                self._ids = 0

    def resize(self, size: int) -> None:
        """Keep at most ``size`` entries from now on (the newest, when it shrinks)."""
        with self._lock:
            self._entries = deque(self._entries, maxlen=size)


