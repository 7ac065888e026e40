"""The test harness's costs: one command, each figure beside a baseline measured in the same run.

    python bench/harness.py            # full run
    python bench/harness.py --quick    # fewer repetitions, for a smoke test

- reset of the default seed (state, tokens, clock, journal, faults, configuration), in process
  and over HTTP (``POST /_fakesapcc/reset``), against the target of 20 ms;
- the pytest plugin's per-test overhead: one pytest run over a generated file where empty tests
  and tests that take the ``sapcc`` fixture alternate; each test's setup + call + teardown
  durations come from pytest's own reports, so both kinds are measured side by side. The
  session's one-off start (server, seed) is reported apart.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import gc
import json
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fakesapcc.testing import FakeSAPCC  # noqa: E402

TARGET_RESET_MS = 20.0


def timings(action: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    gc.collect()
    for _ in range(warmup):
        action()
    result = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        result.append((time.perf_counter() - start) * 1000)
    return result


def p95(values: list[float]) -> float:
    return sorted(values)[max(int(len(values) * 0.95) - 1, 0)]


def bench_reset(runs: int) -> None:
    with FakeSAPCC() as sap:
        session = requests.Session()
        in_process = timings(sap.reset, runs)
        over_http = timings(lambda: session.post(f"{sap.admin_url}/reset", timeout=10), runs)
        store_only = timings(sap.runtime.reset, runs)
        items = sum(sap.runtime.seed_report.counts().values()) if sap.runtime.seed_report else 0
    print(f"reset of the default seed ({items} items), {runs} runs, median / p95:")
    print(f"  FakeSAPCC.reset()           {statistics.median(in_process):7.2f} / "
          f"{p95(in_process):.2f} ms   (target < {TARGET_RESET_MS:.0f} ms: "
          f"{'met' if statistics.median(in_process) < TARGET_RESET_MS else 'MISSED'})")
    print(f"  POST /_fakesapcc/reset      {statistics.median(over_http):7.2f} / "
          f"{p95(over_http):.2f} ms")
    print(f"  baseline: store restore only {statistics.median(store_only):6.2f} / "
          f"{p95(store_only):.2f} ms")


SUITE = """
def test_empty_{i}():
    pass


def test_sapcc_{i}(sapcc):
    pass
"""


# records each test's setup + call + teardown, as pytest measured them
CONFTEST = """
import json
import os

DURATIONS = {}


def pytest_runtest_logreport(report):
    DURATIONS[report.nodeid] = DURATIONS.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_DURATIONS"], "w") as out:
        json.dump(DURATIONS, out)
"""


def bench_plugin(tests: int) -> None:
    with tempfile.TemporaryDirectory(prefix="fakesapcc-bench-") as folder:
        path = Path(folder)
        (path / "test_overhead.py").write_text("".join(SUITE.format(i=i) for i in range(tests)))
        (path / "conftest.py").write_text(CONFTEST)
        durations = path / "durations.json"
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS"))}
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "-p", "no:xdist", "test_overhead.py"], cwd=path,
                             env={**env, "BENCH_DURATIONS": str(durations)},
                             capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - start
        if run.returncode != 0:
            raise SystemExit(f"the generated suite failed:\n{run.stdout}\n{run.stderr}")
        times: dict[str, list[float]] = {"empty": [], "sapcc": []}
        for nodeid, seconds in json.loads(durations.read_text()).items():
            kind = "sapcc" if "::test_sapcc_" in nodeid else "empty"
            times[kind].append(seconds * 1000)
    first_sapcc, *sapcc = times["sapcc"]
    empty = statistics.median(times["empty"])
    with_fixture = statistics.median(sapcc)
    print(f"pytest plugin, one run of {2 * tests} tests ({wall:.1f} s wall), median per test "
          f"(setup + call + teardown):")
    print(f"  empty test (baseline)       {empty:7.3f} ms")
    print(f"  test with the sapcc fixture {with_fixture:7.3f} ms")
    print(f"  per-test overhead           {with_fixture - empty:7.3f} ms")
    print(f"  session start, once per session (per xdist worker): "
          f"{first_sapcc - with_fixture:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    bench_reset(runs=30 if args.quick else 200)
    print()
    bench_plugin(tests=30 if args.quick else 200)


if __name__ == "__main__":
    main()
