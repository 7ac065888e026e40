"""docker-compose.example.yml: fakesapcc and the storefront on it, with the names, ports and URLs
the README gives; each service's image is built from a file of this repository."""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.example.yml").read_text(encoding="utf-8"))


def test_the_stack_is_fakesapcc_and_the_storefront():
    services = compose()["services"]
    assert set(services) == {"sapcc", "storefront"}
    assert services["sapcc"]["build"] == "."
    assert services["sapcc"]["ports"] == ["9001:9001"]
    assert services["storefront"]["ports"] == ["4200:4200"]
    assert services["storefront"]["depends_on"] == ["sapcc"]


def test_the_storefront_reaches_fakesapcc_where_the_browser_finds_it():
    services = compose()["services"]
    url = services["storefront"]["environment"]["FAKESAPCC_URL"]
    host_port = services["sapcc"]["ports"][0].split(":")[0]
    assert url == f"http://localhost:{host_port}"
    # SAP's CORS defaults allow the storefront's origin on OCC, ASM and the payment provider
    from fakesapcc.config import build_config

    props = build_config({}, env={}).properties
    origin = "http://localhost:" + services["storefront"]["ports"][0].split(":")[0]
    for webapp in ("commercewebservices", "assistedservicewebservices", "acceleratorservices"):
        assert origin in props[f"corsfilter.{webapp}.allowedOrigins"].split()


def test_each_image_is_built_from_this_repository():
    services = compose()["services"]
    storefront = services["storefront"]["build"]
    dockerfile = ROOT / storefront["context"] / storefront["dockerfile"]
    text = dockerfile.read_text(encoding="utf-8")
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        assert (ROOT / source).exists(), source
    cmd = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
    assert cmd[:3] == ["python", "/app/storefront", "serve"]
    assert cmd[cmd.index("--port") + 1] == services["storefront"]["ports"][0].split(":")[1]
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0"
    # the container serves what scripts/storefront serves, with the backend from the environment
    script = (ROOT / "scripts" / "storefront").read_text(encoding="utf-8")
    assert "FAKESAPCC_URL" in script and '"--host"' in script
