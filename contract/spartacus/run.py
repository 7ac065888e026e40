#!/usr/bin/env python3
"""Run the Spartacus 4.3.8 contract harness (``harness.js``, ``checks.js``) against fakesapcc.

    python contract/spartacus/run.py                       start a fakesapcc, run, stop it
    python contract/spartacus/run.py --base-url URL        run against a server already up
    python contract/spartacus/run.py --install             only install (or reuse) the packages
    python contract/spartacus/run.py --write-operations    also rewrite operations.txt from the
                                                           run's journal (own server only)

The packages (``package.json`` and its lock file beside this script; about 130 MB) are
installed by ``npm ci`` outside the repository, in ``$FAKESAPCC_SPARTACUS_CACHE`` (default
``~/.cache/fakesapcc/spartacus-contract``) under a hash of the lock file, so a second run reuses
them; the install is bounded by ``$FAKESAPCC_SPARTACUS_TIMEOUT`` seconds (default 600) and the
harness run by 180 s. ``tests/contract/test_spartacus_harness.py`` runs it in the suite.
"""
from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FILES = ("package.json", "package-lock.json", ".npmrc")
CACHE = Path(os.environ.get("FAKESAPCC_SPARTACUS_CACHE")
             or Path.home() / ".cache" / "fakesapcc" / "spartacus-contract")
INSTALL_TIMEOUT = int(os.environ.get("FAKESAPCC_SPARTACUS_TIMEOUT", "600"))
RUN_TIMEOUT = 180
OPERATIONS = HERE / "operations.txt"
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed", re.M)
OPERATIONS_HEADER = (
    "# The operationIds the Spartacus 4.3.8 contract harness calls (from its run's journal):\n"
    "# regenerate with: python contract/spartacus/run.py --write-operations\n")


class HarnessUnavailable(RuntimeError):
    """node or npm is missing, or the packages could not be installed."""


def say(message: str) -> None:
    print(f"spartacus-contract: {message}", file=sys.stderr, flush=True)


def lock_hash() -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + (HERE / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def missing_tools() -> list[str]:
    return [tool for tool in ("node", "npm") if shutil.which(tool) is None]


def install() -> Path:
    """The node_modules folder of this lock file: reused from the cache, or installed there."""
    missing = missing_tools()
    if missing:
        raise HarnessUnavailable(f"{' and '.join(missing)} not installed "
                                 "(Debian: apt-get install nodejs npm)")
    key = lock_hash()
    entry = CACHE / key
    modules = entry / "node_modules"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:  # one install at a time (parallel test runs)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (entry / "INSTALLED").exists() and modules.is_dir():
            return modules
        work = CACHE / f"{key}.partial"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        for name in FILES:
            shutil.copy2(HERE / name, work / name)
        say(f"npm ci into {work} (the lock file's packages, cached for later runs)")
        started = time.monotonic()
        env = {**os.environ, "NO_UPDATE_NOTIFIER": "1"}
        try:
            subprocess.run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund",
                            "--loglevel=error"], cwd=work, env=env, check=True,
                           timeout=INSTALL_TIMEOUT, stdout=sys.stderr, stderr=sys.stderr)
        except subprocess.TimeoutExpired as exc:
            shutil.rmtree(work, ignore_errors=True)
            raise HarnessUnavailable(f"npm ci took over {INSTALL_TIMEOUT} s: stopped") from exc
        except subprocess.CalledProcessError as exc:
            shutil.rmtree(work, ignore_errors=True)
            raise HarnessUnavailable(f"npm ci failed (exit {exc.returncode})") from exc
        say(f"installed in {time.monotonic() - started:.0f} s")
        (work / "INSTALLED").write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
        shutil.rmtree(entry, ignore_errors=True)
        work.rename(entry)
        for old in CACHE.iterdir():  # only this lock file's packages are kept
            if old.is_dir() and old != entry:
                shutil.rmtree(old, ignore_errors=True)
        return modules


@dataclass
class Result:
    returncode: int
    output: str  # the check lines and the summary
    log: str  # what the libraries logged
    passed: int
    failed: int

    @property
    def lines(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.strip()]


def run(base_url: str, site: str = "electronics-spa", modules: Path | None = None) -> Result:
    """Run the harness against a live server."""
    modules = modules or install()
    env = {**os.environ, "NODE_PATH": str(modules), "NODE_ENV": "production"}
    try:
        done = subprocess.run(["node", str(HERE / "harness.js"), "--base-url", base_url,
                               "--site", site], cwd=HERE, env=env, capture_output=True,
                              text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Result(-1, out + f"\nthe harness took over {RUN_TIMEOUT} s: stopped\n", "", 0, 1)
    found = SUMMARY.findall(done.stdout)
    passed, failed = (int(found[-1][0]), int(found[-1][1])) if found else (0, 1)
    return Result(done.returncode, done.stdout, done.stderr, passed, failed)


def journal_operations(server) -> list[str]:
    """The operationIds the server saw (the FakeSAPCC journal), sorted."""
    return sorted({e["operationId"] for e in server.requests() if e.get("operationId")})


def write_operations(operations: list[str]) -> None:
    OPERATIONS.write_text(OPERATIONS_HEADER + "".join(f"{op}\n" for op in operations),
                          encoding="utf-8")


def read_operations() -> list[str]:
    if not OPERATIONS.exists():
        return []
    return [line.strip() for line in OPERATIONS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a server already running (default: start one)")
    parser.add_argument("--site", default="electronics-spa")
    parser.add_argument("--install", action="store_true", help="only install the packages")
    parser.add_argument("--write-operations", action="store_true",
                        help="rewrite operations.txt from the run's journal")
    args = parser.parse_args(argv)
    try:
        modules = install()
    except HarnessUnavailable as exc:
        say(str(exc))
        return 2
    if args.install:
        print(modules)
        return 0
    if args.base_url:
        result = run(args.base_url, args.site, modules)
        operations = None
    else:
        sys.path.insert(0, str(ROOT))
        from fakesapcc.testing import FakeSAPCC

        with FakeSAPCC(journal_size=5000) as server:
            result = run(server.base_url, args.site, modules)
            operations = journal_operations(server)
    sys.stdout.write(result.output)
    if args.write_operations and operations is not None and result.failed == 0:
        write_operations(operations)
        say(f"wrote {OPERATIONS.relative_to(ROOT)} ({len(operations)} operations)")
    return 0 if result.returncode == 0 and result.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
