"""The server's clock. Token expiry and every timestamp the server writes read it, so tests can
move time forward (``advance``) instead of sleeping, and stop it (``freeze``) where a second of
real time would change the outcome."""
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
        self._frozen: datetime | None = None
        self._lock = threading.Lock()

    def _base(self) -> datetime:
        return self._frozen if self._frozen is not None else self._source()

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        return self._base() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    def freeze(self) -> datetime:
        """Stop the clock where it is: it moves only by ``advance`` from now on, so a test
        can put a token one second before its expiry and know it is still one second."""
        with self._lock:
            if self._frozen is None:
                self._frozen = self._source()
        return self.now()

    def unfreeze(self) -> datetime:
        """Let the clock run again from where it stands."""
        with self._lock:
            if self._frozen is not None:
                self._offset += self._frozen - self._source()
                self._frozen = None
        return self.now()

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward; ValueError (and no move) if it would pass ``LATEST``."""
        with self._lock:
            try:
                offset = self._offset + timedelta(seconds=seconds)
                beyond = self._base() + offset > LATEST
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
        """Real time again: no offset, not frozen."""
        with self._lock:
            self._offset = timedelta()
            self._frozen = None
