"""A readers–writer lock for the database: any number of readers at once, or one writer.

- re-entrant for the writer (a write request calls domain code that takes the lock again), and a
  writer may read;
- writer-preferring: once a writer waits, new readers wait behind it, so a stream of reads
  cannot starve a write;
- a thread that holds only a read lock may not take the write lock (that is how deadlocks
  start): ``ReadOnlyViolation`` says a read-only request tried to write;
- writers queue on a plain mutex, which wakes one of them as the lock frees: a condition's
  ``notify_all`` woke every waiting writer at every write, only for all but one to sleep again
  (under a stream of writes from 8 server threads, a fifth of the GIL's time went there).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class ReadOnlyViolation(RuntimeError):
    """A thread holding the read lock asked for the write lock."""


class RWLock:
    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0  # threads holding a read lock (not counting the writer's reads)
        self._writer: int | None = None
        self._write_depth = 0
        self._waiting_writers = 0
        self._waiting_first = 0  # ``first`` readers waiting: a writer's release wakes them
        self._write_mutex = threading.Lock()  # held by the writer, queued on by the others
        self._local = threading.local()
        #: writes ended (outermost write locks released): what a persister compares
        self.writes = 0

    def _reads(self) -> int:
        return getattr(self._local, "reads", 0)

    def acquire_read(self, first: bool = False) -> None:
        """``first``: wait for a writer that holds the lock, not for those that wait (a
        background reader that must not starve behind a stream of writes: the state file's
        flush)."""
        me = threading.get_ident()
        depth = self._reads()
        if depth or self._writer == me:  # nested, or the writer reading
            self._local.reads = depth + 1
            self._local.counted = getattr(self._local, "counted", False) if depth else False
            return
        with self._cond:
            if first:
                self._waiting_first += 1
            try:
                while self._writer is not None or (self._waiting_writers and not first):
                    self._cond.wait()
            finally:
                if first:
                    self._waiting_first -= 1
            self._readers += 1
        self._local.reads = 1
        self._local.counted = True

    def release_read(self) -> None:
        depth = self._reads() - 1
        self._local.reads = depth
        if depth == 0 and getattr(self._local, "counted", False):
            self._local.counted = False
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    def acquire_write(self) -> None:
        me = threading.get_ident()
        if self._writer == me:
            self._write_depth += 1
            return
        if self._reads():
            raise ReadOnlyViolation("a read-only request (GET/HEAD) tried to change the state; "
                                    "declare the operation writes=True")
        with self._cond:
            self._waiting_writers += 1  # from now on, new readers wait
        try:
            self._write_mutex.acquire()  # the writers before this one, one at a time
        except BaseException:
            with self._cond:
                self._waiting_writers -= 1
                self._cond.notify_all()
            raise
        try:
            with self._cond:
                self._waiting_writers -= 1
                self._writer = me
                self._write_depth = 1
                while self._readers:  # the readers inside when it came drain out
                    self._cond.wait()
        except BaseException:
            self._release_writer()
            raise

    def release_write(self) -> None:
        self._write_depth -= 1
        if self._write_depth == 0:
            self._release_writer()

    def _release_writer(self) -> None:
        with self._cond:
            self.writes += 1
            self._writer = None
            # readers go on when no writer waits (else the next writer goes first); a
            # ``first`` reader goes on between any two writes
            if not self._waiting_writers or self._waiting_first:
                self._cond.notify_all()
        self._write_mutex.release()

    @contextmanager
    def read(self, first: bool = False) -> Iterator[None]:
        self.acquire_read(first)
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write(self) -> Iterator[None]:
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
