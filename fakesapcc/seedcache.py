"""The seed cache: the state a seed's ImpEx files load into, kept on disk under a digest of
everything the load reads — each file's path and bytes, the SAP properties, strict mode, and
fakesapcc's own source — so that a second start on the same seed restores it instead of parsing
it again (as Python keeps compiled modules beside their source). A changed file, property or
fakesapcc version is a new digest, and so a new load; an entry that cannot be read is loaded
anew and written again. Only loads without errors are kept.

An entry's state is written by ``pickling.dumps``: each model as a call of its class, big
tables by columns, and what the state holds once written once — the ImpEx loader holds a
100,000-customer seed's repeated texts once (its passwords, languages, towns, first and last
names, and every address's owner uid: ``impex.compiled``), so that the state restored from it
holds each of them once too: a smaller heap, and fewer objects for ``pickle.loads`` to make.

Where: ``$FAKESAPCC_CACHE_DIR/seed``, else ``$XDG_CACHE_HOME/fakesapcc/seed``, else
``~/.cache/fakesapcc/seed``; the newest ``KEEP`` entries are kept. ``--no-seed-cache``
(``FAKESAPCC_SEED_CACHE=false``) loads every time and writes nothing.

``serve`` writes a big seed's entry behind the load (``store_behind``): a child process forked
when the load ends pickles the state it shares with the server and writes the entry, on the
other core, while the server answers (100,000 customers: about 1.2 s of pickling off the time
to ready).
"""
from __future__ import annotations

import functools
import gc
import hashlib
import json
import os
import pickle
import signal
import sys
import tempfile
import threading
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

from .impex.report import LoadReport
from .version import __version__

FORMAT = 4  # 4: the state written by ``pickling.dumps``, big tables by columns
KEEP = 8  # cache entries kept (the newest)
SUFFIX = ".seed"


def cache_dir() -> Path:
    base = os.environ.get("FAKESAPCC_CACHE_DIR")
    if base:
        return Path(base) / "seed"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "fakesapcc" / "seed"


@functools.cache
def source_digest() -> str:
    """fakesapcc's own source: a model or loader change makes every entry stale."""
    digest = hashlib.sha256()
    package = os.path.dirname(os.path.abspath(__file__))
    files = []  # (plain strings: pathlib's rglob and sorting were half of this, on every start)
    for folder, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        rel = os.path.relpath(folder, package)
        files.extend(n if rel == "." else os.path.join(rel, n) for n in names if n.endswith(".py"))
    for name in sorted(files, key=lambda n: n.split(os.sep)):
        with open(os.path.join(package, name), "rb") as f:
            digest.update(name.encode() + b"\0" + f.read())
    return digest.hexdigest()


def seed_key(paths: Sequence[Path], properties: Mapping[str, str], strict: bool) -> str:
    digest = hashlib.sha256()
    head = [FORMAT, __version__, sys.version, source_digest(), sorted(properties.items()), strict]
    digest.update(json.dumps(head).encode())
    for path in paths:
        digest.update(b"\0" + str(Path(path).resolve()).encode() + b"\0")
        with Path(path).open("rb") as f:  # in pieces: a big file never sits whole in memory
            for block in iter(functools.partial(f.read, 1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:32]


def lookup(key: str) -> tuple[LoadReport, bytes] | None:
    """The report and state snapshot kept under ``key``, or None."""
    path = cache_dir() / (key + SUFFIX)
    try:
        with path.open("rb") as f:
            version, report, snapshot = pickle.load(f)
    except Exception:  # missing, unreadable, from another format: load the seed anew
        return None
    if version != FORMAT or not isinstance(report, LoadReport) or not isinstance(snapshot, bytes):
        return None
    try:
        os.utime(path)  # the newest entries are the ones kept
    except OSError:
        pass
    return report, snapshot


def store(key: str, report: LoadReport, snapshot: bytes) -> bool:
    """Keep a load (atomically: a reader sees the old entry or the new one, whole). A cache
    that cannot be written is no error (False): the next start loads the seed again."""
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump((FORMAT, report, snapshot), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / (key + SUFFIX))
        entries = sorted(folder.glob("*" + SUFFIX), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
        return False
    return True


class Writer:
    """An entry being written by a child process (``store_behind``), reaped by a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.stored: bool | None = None  # None while the child runs
        self._reaper = threading.Thread(target=self._reap, name="fakesapcc-seed-cache",
                                        daemon=True)
        self._reaper.start()

    def _reap(self) -> None:
        try:
            _, status = os.waitpid(self.pid, 0)
            self.stored = os.waitstatus_to_exitcode(status) == 0
        except ChildProcessError:
            self.stored = False

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the entry was written, once the child has ended (or ``timeout`` passed)."""
        self._reaper.join(timeout)
        return bool(self.stored)


def store_behind(key: str, report: LoadReport, state: object) -> Writer | None:
    """Keep a load as ``store`` does, its state pickled and written by a child process forked
    now: the caller goes on at once. Call it with the state unchanging (the store's lock
    held): the child pickles the state as it is at the fork. None where there is no fork to
    rely on (only Linux is used) or it fails: then the caller stores the load itself.

    The child ignores SIGINT and SIGTERM, which a terminal or a process-group stop sends it
    with the server: the writing ends on its own in seconds, and a stopped server waits for
    it (``Writer.wait``), so that a stop right after the start still leaves the entry."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with warnings.catch_warnings():  # the server's threads: the child uses none of them
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: pickle, write, and leave without the parent's exit handlers
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            gc.disable()  # a pickle makes no cycles
            from . import pickling

            code = 0 if store(key, report, pickling.dumps(state)) else 1
        finally:
            os._exit(code)
    return Writer(pid)
