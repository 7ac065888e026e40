"""The state file (``serve --state-file``): the state survives a clean stop, a crash and a
restart; a file that cannot be used is refused and left untouched; writes are atomic and lose
nothing while a flush runs."""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from fakesapcc.persistence import Persister, StateFileError, read_state_file, write_atomically
from fakesapcc.snapshots import dump_state
from fakesapcc.testing import FakeSAPCC

ROOT = Path(__file__).resolve().parents[1]
CUSTOMER = "mark.rivers@pronto-hw.com"
PRODUCT = "300938"


def start_serve(state_file, *extra, env=None):
    """``fakesapcc serve --state-file``, in a session of its own (granian's worker with it)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fakesapcc.cli", "serve", "--port", "0", "--state-file",
         str(state_file), *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True, start_new_session=True, env=env)
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("fakesapcc ready:"):
            base = re.search(r"OAuth (\S+)/authorizationserver", line).group(1)
            threading.Thread(target=proc.stderr.read, daemon=True).start()  # keep it drained
            return proc, base, line
    proc.wait(timeout=30)
    raise AssertionError("no ready line: " + "".join(lines))


def stop(proc, sig=signal.SIGTERM):
    if sig == signal.SIGKILL:
        os.killpg(proc.pid, signal.SIGKILL)  # the process and granian's worker: a crash
    else:
        proc.send_signal(sig)
    assert proc.wait(timeout=60) is not None


def customer_token(base):
    answer = requests.post(f"{base}/authorizationserver/oauth/token", timeout=10, data={
        "grant_type": "password", "username": CUSTOMER, "password": "Password123!",
        "client_id": "mobile_android", "client_secret": "secret"})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def add_to_cart(base, token):
    auth = {"Authorization": f"Bearer {token}"}
    cart = requests.post(f"{base}/occ/v2/electronics-spa/users/current/carts", headers=auth,
                         timeout=10).json()
    entry = requests.post(f"{base}/occ/v2/electronics-spa/users/current/carts/{cart['code']}"
                          "/entries", json={"product": {"code": PRODUCT}, "quantity": 2},
                          headers=auth, timeout=10)
    assert entry.status_code == 200, entry.text
    return cart["code"]


def cart_entries(base, token, code):
    answer = requests.get(f"{base}/occ/v2/electronics-spa/users/current/carts/{code}",
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return [(e["product"]["code"], e["quantity"]) for e in answer.json()["entries"]]


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# -- the server ---------------------------------------------------------------------------


def test_state_and_tokens_survive_sigterm_and_restart(tmp_path):
    state_file = tmp_path / "state.json"
    proc, base, line = start_serve(state_file)
    try:
        assert "file(s)" in line  # the seed loaded: there was no file
        assert state_file.exists()  # the seed's state is written before the ready line
        token = customer_token(base)
        code = add_to_cart(base, token)
    finally:
        stop(proc)  # at once: the last write happens on the way out
    assert proc.returncode == 0

    proc, base, line = start_serve(state_file)
    try:
        assert f"from the state file {state_file}" in line
        assert cart_entries(base, token, code) == [(PRODUCT, 2)]  # the same token: logged in
        ready = requests.get(f"{base}/_fakesapcc/ready", timeout=5)
        assert ready.status_code == 200
        assert ready.json()["items"]["Product"] >= 50 and ready.json()["items"]["Cart"] >= 1
    finally:
        stop(proc, signal.SIGINT)
    assert proc.returncode == 0


def test_a_cart_written_before_a_crash_survives(tmp_path):
    state_file = tmp_path / "state.json"
    proc, base, _ = start_serve(state_file)
    try:
        token = customer_token(base)
        code = add_to_cart(base, token)
        time.sleep(1.5)
    finally:
        stop(proc, signal.SIGKILL)

    proc, base, _ = start_serve(state_file)
    try:
        assert cart_entries(base, token, code) == [(PRODUCT, 2)]
    finally:
        stop(proc, signal.SIGKILL)


@pytest.mark.parametrize("content, problem", [
    (b'{"format": "fakesapcc-snapshot", "version": 1, "state": {"carts": ', "is damaged: not JSON"),
    (b'{"format": "fakesapcc-snapshot", "version": 99, "fakesapcc": "9.0", "state": {}}',
     "was written by a newer fakesapcc (9.0, format version 99)"),
    (b'{"format": "fakesapcc-snapshot", "version": 1, "state": {"carts": {"x": 1}}}',
     "is damaged: Invalid snapshot at state.carts.x"),
    (b'{"hello": "world"}', "is not a fakesapcc state file"),
])
def test_a_file_that_cannot_be_used_is_refused_and_left_untouched(tmp_path, content, problem):
    state_file = tmp_path / "state.json"
    state_file.write_bytes(content)
    os.utime(state_file, (1_000_000, 1_000_000))
    result = subprocess.run([sys.executable, "-m", "fakesapcc.cli", "serve", "--port", "0",
                             "--state-file", str(state_file)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1
    assert str(state_file) in result.stderr and problem in result.stderr, result.stderr
    assert state_file.read_bytes() == content
    assert state_file.stat().st_mtime == 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_the_environment_variable_names_the_file(tmp_path):
    state_file = tmp_path / "state.json"
    state_file.write_text("not json")
    env = {**os.environ, "FAKESAPCC_STATE_FILE": str(state_file)}
    result = subprocess.run([sys.executable, "-m", "fakesapcc.cli", "serve", "--port", "0"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 1 and str(state_file) in result.stderr


# -- in process ---------------------------------------------------------------------------


def test_the_file_is_a_snapshot_and_loads_instead_of_the_seed(tmp_path):
    state_file = tmp_path / "state.json"
    with FakeSAPCC(live=False, state_file=str(state_file)) as sap:
        sap.runtime.db.remove_principal(CUSTOMER)
        sap.runtime.persister.flush()
        document = json.loads(state_file.read_text())
        assert document["format"] == "fakesapcc-snapshot" and document["version"] == 1
        assert document["state"] == dump_state(sap.runtime.db)["state"]
    with FakeSAPCC(live=False, state_file=str(state_file)) as sap:
        assert sap.runtime.loaded_from_file
        assert sap.runtime.db.principal(CUSTOMER) is None
        assert sap.client.post("/_fakesapcc/restore", json=document).status_code == 200


def test_reset_goes_back_to_the_seed_and_is_written(tmp_path):
    state_file = tmp_path / "state.json"
    with FakeSAPCC(live=False, state_file=str(state_file)) as sap:
        sap.runtime.db.remove_principal(CUSTOMER)
    with FakeSAPCC(live=False, state_file=str(state_file)) as sap:
        assert sap.runtime.db.principal(CUSTOMER) is None
        assert sap.client.post("/_fakesapcc/reset").status_code == 200
        assert sap.runtime.db.principal(CUSTOMER) is not None
        sap.runtime.persister.flush()
        assert CUSTOMER in json.loads(state_file.read_text())["state"]["principals"]


def test_concurrent_writes_during_flushes_lose_nothing(tmp_path):
    state_file = tmp_path / "state.json"
    sap = FakeSAPCC(live=False, state_file=str(state_file))
    persister = sap.runtime.persister
    persister.interval = 0.01  # flush all the time
    guids, lock, done = [], threading.Lock(), threading.Event()

    def writer():
        client = sap.client
        while not done.is_set():
            answer = client.post("/occ/v2/electronics-spa/users/anonymous/carts")
            assert answer.status_code == 201
            with lock:
                guids.append(answer.get_json()["guid"])
            time.sleep(0.005)  # a steady stream: the state (and so each flush) stays small

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while persister.flushes < 4 and time.monotonic() < deadline:  # flushes amid the writes
        time.sleep(0.01)
    done.set()
    for t in threads:
        t.join()
    sap.stop()
    assert persister.flushes >= 4
    state = read_state_file(state_file)
    assert {c.guid for c in state.carts.values()} >= set(guids) and len(guids) > 4


def test_a_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "state.json"
    write_atomically(target, b"old")

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        write_atomically(target, b"new and longer")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]  # no temporary left


def test_a_flush_writes_only_when_the_state_changed(tmp_path):
    state_file = tmp_path / "state.json"
    sap = FakeSAPCC(live=False, state_file=str(state_file))
    persister: Persister = sap.runtime.persister
    assert not persister.flush()
    sap.client.post("/occ/v2/electronics-spa/users/anonymous/carts")
    assert persister.dirty and persister.flush() and not persister.dirty
    sap.client.get(f"/occ/v2/electronics-spa/products/{PRODUCT}")
    assert not persister.dirty
    sap.stop()


def test_read_state_file_names_a_folder(tmp_path):
    assert read_state_file(tmp_path / "missing.json") is None
    with pytest.raises(StateFileError, match="is a folder"):
        read_state_file(tmp_path)


def test_a_reset_from_the_state_file_is_the_same_seed_as_any_reset(tmp_path):
    """The seed a reset returns to is the ImpEx plus the after-sales history, whether the state
    came from the state file or from the seed."""
    with FakeSAPCC(live=False) as plain:
        plain.reset()
        expected = sorted(plain.runtime.db.state.orders), sorted(plain.runtime.db.state.carts)
    state_file = tmp_path / "state.json"
    with FakeSAPCC(live=False, state_file=str(state_file)):
        pass
    with FakeSAPCC(live=False, state_file=str(state_file)) as sap:
        assert sap.runtime.loaded_from_file
        sap.reset()
        state = sap.runtime.db.state
        assert (sorted(state.orders), sorted(state.carts)) == expected
        assert expected[0]  # the default seed's after-sales orders are there
