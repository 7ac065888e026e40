"""A new user's first hour with the command (issue 18): errors that are one line and say what
to do, before anything loads; sub-command help; ``--version``; every option's variable shown;
the settings table of the README true; a debug access line per request; a progress bar on a
terminal only."""
import os
import pty
import re
import select
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import requests

from fakesapcc import __version__
from fakesapcc.cli import PROGRESS_ROWS, Setting, cli
from fakesapcc.config import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def run_cli(*args, env=None, timeout=120):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "fakesapcc", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=timeout, env=full_env)


def one_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def start(*args, env=None):
    return subprocess.Popen([sys.executable, "-m", "fakesapcc", "serve", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def until_ready(proc, timeout=60):
    """The stderr lines up to and with the ready line."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("fakesapcc ready:"):
            return lines
    raise AssertionError("no ready line: " + "".join(lines))


def stop(proc):
    proc.terminate()
    try:
        return proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover
        proc.kill()
        return proc.communicate()


# --------------------------------------------------------------------------- one-line errors


def test_a_port_in_use_is_one_line_naming_the_port_and_the_flag():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    line = one_line(result.stderr)
    assert result.returncode == 2
    assert f"port {port} is already in use" in line and "--port" in line


def test_a_missing_impex_file_is_named_before_anything_loads(tmp_path):
    missing = tmp_path / "missing.impex"
    result = run_cli("serve", "--port", "0", "--impex", str(missing))
    line = one_line(result.stderr)  # not the flags line, not ~70 lines of counts
    assert result.returncode == 2
    assert str(missing) in line and ":0:" not in line and "--impex" in line


def test_a_missing_impex_from_the_environment_is_named_too(tmp_path):
    missing = tmp_path / "nope"
    result = run_cli("env", env={"FAKESAPCC_IMPEX": str(missing)})
    assert result.returncode == 2 and str(missing) in one_line(result.stderr)


def test_an_unknown_sap_version_names_the_versions_known():
    result = run_cli("serve", "--sap-version", "1905")
    line = one_line(result.stderr)
    assert result.returncode == 2
    assert "1905" in line and "2211" in line and "2211.16" in line


def test_a_bad_flag_shows_the_sub_commands_usage():
    result = run_cli("serve", "--prot", "9001")
    assert result.returncode == 2
    assert "Usage: fakesapcc serve [OPTIONS]" in result.stderr
    assert "Try 'fakesapcc serve --help'" in result.stderr
    nested = run_cli("impex", "check", "--nope", "x.impex")
    assert nested.returncode == 2 and "Usage: fakesapcc impex check" in nested.stderr


def test_a_bad_value_in_the_environment_is_one_line():
    result = run_cli("serve", env={"FAKESAPCC_LOG_LEVEL": "loud"})
    line = one_line(result.stderr)
    assert result.returncode == 2 and "FAKESAPCC_LOG_LEVEL" in line and "debug" in line


def test_impex_check_of_an_empty_folder_says_there_is_nothing(tmp_path):
    result = run_cli("impex", "check", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"no *.impex file in {tmp_path}: nothing to check" in result.stderr


def test_serve_warns_about_an_empty_impex_folder(tmp_path):
    proc = start("--port", "0", "--impex", str(tmp_path))
    try:
        lines = until_ready(proc)
    finally:
        stop(proc)
    warning = next(l for l in lines if "warning" in l)
    assert str(tmp_path) in warning and "no *.impex file" in warning


# ------------------------------------------------------------------------------ --version, help


def test_version_comes_from_the_package():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout == f"fakesapcc {__version__}\n"


@pytest.mark.parametrize("command", [["serve"], ["impex", "check"], ["env"], ["impex"], []])
def test_every_command_has_its_own_help(command):
    result = run_cli(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"Usage: fakesapcc {' '.join(command)}".rstrip())


def commands(group=cli, path=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


@pytest.mark.parametrize("path, command", list(commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_setting_option_shows_its_environment_variable(path, command):
    ctx = click.Context(command, info_name=" ".join(path))
    for param in command.params:
        if not isinstance(param, click.Option) or param.name == "help":
            continue
        assert isinstance(param, Setting) == (param.name in SETTINGS), param.name
        if isinstance(param, Setting):
            record = " ".join(param.get_help_record(ctx))
            assert f"FAKESAPCC_{param.name.upper()}" in record, (path, param.name)


def readme_settings():
    """The README's settings table: setting -> (flag cell, env cell, default cell)."""
    section = README.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("setting", "---"):
            for name in cells[0].split(","):
                rows[name.strip()] = cells[1:]
    return rows


def test_the_readme_settings_table_is_the_cli():
    rows = readme_settings()
    assert set(rows) == set(SETTINGS), set(rows) ^ set(SETTINGS)
    serve = cli.commands["serve"]
    flags = {opt: p.name for p in serve.params if isinstance(p, click.Option) for opt in p.opts}
    for name, (flag, env, default) in rows.items():
        assert f"FAKESAPCC_{name.upper()}" in env, name
        for shown in re.findall(r"`(--[\w-]+)", flag):
            assert flags.get(shown) == name, (name, shown)
        if flag == "—":
            assert name not in flags.values(), f"{name} has a flag the README does not show"
    assert {p.name for p in serve.params if isinstance(p, Setting)} <= set(rows)


def test_settings_precedence_defaults_properties_environment_flags(tmp_path):
    props = tmp_path / "local.properties"
    props.write_text("fakesapcc.port=9100\nfakesapcc.host=localhost\n")

    def uri(*args, env=None):
        out = run_cli("env", "--properties", str(props), *args, env=env).stdout
        return next(l.split("=", 1)[1] for l in out.splitlines() if l.startswith("SAPCC_API_URI="))

    assert uri() == "http://localhost:9100/occ/v2"
    assert uri(env={"FAKESAPCC_PORT": "9200"}) == "http://localhost:9200/occ/v2"
    assert uri("--port", "9300", env={"FAKESAPCC_PORT": "9200"}) == "http://localhost:9300/occ/v2"


# ------------------------------------------------------------------------------ the server's log


def test_log_level_debug_prints_one_access_line_per_request():
    proc = start("--port", "0", "--log-level", "debug")
    try:
        ready = until_ready(proc)[-1]
        base = re.search(r"OAuth (\S+)/authorizationserver", ready).group(1)
        token = requests.post(f"{base}/authorizationserver/oauth/token", data={
            "grant_type": "password", "client_id": "mobile_android", "client_secret": "secret",
            "username": "asagent", "password": "pw4all"}, timeout=10).json()["access_token"]
        requests.get(f"{base}/occ/v2/powertools-spa/orgUsers/current",
                     headers={"Authorization": f"Bearer {token}"}, timeout=10)
        requests.get(f"{base}/occ/v2/electronics-spa/nope", timeout=10)
    finally:
        _, err = stop(proc)
    access = [l for l in err.splitlines() if " DEBUG " in l]
    assert len(access) == 3, err
    assert re.search(r"POST /authorizationserver/oauth/token 200 [\d.]+ms postToken", access[0])
    assert re.search(r"GET /occ/v2/powertools-spa/orgUsers/current 200 [\d.]+ms getOrgUser "
                     r"principal=asagent actingUser=asagent WARNING agent-acting-as-self: an "
                     r"agent \(asagent\) called GET .* did you forget", access[1]), access[1]
    assert "GET /occ/v2/electronics-spa/nope 404" in access[2]


def test_at_info_there_is_no_access_line():
    proc = start("--port", "0", env={"FAKESAPCC_LOG_LEVEL": "info"})
    try:
        base = re.search(r"OAuth (\S+)/authorizationserver", until_ready(proc)[-1]).group(1)
        requests.get(f"{base}/occ/v2/electronics-spa/languages", timeout=10)
    finally:
        _, err = stop(proc)
    assert "languages" not in err


# --------------------------------------------------------------------------- the progress bar


@pytest.fixture
def big_impex(tmp_path):
    path = tmp_path / "big.impex"
    rows = "".join(f";t{i};Title {i}\n" for i in range(PROGRESS_ROWS + 500))
    path.write_text("INSERT_UPDATE Title;code[unique=true];name[lang=en]\n" + rows)
    return path


def on_a_terminal(args, timeout=120):
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "fakesapcc", *args], cwd=ROOT,
                            stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    chunks, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode(errors="replace")


def test_a_long_impex_load_shows_a_progress_bar_on_a_terminal(big_impex):
    code, output = on_a_terminal(["impex", "check", "--no-default-data", str(big_impex)])
    assert code == 0, output
    total = PROGRESS_ROWS + 500
    assert "loading big.impex" in output and f"{total}/{total}" in output, output[-2000:]


def test_no_progress_bar_when_not_on_a_terminal(big_impex, tmp_path):
    result = run_cli("impex", "check", "--no-default-data", str(big_impex))
    assert result.returncode == 0
    assert "loading big.impex" not in result.stdout + result.stderr
    small = tmp_path / "small.impex"
    small.write_text("INSERT_UPDATE Title;code[unique=true]\n;x\n")
    code, output = on_a_terminal(["impex", "check", "--no-default-data", str(small)])
    assert code == 0 and "loading" not in output
