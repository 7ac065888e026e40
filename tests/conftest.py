"""The suite's own reporting: what the Spartacus contract harness printed
(``tests/contract/test_spartacus_harness.py``, recorded as a user property so that it reaches
the controller under xdist) is shown at the end of every run, one line per check."""
from __future__ import annotations

HARNESS_PROPERTY = "spartacus_harness"


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 (pytest's hook)
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name, value in getattr(report, "user_properties", ()):
            if name == HARNESS_PROPERTY and report.when == "call":
                terminalreporter.section("Spartacus 4.3.8 contract harness")
                terminalreporter.write_line(value)
