"""The shape of the house, checked: no import cycle (and the drawing in docs/architecture.md is
the one the source makes), no module over 800 lines, every route one declared SAP operation
with its access rule, no role literal in a handler, and no handler reading the request by hand.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from fakesapcc.api.operations import Operation, operation_of
from fakesapcc.security.roles import Secured

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fakesapcc"
MAX_LINES = 800


def house():
    spec = importlib.util.spec_from_file_location("house", ROOT / "scripts" / "house.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_import_cycle():
    h = house()
    assert h.cycles(h.graph()) == []


def test_the_cycle_check_finds_one(tmp_path):
    h = house()
    pkg = tmp_path / "fakesapcc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from .a import x\n")
    assert h.cycles(h.graph(pkg)) == [["fakesapcc.a", "fakesapcc.b"]]


def test_the_drawing_is_the_source():
    h = house()
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert h.drawing(h.graph()) in doc, "run: python scripts/house.py and paste into docs/architecture.md"


def test_no_module_over_800_lines():
    long = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_route_declares_its_operation_and_access(sapcc_server):
    app = sapcc_server.app
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        op = operation_of(app, rule.endpoint)
        if not isinstance(op, Operation) or not isinstance(op.access.secured, Secured):
            missing.append(rule.rule)
    assert missing == []


def test_the_walk_would_find_an_undeclared_route():
    from flask import Blueprint

    from fakesapcc.testing import FakeSAPCC

    sap = FakeSAPCC(live=False)
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/undeclared", view_func=lambda: "", endpoint="undeclared")
    sap.app.register_blueprint(extra)
    assert operation_of(sap.app, "extra.undeclared") is None


HANDLER_MODULES = sorted(p for p in (PACKAGE / "api").rglob("*.py"))


@pytest.mark.parametrize("path", HANDLER_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_role_literal_in_the_http_layer(path):
    """Roles are named once, in security/roles.py; routes name role sets."""
    assert not re.search(r"[\"']ROLE_", path.read_text(encoding="utf-8"))


READS_BY_HAND = re.compile(r"request\.(get_json|json|form|values|get_data|data|files)\b")


@pytest.mark.parametrize("path", [p for p in HANDLER_MODULES
                                  if p.parent.name in ("occ", "asm", "carts", "dtos")
                                  or p.name in ("oauth.py", "login.py")],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_handlers_read_requests_through_schemas(path):
    """OCC, ASM and OAuth handlers get ``params``/``body``/``form`` from their operation's
    schemas (api/inputs.py); only the blueprints' base modules read the site context and
    ``fields`` from the query."""
    text = path.read_text(encoding="utf-8")
    assert not READS_BY_HAND.search(text)
    if path.name != "base.py":
        assert "request.args" not in text
