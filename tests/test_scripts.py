"""scripts/test says up front what it installs where, installs into the Python it names, and
installs nothing when told so (issue 18). A stub Python records what the script asks of it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def stub(tmp_path):
    log = tmp_path / "calls.log"
    python = tmp_path / "python-stub"
    python.write_text(f"""#!/usr/bin/env bash
if [ "$1" = -c ]; then exec {sys.executable} "$@"; fi
echo "$*" >> {log}
""")
    python.chmod(0o755)
    return python, log


def run_script(stub_python, *args, **env):
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("VIRTUAL_ENV", "PYTHON", "FAKESAPCC_TEST_INSTALL", "CI")}
    environment.update(PYTHON=str(stub_python), FAKESAPCC_STOREFRONT_BUILD="0", **env)
    return subprocess.run([str(ROOT / "scripts" / "test"), *args], capture_output=True,
                          text=True, env=environment, timeout=60)


def test_it_says_what_it_installs_where_before_installing(stub):
    python, log = stub
    result = run_script(python, "-k", "nothing")
    assert result.returncode == 0, result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith("scripts/test: pip install -e '.[test]' into ")
    assert str(python) in first and ("virtualenv" in first or "system Python" in first)
    calls = log.read_text().splitlines()
    assert calls[0].startswith("-m pip install") and "-e .[test]" in calls[0]
    assert calls[-1] == "-m pytest -n auto -k nothing"


def test_it_installs_nothing_when_told(stub):
    python, log = stub
    result = run_script(python, FAKESAPCC_TEST_INSTALL="0")
    assert result.returncode == 0, result.stderr
    assert "installing nothing" in result.stderr
    assert log.read_text().splitlines() == ["-m pytest -n auto"]
