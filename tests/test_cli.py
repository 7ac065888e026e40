"""The fakesapcc command, run as a user runs it."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "impex-samples"
FIXTURES = ROOT / "fixtures"


def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "fakesapcc.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, **kw)


def ready_line(proc):
    """Everything the server says is on stderr: the flags line, then the ready line."""
    for line in proc.stderr:
        if line.startswith("fakesapcc ready:") or proc.poll() is not None:
            return line
    return ""


def dockerfile_command():
    """The container's CMD: the tests start exactly this command."""
    text = (ROOT / "Dockerfile").read_text()
    return json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))


@pytest.fixture
def served():
    """Start the container's command (bound to 127.0.0.1 on a free port for the test)."""
    cmd = dockerfile_command()
    assert cmd[:2] == ["fakesapcc", "serve"]
    args = [sys.executable, "-m", "fakesapcc.cli", *cmd[1:], "--host", "127.0.0.1", "--port", "0"]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ready_line(proc)
        yield proc, line
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_prints_one_ready_line_on_stderr_and_answers_ready(served):
    proc, line = served
    match = re.search(r"OAuth (\S+)/authorizationserver \| OCC (\S+)/occ/v2 \| ASM (\S+)/assistedservicewebservices", line)
    assert line.startswith("fakesapcc ready:") and match, line
    base = match.group(1)
    assert base == match.group(2) == match.group(3)
    assert requests.get(f"{base}/_fakesapcc/health", timeout=5).status_code == 200
    ready = requests.get(f"{base}/_fakesapcc/ready", timeout=5)
    assert ready.status_code == 200
    assert ready.json()["items"]["Product"] >= 50
    assert ready.headers["Server"] == "granian"  # the default server, not Flask's development one
    proc.terminate()
    out, _ = proc.communicate(timeout=10)
    assert out == ""  # stdout stays empty: a script waits on stderr, as the README says


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc")
def test_serve_on_granian_is_one_process(served):
    """granian's Rust core runs on threads of the server's process: no worker process holds a
    second copy of the app (see the README's "Memory at 100k customers")."""
    proc, line = served
    assert line.startswith("fakesapcc ready:"), line
    children = [pid for task in Path(f"/proc/{proc.pid}/task").iterdir()
                for pid in (task / "children").read_text().split()]
    assert children == []


def test_a_dropped_call_on_granian_gets_no_complete_answer(served):
    proc, line = served
    base = re.search(r"OAuth (\S+)/authorizationserver", line).group(1)
    url = f"{base}/occ/v2/electronics-spa/products/300938"
    rule = requests.post(f"{base}/_fakesapcc/faults", json={"path": "/occ/v2/*/products/*",
                                                             "drop": True, "times": 3}, timeout=5)
    assert rule.status_code == 201, rule.text
    for _ in range(3):
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(url, timeout=5)
    assert requests.get(url, timeout=5).status_code == 200  # the rule is spent; the server runs
    journal = requests.get(f"{base}/_fakesapcc/requests", timeout=5).json()["requests"]
    assert [e["status"] for e in journal] == [None, None, None, 200]


