"""The state file (``serve --state-file PATH``, ``FAKESAPCC_STATE_FILE``): the store kept on
disk, so that a restart (or a crash) of a long-running instance keeps its carts, orders,
customers and tokens.

- The file is a snapshot document (``snapshots``: the JSON of ``GET /_fakesapcc/snapshot``,
  format ``fakesapcc-snapshot``, ``version`` its format version) plus the fakesapcc version and
  the time it was written. A state file can be POSTed to ``/_fakesapcc/restore``, and a saved
  snapshot used as a state file.
- On start, an existing file is read whole and checked before anything listens; a file that is
  not JSON, not a snapshot, of a newer or unknown format version, or damaged (a collection or an
  item that does not read) raises ``StateFileError`` naming the file and the problem. The file
  is then never written: ``serve`` exits 1 and leaves it byte for byte as it was.
- Write-behind (chosen by measurement, see the README's "State file"): a request only ends its
  write (the Db's ``generation`` grows); a thread here wakes every ``FLUSH_INTERVAL`` seconds
  (longer after a slow flush, so that flushing takes at most about a twentieth of the time, up
  to ``MAX_WAIT``) and, if the generation grew, writes the whole state. Each write is atomic: a temporary file
  beside the target, fsynced, renamed over it, the folder fsynced; a crash at any moment leaves
  the previous good file or the new one, never half of one.
- A flush pickles every collection under the read lock (milliseconds: writers wait that long;
  it takes the lock ahead of waiting writers, so that a stream of writes cannot starve it),
  then, outside the lock, re-encodes as JSON only the collections whose pickle changed since
  the last flush (the catalog and CMS, most of the bytes, are encoded once).
- ``close()`` (a clean stop: SIGTERM, SIGINT) writes what is left. It must run in the process
  that holds the state (``serve``'s one process, granian's or waitress'): ``serve`` calls it
  as it stops, ``atexit`` as the process ends (a forked process, ``multiprocessing``'s
  finalizers).
"""
from __future__ import annotations

import atexit
import logging
import os
import pickle
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import orjson

from .db import Db, State
from .snapshots import FORMAT, VERSION, SnapshotError, collections, encode_collection, read_state
from .version import __version__

log = logging.getLogger("fakesapcc")

FLUSH_INTERVAL = 0.4  # seconds between checks: a write is on disk within this plus one flush
#: a flush costs the server at most about a twentieth of its time: after a flush of ``t``
#: seconds the next check waits ``FLUSH_SHARE * t`` if that is longer, up to ``MAX_WAIT``
FLUSH_SHARE = 19
MAX_WAIT = 0.75


class StateFileError(Exception):
    """A state file that cannot be used; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"the state file {path} {problem}; it is left as it is (move it "
                         "away to start from the seed)")
        self.path = path
        self.problem = problem


# ---------------------------------------------------------------------------------- reading


def read_state_file(path: str | Path) -> State | None:
    """The State a state file holds, None if there is no file; raises StateFileError."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StateFileError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise StateFileError(path, f"cannot be read ({exc.strerror})") from None
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StateFileError(path, f"is damaged: not JSON ({exc})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateFileError(path, f"is not a fakesapcc state file (no \"format\": "
                             f"\"{FORMAT}\")")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise StateFileError(path, f"has an unknown format version {version!r} (this "
                             f"fakesapcc reads version {VERSION})")
    if version > VERSION:
        raise StateFileError(path, f"was written by a newer fakesapcc "
                             f"({document.get('fakesapcc', 'unknown version')}, format version "
                             f"{version}); this fakesapcc {__version__} reads version {VERSION}")
    if version != VERSION:
        raise StateFileError(path, f"has an unknown format version {version} (this fakesapcc "
                             f"reads version {VERSION})")
    try:
        return read_state(document)
    except SnapshotError as exc:
        raise StateFileError(path, f"is damaged: {exc.message}") from None
    except Exception as exc:  # a value the models refuse  # noqa: BLE001
        raise StateFileError(path, f"is damaged: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------------------------- writing


def write_atomically(path: Path, data: bytes) -> None:
    """Write-then-rename with fsync: ``path`` holds the old bytes or the new, whole."""
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)  # the rename itself survives a power cut
    finally:
        os.close(dir_fd)


class Persister:
    """Write-behind of one Db to one state file (see the module's docstring)."""

    def __init__(self, db: Db, path: str | Path, interval: float = FLUSH_INTERVAL) -> None:
        self.db = db
        self.path = Path(path)
        self.interval = interval
        self.flushes = 0
        self.last_flush_ms = 0.0
        self._flushed: int | None = None  # the generation on disk
        self._cache: dict[str, tuple[bytes, bytes]] = {}  # collection -> (pickle, JSON)
        self._lock = threading.Lock()  # one flush at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    @property
    def dirty(self) -> bool:
        return self._flushed != self.db.generation

    def start(self, written: bool = False) -> None:
        """Start the write-behind thread in this process. ``written``: the file already holds
        the state (it was just loaded from it); otherwise it is written now."""
        if written:
            self._flushed = self.db.generation
        else:
            self.flush()
        self._pid = os.getpid()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fakesapcc-state-file",
                                        daemon=True)
        self._thread.start()
        atexit.register(self.close)
        import multiprocessing.util  # (a start without a state file never needs it)

        multiprocessing.util.Finalize(None, self.close, exitpriority=100)  # a forked process

    def _wait(self) -> float:
        return max(self.interval, min(MAX_WAIT, FLUSH_SHARE * self.last_flush_ms / 1000))

    def _run(self) -> None:
        while not self._stop.wait(self._wait()):
            try:
                self.flush()
            except Exception:  # a full disk: try again next tick, keep serving
                log.exception("cannot write the state file %s", self.path)

    def flush(self) -> bool:
        """Write the state if it changed since the last write; True if it wrote."""
        with self._lock:
            if not self.dirty:
                return False
            started = time.perf_counter()
            with self.db.reading(first=True) as state, self.db.side_lock.holding():
                generation = self.db.generation
                blobs = {name: pickle.dumps(getattr(state, name), pickle.HIGHEST_PROTOCOL)
                         for name, _ in collections()}
            parts = []
            for name, hint in collections():
                blob = blobs[name]
                cached = self._cache.get(name)
                if cached is None or cached[0] != blob:
                    encoded = orjson.dumps(encode_collection(name, hint, pickle.loads(blob)),
                                           option=orjson.OPT_NON_STR_KEYS)
                    cached = self._cache[name] = (blob, encoded)
                parts.append(orjson.dumps(name) + b":" + cached[1])
            head = orjson.dumps({"format": FORMAT, "version": VERSION, "fakesapcc": __version__,
                                 "savedAt": datetime.now(timezone.utc).isoformat(
                                     timespec="milliseconds")})
            data = head[:-1] + b',"state":{' + b",".join(parts) + b"}}\n"
            write_atomically(self.path, data)
            self._flushed = generation
            self.flushes += 1
            self.last_flush_ms = (time.perf_counter() - started) * 1000
            return True

    def close(self) -> None:
        """Stop the thread and write what is left (a clean shutdown); only in the process
        that started it (a fork inherits the object, not the thread)."""
        if self._pid != os.getpid():
            return
        self._pid = None
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        try:
            self.flush()
        except Exception:
            log.exception("cannot write the state file %s", self.path)

    def status(self) -> dict[str, Any]:
        return {"path": str(self.path), "flushes": self.flushes, "dirty": self.dirty,
                "lastFlushMs": round(self.last_flush_ms, 3)}
