"""Parity mode (``pytest --sapcc-target=URL``): the fixtures stand for a real SAP Commerce; the
tests that need fakesapcc itself skip; an unreachable target stops the run at once. Here a live
fakesapcc plays the real SAP."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from fakesapcc.testing import FakeSAPCC

TESTS = textwrap.dedent('''
    import requests
    from fakesapcc.testing import FakeSAPCC

    def test_black_box(sapcc):
        token = sapcc.customer_token("mark.rivers@pronto-hw.com")
        response = requests.get(f"{sapcc.occ_url}/electronics-spa/users/current",
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.json()["uid"] == "mark.rivers@pronto-hw.com"

    def test_needs_the_clock(sapcc):
        sapcc.advance_clock(10)

    def test_needs_the_in_process_client(sapcc_client):
        sapcc_client.get("/")

    def test_builds_its_own():
        FakeSAPCC(live=False)
''')


def run_pytest(tmp_path, *args: str) -> subprocess.CompletedProcess:
    (tmp_path / "test_target.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", "-rs", str(tmp_path / "test_target.py"), *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)


def test_the_black_box_tests_run_against_the_target_and_the_rest_skip(tmp_path):
    with FakeSAPCC() as target:
        result = run_pytest(tmp_path, f"--sapcc-target={target.base_url}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed, 3 skipped" in result.stdout
    assert "needs fakesapcc itself" in result.stdout


def test_an_unreachable_target_fails_fast_with_a_clear_message(tmp_path):
    start = time.monotonic()
    result = run_pytest(tmp_path, "--sapcc-target=http://127.0.0.1:9")
    assert time.monotonic() - start < 30
    assert result.returncode == 4  # pytest's usage error
    assert "--sapcc-target http://127.0.0.1:9: http://127.0.0.1:9/occ/v2/basesites did not " \
           "answer within 5 s" in result.stderr