def test_serve_runs_on_waitress_when_asked():
    proc = subprocess.Popen([sys.executable, "-m", "fakesapcc.cli", "serve", "--port", "0",
                             "--server", "waitress", "--threads", "4"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = re.search(r"OAuth (\S+)/authorizationserver", ready_line(proc)).group(1)
        response = requests.get(f"{base}/occ/v2/electronics-spa/products/300938", timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert response.status_code == 200 and response.json()["code"] == "300938"
    assert response.headers["Server"] == "fakesapcc"


def test_serve_shows_the_effective_flags_at_start_up(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"properties": [{"key": "toggle.customerList.enabled", "value": "true"}]}))
    proc = subprocess.Popen([sys.executable, "-m", "fakesapcc.cli", "serve", "--port", "0", "--sap-version",
                             "2211.15", "--manifest", str(manifest)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "SAP Commerce 2211.15" in line
    assert "toggle.customer360.enabled=false" in line and "toggle.customerList.enabled=true" in line
    assert "assistedservicewebservices.api.restrictions.disabled.endpoints=getPointOfServices" in line


def test_serve_refuses_a_seed_with_errors(tmp_path):
    bad = tmp_path / "bad.impex"
    bad.write_text('INSERT_UPDATE Title;code[unique=true];name[lang=en]\n;x;"unbalanced\n')
    result = run_cli("serve", "--port", "0", "--no-default-data", "--impex", str(bad))
    assert result.returncode == 1
    assert f"{bad}:2" in result.stderr


def test_impex_check_reads_every_sample():
    result = run_cli("impex", "check", str(SAMPLES))
    assert result.returncode == 0, result.stdout[-3000:]
    for sample in SAMPLES.glob("*.impex"):
        assert f"{sample}: loaded" in result.stdout
    assert re.search(r"8 file\(s\), \d+ row\(s\) applied, 0 error\(s\)", result.stdout)


@pytest.mark.parametrize("name, message", [
    ("unbalanced-quote.impex", "unterminated"),
    ("unknown-mode.impex", "mode"),
    ("missing-docid.impex", "document id"),
])
def test_impex_check_fails_on_malformed_files_with_file_and_line(name, message):
    path = FIXTURES / "impex" / "malformed" / name
    result = run_cli("impex", "check", str(path))
    assert result.returncode == 1
    errors = [l for l in result.stdout.splitlines() if ": error:" in l]
    assert errors and all(l.strip().startswith(f"{path}:") for l in errors)
    assert any(message in l.lower() for l in errors), errors
    assert f"{path}: NOT LOADED" in result.stdout


def test_impex_check_counts_items_by_type(tmp_path):
    good = tmp_path / "good.impex"
    good.write_text("INSERT_UPDATE Title;code[unique=true];name[lang=en]\n;capt;Captain\n;sir;Sir\n")
    result = run_cli("impex", "check", str(good))
    assert result.returncode == 0
    assert "  Title: 2" in result.stdout


def test_impex_check_strict_turns_unresolved_references_into_errors(tmp_path):
    f = tmp_path / "ref.impex"
    f.write_text("INSERT_UPDATE Employee;uid[unique=true];groups(uid)\n;bob;nosuchgroup\n")
    assert run_cli("impex", "check", str(f)).returncode == 0
    strict = run_cli("impex", "check", "--strict", str(f))
    assert strict.returncode == 1 and f"{f}:2: error:" in strict.stdout


def test_env_prints_the_alokai_block():
    result = run_cli("env", "--port", "9555")
    assert result.returncode == 0
    values = dict(l.split("=", 1) for l in result.stdout.splitlines() if "=" in l and not l.startswith("#"))
    assert values["SAPCC_OAUTH_URI"] == "http://127.0.0.1:9555/authorizationserver"
    assert values["SAPCC_API_URI"] == "http://127.0.0.1:9555/occ/v2"
    assert values["SAPCC_ASM_API_URI"] == "http://127.0.0.1:9555/assistedservicewebservices"
    assert values["SAPCC_OAUTH_TOKEN_ENDPOINT"] == "/oauth/token"
    assert values["SAPCC_OAUTH_TOKEN_REVOKE_ENDPOINT"] == "/oauth/revoke"
    assert (values["SAPCC_OAUTH_CLIENT_ID"], values["SAPCC_OAUTH_CLIENT_SECRET"]) == ("mobile_android", "secret")
    assert values["DEFAULT_BASE_SITE_ID"] == "electronics-spa"
    assert values["DEFAULT_CATALOG_ID"] == "electronicsProductCatalog"
    assert (values["DEFAULT_CATALOG_VERSION"], values["DEFAULT_LANGUAGE"], values["DEFAULT_CURRENCY"]) == ("Online", "en", "USD")


def test_bad_configuration_is_a_clear_usage_error():
    result = run_cli("serve", "--sap-version", "nope")
    assert result.returncode == 2 and "sap-version" in result.stderr


@pytest.mark.parametrize("args, profile", [
    (["--sap-version", "2211-jdk21.1"], "authorization-server"),
    (["--sap-version", "2211-jdk21.1", "--oauth-profile", "classic"], "classic"),
])
def test_serve_with_an_oauth_profile(args, profile):
    proc = subprocess.Popen([sys.executable, "-m", "fakesapcc.cli", "serve", "--port", "0", *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        flags = proc.stderr.readline()
        ready = ready_line(proc)
        base = re.search(r"OAuth (\S+)/authorizationserver", ready).group(1)
        metadata = requests.get(f"{base}/authorizationserver/.well-known/openid-configuration",
                                timeout=5)
        password = requests.post(f"{base}/authorizationserver/oauth/token", timeout=5, data={
            "grant_type": "password", "client_id": "mobile_android", "client_secret": "secret",
            "username": "mark.rivers@pronto-hw.com", "password": "Password123!"})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    token_format = "opaque" if profile == "classic" else "jwt"
    assert f"| OAuth {profile} ({token_format} tokens) |" in flags
    if profile == "classic":
        assert metadata.status_code == 404 and password.status_code == 200
    else:
        assert metadata.json()["code_challenge_methods_supported"] == ["S256"]
        assert password.json()["error"] == "unsupported_grant_type"
