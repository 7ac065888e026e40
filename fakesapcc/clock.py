"""The server's clock. Token expiry and every timestamp the server writes read it, so tests can
move time forward (``advance``) instead of sleeping."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone


# The latest time the clock may show: a margin below datetime.max for what is added to now
# (token lifetimes, expiry dates).
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)


def _system_now() -> datetime:
    return datetime.now(timezone.utc)


class Clock:
    def __init__(self, source: Callable[[], datetime] = _system_now) -> None:
        self._source = source
        self._offset = timedelta()
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return self._source() + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward; ValueError (and no move) if it would pass ``LATEST``."""
        with self._lock:
            try:
                offset = self._offset + timedelta(seconds=seconds)
                beyond = self._source() + offset > LATEST
            except OverflowError:
                beyond = True
            if beyond:
                raise ValueError(f"the clock cannot move {seconds} seconds on: it would pass "
                                 f"{LATEST.year}, and dates must still fit the calendar")
            self._offset = offset
        return self.now()

    @property
    def offset_seconds(self) -> float:
        return self._offset.total_seconds()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta()
