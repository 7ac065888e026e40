"""One fakesapcc instance: its configuration, store, clock and seed. No Flask here; the app
factory wraps a Runtime, the CLI and the test harness drive it."""
from __future__ import annotations

import threading
from pathlib import Path

from . import seedcache
from .clock import Clock
from .config import Config
from .commerce.demo_aftersales import seed_after_sales
from .impex.loader import ImpexLoadError, LoadReport, Progress, impex_files, load_paths
from .security.authorize import AuthorizationEndpoint
from .security.authserver import AuthorizationServer
from .security.tokens import TokenService
from .db import Db


def default_data_dir() -> Path:
    """The default seed: the installed copy, else the source checkout's ``impex/`` folder."""
    installed = Path(__file__).resolve().parent / "seed"
    if installed.is_dir() and any(installed.glob("*.impex")):
        return installed
    return Path(__file__).resolve().parents[1] / "impex"


class Runtime:
    def __init__(self, config: Config, db: Db | None = None,
                 clock: Clock | None = None) -> None:
        self.config = config
        self.db = db or Db()
        self.clock = clock or Clock()
        self.ready = threading.Event()
        self.seed_report: LoadReport | None = None
        self._seed_snapshot: bytes | None = self.db.snapshot()  # until a seed loads
        self.error_listeners: list = []  # called with every unexpected exception (test harness)
        self.reset_listeners: list = []  # called by reset(): layers with state of their own
        self.tokens = TokenService(self.db, self.clock, config)
        self.authserver = AuthorizationServer(self.db, self.clock, config, self.tokens)
        self.authorization = AuthorizationEndpoint(self.db, self.clock, config, self.authserver)

    def seed_paths(self) -> list[Path]:
        paths = [default_data_dir()] if self.config.default_data else []
        return impex_files([*paths, *self.config.impex])

    def load_seed(self, progress: Progress | None = None) -> LoadReport:
        """Load the default data and every ``--impex`` path (or restore the state they loaded
        into from the seed cache, ``seedcache``); remember the result as the state that
        ``reset()`` returns to. Raises ImpexLoadError if any file has an error."""
        paths = self.seed_paths()
        config, strict = self.config.properties, self.config.strict_impex
        key = seedcache.seed_key(paths, config, strict) if self.config.seed_cache else None
        kept = seedcache.lookup(key) if key else None
        if kept is not None:
            report, snapshot = kept
            self.db.restore(snapshot)
        else:
            report = load_paths(self.db, paths, config=config, strict=strict, progress=progress)
            snapshot = self.db.snapshot() if report.ok else b""
            if key and report.ok:
                seedcache.store(key, report, snapshot)
        self.seed_report = report
        if not report.ok:
            raise ImpexLoadError(report)
        if self.config.default_data:  # on the seed's ImpEx, cached or not: dated from now
            with self.db.locked():
                seed_after_sales(self.db, self.clock, self.config)
            snapshot = self.db.snapshot()
        self._seed_snapshot = snapshot
        self.ready.set()
        return report

    def reset(self) -> None:
        """Back to start-up: the state right after the seed loaded, the clock back to real
        time, and whatever the registered layers keep (journal, faults, runtime flags)."""
        if self._seed_snapshot is not None:
            self.db.restore(self._seed_snapshot)
        self.clock.reset()
        for listener in self.reset_listeners:
            listener()
