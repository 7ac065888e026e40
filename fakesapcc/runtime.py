"""One fakesapcc instance: its configuration, store, clock and seed. No Flask here; the app
factory wraps a Runtime, the CLI and the test harness drive it."""
from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from . import pickling, seedcache
from .clock import Clock
from .config import Config
from .commerce.demo_aftersales import seed_after_sales
from .impex.report import ImpexLoadError, LoadReport
from .seedfiles import default_data_dir, impex_files
from .security.authorize import AuthorizationEndpoint
from .security.authserver import AuthorizationServer
from .security.tokens import TokenService
from .db import BIG_SNAPSHOT, Db, State, gc_paused, release_free_memory
from .snapshots import collections
from .persistence import Persister, read_state_file

if TYPE_CHECKING:
    from .impex.loader import Progress

__all__ = ["Runtime", "default_data_dir", "item_counts"]

WRITE_BEHIND_ITEMS = 20_000  # items a seed loads from which serve writes its cache entry behind
CACHE_WRITER_WAIT = 60.0  # seconds a shutdown waits for that entry to be written


def item_counts(state: State) -> dict[str, int]:
    """The items of a state by SAP type name (``Customer``, ``Product``, ``Cart`` …)."""
    counts: dict[str, int] = {}
    for name, _ in collections():
        value = getattr(state, name)
        items = value.values() if isinstance(value, dict) else value \
            if isinstance(value, list) else ()
        for item in items:
            if dataclasses.is_dataclass(item):
                kind = getattr(item, "type_code", None) or type(item).__name__
                counts[kind] = counts.get(kind, 0) + 1
    return counts


