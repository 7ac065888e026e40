"""The Dockerfile, docker-compose.example.yml and the README agree, and the stack works as
shipped (no Docker engine is needed: the files are read, the image's commands run here):
the ports, the environment, the command, the health check, the control plane from the host."""
import json
import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import yaml

from fakesapcc.app import create_app
from fakesapcc.cli import cli
from fakesapcc.config import build_config

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.example.yml").read_text())
SERVICE = COMPOSE["services"]["sapcc"]
README = (ROOT / "README.md").read_text()
DOCKER_SECTION = README.split("\n## Docker\n", 1)[1].split("\n## ", 1)[0]


def instruction(name):
    found = re.findall(rf"^{name} ((?:[^\n]*\\\n)*[^\n]+)$", DOCKERFILE, re.M)
    return [f.replace("\\\n", " ") for f in found]


def dockerfile_env():
    env = {}
    for line in instruction("ENV"):
        env.update(dict(pair.split("=", 1) for pair in shlex.split(line)))
    return env


def cmd():
    return json.loads(instruction("CMD")[0])


def healthcheck():
    [line] = instruction("HEALTHCHECK")
    return json.loads(line.split(" CMD ", 1)[1])


def container_env():
    """What the server sees in the compose service: the image's ENV, then compose's."""
    return {**dockerfile_env(), **{k: str(v) for k, v in SERVICE["environment"].items()}}


def test_the_command_is_one_the_cli_takes():
    command = cmd()
    assert command[:2] == ["fakesapcc", "serve"]
    ctx = cli.commands["serve"].make_context("serve", command[2:])
    assert ctx.params["host"] == "0.0.0.0"


def test_the_ports_agree():
    port = dockerfile_env()["FAKESAPCC_PORT"]
    assert instruction("EXPOSE") == [port]
    published = [p.split(":") for p in SERVICE["ports"]]
    assert [container for _, container in published] == [container_env()["FAKESAPCC_PORT"]]
    assert build_config({}, env=container_env()).port == int(port)
    host_port = published[0][0]
    assert f"localhost:{host_port}" in DOCKER_SECTION or f"127.0.0.1:{host_port}" in DOCKER_SECTION


def mounts():
    """{target: source} of the service's volumes."""
    return {v.split(":")[1]: v.split(":")[0] for v in SERVICE["volumes"]}


def test_the_impex_folder_is_the_mounted_one():
    target = container_env()["FAKESAPCC_IMPEX"]
    source = mounts()[target]
    assert source.startswith("./") and SERVICE["volumes"][0].endswith(":ro")
    assert source in DOCKER_SECTION


def test_the_state_file_is_on_a_named_volume_the_server_can_write():
    """A restart of the stack keeps the state: the state file is in a named volume (declared
    at the top level), whose folder the image creates and gives to the server's user, since a
    new named volume takes the owner of the folder it is mounted on."""
    state_file = build_config({}, env=container_env()).state_file
    folder = str(Path(state_file).parent)
    volume = mounts()[folder]
    assert volume in COMPOSE["volumes"]
    [run] = [line for line in instruction("RUN") if "useradd" in line]
    user = re.search(r"useradd .*?(\w+)\s*(?:&&|$)", run).group(1)
    assert f"mkdir -p {folder}" in run and f"chown {user}:{user} {folder}" in run
    assert instruction("USER") == [user]
    assert volume in DOCKER_SECTION and "down -v" in DOCKER_SECTION


def test_the_control_plane_is_reachable_from_the_host_as_documented():
    """The container binds 0.0.0.0: beyond loopback. The compose file sets an admin token, and
    the README says which and how to send it."""
    env = {k: v for k, v in container_env().items() if k != "FAKESAPCC_STATE_FILE"}
    token = env["FAKESAPCC_ADMIN_TOKEN"]
    config = build_config({"host": cmd()[cmd().index("--host") + 1], "default_data": False,
                           "impex": []},
                          env=env)
    assert config.host == "0.0.0.0" and config.admin_token == token
    client = create_app(config).test_client()
    assert client.post("/_fakesapcc/reset").status_code == 401
    ok = client.post("/_fakesapcc/reset", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.get_json() == {"status": "RESET"}
    assert f"Authorization: Bearer {token}" in DOCKER_SECTION
    assert "FAKESAPCC_ADMIN_TOKEN" in DOCKER_SECTION


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_health_check_follows_fakesapcc_port():
    command = healthcheck()
    assert command[:2] == ["fakesapcc", "health"]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKESAPCC_")}
    server = subprocess.Popen([sys.executable, "-m", "fakesapcc", "serve", "--no-default-data"],
                              env={**env, "FAKESAPCC_PORT": str(port)}, stderr=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, text=True)
    try:
        for line in server.stderr:
            if line.startswith("fakesapcc ready:"):
                break
        probe = [sys.executable, "-m", "fakesapcc", *command[1:]]
        up = subprocess.run(probe, env={**env, "FAKESAPCC_PORT": str(port)}, capture_output=True,
                            text=True, timeout=30)
        assert up.returncode == 0, up.stderr
        elsewhere = subprocess.run(probe, env={**env, "FAKESAPCC_PORT": str(free_port())},
                                   capture_output=True, text=True, timeout=30)
        assert elsewhere.returncode == 1 and "Traceback" not in elsewhere.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_readme_describes_these_files():
    assert " ".join(cmd()) in DOCKER_SECTION
    assert "fakesapcc health" in DOCKER_SECTION and "FAKESAPCC_PORT" in DOCKER_SECTION
    assert "docker-compose.example.yml" in DOCKER_SECTION
