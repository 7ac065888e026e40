"""One fakesapcc instance: its configuration, store, clock and seed. No Flask here; the app
factory wraps a Runtime, the CLI and the test harness drive it."""
from __future__ import annotations

import threading
from pathlib import Path

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
        """Load the default data and every ``--impex`` path; remember the result as the state
        that ``reset()`` returns to. Raises ImpexLoadError if any file has an error."""
        report = load_paths(self.db, self.seed_paths(), config=self.config.properties,
                            strict=self.config.strict_impex, progress=progress)
        self.seed_report = report
        if not report.ok:
            raise ImpexLoadError(report)
        if self.config.default_data:
            with self.db.locked():
                seed_after_sales(self.db, self.clock, self.config)
        self._seed_snapshot = self.db.snapshot()
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