class Runtime:
    def __init__(self, config: Config, db: Db | None = None,
                 clock: Clock | None = None) -> None:
        self.config = config
        self.db = db or Db()
        self.clock = clock or Clock()
        self.ready = threading.Event()
        self.seed_report: LoadReport | None = None
        self._seed_snapshot: bytes | None = self.db.snapshot()  # until a seed loads
        #: where a big seed's snapshot is kept instead of in memory (``seed_snapshot``)
        self._seed_key: str | None = None
        self._cache_writer: seedcache.Writer | None = None  # the entry written behind the load
        #: the state file's write-behind (``persist``), and whether the state came from it
        self.persister: Persister | None = None
        self.loaded_from_file = False
        self.file_counts: dict[str, int] = {}  # the items the state file held, by type
        self.error_listeners: list = []  # called with every unexpected exception (test harness)
        self.reset_listeners: list = []  # called by reset(): layers with state of their own
        self.tokens = TokenService(self.db, self.clock, config)
        self.authserver = AuthorizationServer(self.db, self.clock, config, self.tokens)
        self.authorization = AuthorizationEndpoint(self.db, self.clock, config, self.authserver)

    def seed_paths(self) -> list[Path]:
        paths = [default_data_dir()] if self.config.default_data else []
        return impex_files([*paths, *self.config.impex])

    def load_seed(self, progress: Progress | None = None, *,
                  write_behind: bool = False) -> LoadReport:
        """Load the default data and every ``--impex`` path (or restore the state they loaded
        into from the seed cache, ``seedcache``), then the default data's after-sales history;
        remember the ImpEx's state as what ``reset()`` returns to. Raises ImpexLoadError if
        any file has an error. With ``write_behind`` (``serve``), a big seed's cache entry is
        written by a child process while this one goes on (``seedcache.store_behind``)."""
        report, snapshot = self._seed_impex(self.db, progress, write_behind=write_behind)
        self.seed_report = report
        if not report.ok:
            raise ImpexLoadError(report)
        big = snapshot is None or len(snapshot) >= BIG_SNAPSHOT
        self._keep_seed_snapshot(snapshot)
        snapshot = None
        self._after_seed()
        self.ready.set()
        if big:  # the snapshot's bytes and the load's garbage freed: give them back (while the
            # server answers: malloc_trim runs without the GIL)
            threading.Thread(target=release_free_memory, name="fakesapcc-trim",
                             daemon=True).start()
        return report

    def _seed_impex(self, db: Db, progress: Progress | None = None, scratch: bool = False,
                    write_behind: bool = False) -> tuple[LoadReport, bytes | None]:
        """The seed's ImpEx loaded into ``db`` (or restored from the seed cache, unless ``db``
        is a ``scratch`` store only loaded to make the snapshot), and the state it makes
        (empty if the load has errors; None if a child process writes it to the seed cache:
        ``write_behind`` and a big load). The loaded state holds its repeated texts once, as the
        state restored on a later start does (``impex.compiled``, ``seedcache``)."""
        paths = self.seed_paths()
        config, strict = self.config.properties, self.config.strict_impex
        key = seedcache.seed_key(paths, config, strict) if self.config.seed_cache else None
        self._seed_key = key
        kept = seedcache.lookup(key) if key else None
        if kept is not None:
            report, snapshot = kept
            if not scratch:
                db.restore(snapshot)
            return report, snapshot
        from .impex.loader import load_paths  # the ImpEx engine: only when the cache misses

        with gc_paused():  # no file snapshotted for its rollback: a seed loads whole or fails
            base, rest = self._base_seed(db, paths) if key and not scratch else (LoadReport(),
                                                                                 paths)
            report = load_paths(db, rest, config=config, strict=strict, progress=progress,
                                atomic=False)
            report.files[:0] = base.files
            if not report.ok:  # the files before the failing one, as an atomic load leaves them
                db.replace(State())
                report = load_paths(db, paths, config=config, strict=strict)
        if not report.ok:
            return report, b""
        with db.reading() as state:
            if key and write_behind and sum(report.counts().values()) >= WRITE_BEHIND_ITEMS:
                self._cache_writer = seedcache.store_behind(key, report, state)
                if self._cache_writer is not None:
                    return report, None
            snapshot = pickling.dumps(state)
        if key:
            seedcache.store(key, report, snapshot)
        return report, snapshot

    def _base_seed(self, db: Db, paths: list[Path]) -> tuple[LoadReport, list[Path]]:
        """For a seed of the default data and ``--impex`` files: the default data's state put
        into ``db`` from its own seed cache entry (or loaded, and that entry written: a few
        milliseconds), and the files still to load. The state is the one loading every file in
        turn makes: each file loads on the state the files before it leave."""
        config, strict = self.config.properties, self.config.strict_impex
        base = impex_files([default_data_dir()]) if self.config.default_data else []
        if not base or not self.config.impex or paths[:len(base)] != base:
            return LoadReport(), paths
        key = seedcache.seed_key(base, config, strict)
        kept = seedcache.lookup(key)
        if kept is not None:
            db.restore(kept[1])
            return kept[0], paths[len(base):]
        from .impex.loader import load_paths

        report = load_paths(db, base, config=config, strict=strict, atomic=False)
        if report.ok:
            with db.reading() as state:
                seedcache.store(key, report, pickling.dumps(state))
        else:  # the whole seed loads again below, from the start
            db.replace(State())
            return LoadReport(), paths
        return report, paths[len(base):]

    def _keep_seed_snapshot(self, snapshot: bytes | None) -> None:
        """What ``reset`` restores: in memory, unless it is big and the seed cache keeps it
        (then ``seed_snapshot`` reads it back from there: 100,000 customers are tens of MB)."""
        big = snapshot is None or (len(snapshot) >= BIG_SNAPSHOT and self._seed_key is not None)
        self._seed_snapshot = None if big else snapshot

    def _after_seed(self) -> None:
        """What the seed's ImpEx cannot express, on every start and reset, dated from now:
        the default data's after-sales history (saved carts, placed and returned orders)."""
        if self.config.default_data:
            with self.db.locked():
                seed_after_sales(self.db, self.clock, self.config)

    def load_state_file(self) -> bool:
        """Load ``config.state_file`` in place of the seed if it exists (True); raises
        StateFileError for a file that cannot be used."""
        if not self.config.state_file:
            return False
        state = read_state_file(self.config.state_file)
        if state is None:
            return False
        self.db.replace(state)
        self._seed_snapshot = None  # reset loads the seed when first asked
        self.loaded_from_file = True
        self.file_counts = item_counts(state)
        self.ready.set()
        return True

    def item_counts(self) -> dict[str, int]:
        """The items loaded at start-up by type: the seed's, or the state file's."""
        if self.loaded_from_file:
            return dict(self.file_counts)
        return self.seed_report.counts() if self.seed_report else {}

    def persist(self) -> None:
        """Keep ``config.state_file`` written from now on, in this process (the one that
        holds the state; see ``persistence``)."""
        if self.config.state_file and self.persister is None:
            self.persister = Persister(self.db, self.config.state_file)
            self.persister.start(written=self.loaded_from_file)

    def close(self) -> None:
        """Write what the state file still lacks, and let the seed cache's entry be written
        (a clean shutdown)."""
        if self._cache_writer is not None:
            self._cache_writer.wait(CACHE_WRITER_WAIT)
        if self.persister is not None:
            self.persister.close()

    def seed_snapshot(self) -> bytes:
        """The state right after the seed's ImpEx loaded: kept in memory, or a big seed's read
        back from the seed cache; loaded now, into a store of its own, if neither has it (the
        state came from the state file, the cache entry is gone). ``reset`` adds the
        after-sales history."""
        if self._seed_snapshot is not None:
            return self._seed_snapshot
        if self._cache_writer is not None:  # the seed's entry, written behind the load
            self._cache_writer.wait()
        kept = seedcache.lookup(self._seed_key) if self._seed_key else None
        if kept is not None:  # a big seed's, kept in the seed cache rather than in memory
            return kept[1]
        report, snapshot = self._seed_impex(Db(), scratch=True)  # (or loaded once more)
        if not report.ok:
            raise ImpexLoadError(report)
        self.seed_report = report
        self._seed_snapshot = snapshot
        return snapshot

    def reset(self) -> None:
        """Back to start-up: the state right after the seed loaded, the clock back to real
        time, and whatever the registered layers keep (journal, faults, runtime flags). With a
        state file, the seed's state is written to it."""
        snapshot = self.seed_snapshot()
        self.db.restore(snapshot)
        if len(snapshot) >= BIG_SNAPSHOT and snapshot is not self._seed_snapshot:
            del snapshot  # read back from the seed cache for this reset only
            release_free_memory()
        self.clock.reset()
        self._after_seed()
        for listener in self.reset_listeners:
            listener()
