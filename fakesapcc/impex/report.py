"""What an ImpEx load reports: per file, the rows applied and skipped per type and the
diagnostics; for a load, its files."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .syntax import Diagnostic


@dataclass
class FileReport:
    file: str
    counts: Counter = field(default_factory=Counter)  # type code -> rows applied
    skipped: Counter = field(default_factory=Counter)  # type code -> rows skipped
    diagnostics: list[Diagnostic] = field(default_factory=list)
    loaded: bool = False

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> Counter:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.counts)
        return total


class ImpexLoadError(Exception):
    def __init__(self, report: LoadReport) -> None:
        self.report = report
        first = report.errors[0] if report.errors else None
        super().__init__(str(first) if first else "ImpEx load failed")
