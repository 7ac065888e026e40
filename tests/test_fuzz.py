"""Schema fuzzing: schemathesis generates requests from SAP's OCC document for every operation
fakesapcc implements, and each answer must stay inside the document; then the same over
fakesapcc's own documents of the ASM and OAuth web apps (``tests/webapp_spec.py``).

- The document is SAP's (``../shared/specs``, read by ``tests/spec.py``), reduced to the
  implemented operations (``contract/fuzz-excluded.txt`` names the few left out, with why).
- Each operation is called as a customer (``current``) and as an agent acting for that
  customer (the customer's uid), from a world with a cart ready for checkout, an order, an
  address, a card and a consent; the path parameters that name them are fixed, everything else
  (query, body, the rest of the path) is generated — JSON bodies only (XML is 415: see
  docs/fidelity.md).
- Checks: never a 5xx, nothing raised in the server; a 2xx matches the operation's response
  schema strictly (``spec.validate``); an error is SAP's envelope, with a status the document
  declares or one of the statuses SAP's web app answers everywhere (405, 413, 415).
- Bounded: ``EXAMPLES`` per operation and caller, derandomized (the same requests every run),
  each operation and caller under ``BUDGET_SECONDS``, one test per operation (xdist spreads
  them). Operations that close the account or change the
  password or login run in their own phase, each example from a fresh world.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

import spec
import webapp_spec

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from fakesapcc.api.operations import implemented  # noqa: E402
from fakesapcc.testing import FakeSAPCC  # noqa: E402
from test_robustness import CAMERA, CUSTOMER, SITE, build_world  # noqa: E402

pytestmark = pytest.mark.skipif(not spec.available(), reason="../shared/specs is not there")

ROOT = Path(__file__).resolve().parents[1]
EXCLUDED_FILE = ROOT / "contract" / "fuzz-excluded.txt"
EXAMPLES = 3
BUDGET_SECONDS = 20  # per operation and caller
CALLERS = ("customer", "agent")
#: operations that end the session's world: each example starts from a fresh one
DESTRUCTIVE = {"removeUser", "replaceUserPassword", "replaceUserLogin", "placeOrder",
               "placeOrgOrder"}
#: operations whose 2xx bodies are checked for shape only (``contract/schema-lenient.txt``)
LENIENT_FILE = ROOT / "contract" / "schema-lenient.txt"
#: what SAP's web app answers on any operation, whatever the document lists
ANY_STATUS = {405, 413, 415}


def listed(path: Path) -> dict[str, str]:
    """operationId → why, from one of the ``contract/*.txt`` lists."""
    if not path.exists():
        return {}
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            op, _, why = line.partition(" ")
            result[op] = why.strip()
    return result


def excluded() -> dict[str, str]:
    """operationId → why it is not fuzzed (``contract/fuzz-excluded.txt``)."""
    return listed(EXCLUDED_FILE)


POLYMORPHIC = set(listed(LENIENT_FILE))


def fuzzed_operations(app: Any) -> set[str]:
    """The OCC operations the fuzz run covers: every implemented one but the excluded."""
    skip = excluded()
    return {r["operationId"] for r in implemented(app)
            if r["webapp"] == "commercewebservices" and r["operationId"] not in skip}


def reduced_document(ops: set[str]) -> dict[str, Any]:
    """SAP's document with only these operations, JSON only, served at /occ/v2."""
    document = spec.document()
    paths: dict[str, Any] = {}
    for path, item in document["paths"].items():
        kept = {m: op for m, op in item.items()
                if m in spec.METHODS and op.get("operationId") in ops}
        for op in kept.values():
            body = op.get("requestBody")
            if body and "content" in body:
                json_only = {k: v for k, v in body["content"].items() if "json" in k}
                op["requestBody"] = {**body, "content": json_only or body["content"]}
        if kept:
            paths[path] = {**{k: v for k, v in item.items() if k not in spec.METHODS}, **kept}
    return {**document, "paths": paths, "servers": [{"url": "/occ/v2"}]}


@pytest.fixture(scope="module")
def sap():
    sap = FakeSAPCC(live=False)
    world = build_world(sap)
    return sap, world, sap.runtime.db.snapshot()  # pickled: a restore takes milliseconds


@pytest.fixture(scope="module")
def schema(sap):
    return schemathesis.openapi.from_dict(reduced_document(fuzzed_operations(sap[0].app)))


def restore(sap: FakeSAPCC, snapshot: bytes) -> None:
    sap.runtime.db.restore(snapshot)


def fixed_path(world: Any, caller: str) -> dict[str, str]:
    user = "current" if caller == "customer" else CUSTOMER
    return {"baseSiteId": SITE, "userId": user, "cartId": world.cart, "addressId": world.address,
            "paymentDetailsId": world.payment, "code": world.order, "productCode": CAMERA,
            "consentCode": world.consent, "categoryId": world.category,
            "catalogId": "electronicsProductCatalog", "catalogVersionId": "Online",
            "consentTemplateId": "MARKETING_NEWSLETTER", "entryNumber": "0"}


def declared_statuses(operation: dict[str, Any]) -> set[int]:
    return {int(s) for s in operation.get("responses", {}) if s.isdigit()}


def check_answer(method: str, path: str, response: Any, operation: dict[str, Any]) -> str | None:
    """A violation, or None."""
    status = response.status_code
    if status >= 500:
        return f"{status} {response.get_data(as_text=True)[:300]}"
    body = response.get_json(silent=True) if response.data else None
    if method == "HEAD":
        return "a body on HEAD" if response.data else None
    if status >= 400:
        if status not in declared_statuses(operation) | ANY_STATUS:
            return f"status {status} is not in the document ({body})"
        if not (isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]
                and all("type" in e for e in body["errors"])):
            return f"{status} is not SAP's error envelope: {body!r}"[:400]
        return None
    if operation.get("operationId") in POLYMORPHIC:
        return None if isinstance(body, dict) else f"not a JSON object: {body!r}"[:300]
    if method != "HEAD":
        try:
            spec.validate(method, path, status, body)
        except AssertionError as exc:
            return str(exc)[:600]
    return None


def run_operation(sap, world, snapshot, schema, op_id: str, caller: str | None,
                  fresh_each: bool, deadline: float, *, base_url: str = "/occ/v2",
                  fixed: dict[str, str] | None = None,
                  check: Any = None, examples: int = EXAMPLES) -> tuple[int, list[str]]:
    """Fuzz one operation as one caller (None: no token); returns (examples, violations)."""
    from hypothesis import HealthCheck, Phase, given, settings

    operation = schema.find_operation_by_id(op_id)
    headers = {"Authorization": f"Bearer {world.tokens[caller]}"} if caller else {}
    fixed = fixed if fixed is not None else fixed_path(world, caller)
    check = check or check_answer
    names = {p["name"] for p in operation.definition.raw.get("parameters", []) if p["in"] == "path"}
    strategy = operation.as_strategy(path_parameters={k: v for k, v in fixed.items() if k in names})
    raw = operation.definition.raw
    count, problems = 0, []
    client = sap.client

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(strategy)
    def fuzz(case):
        nonlocal count
        if time.monotonic() > deadline:
            return
        if fresh_each:
            restore(sap, snapshot)
        count += 1
        kwargs = case.as_transport_kwargs(base_url=base_url)
        url = kwargs.pop("url")
        method = kwargs.pop("method")
        sent = {**(kwargs.pop("headers", None) or {}), **headers}
        sent.pop("Content-Length", None)
        response = client.open(url, method=method, headers=sent,
                               query_string=kwargs.get("params"),
                               data=kwargs.get("data"), json=kwargs.get("json"))
        path = response.request.path
        problem = check(method, path, response, raw)
        if problem is None and sap.errors:
            problem = f"the server raised {sap.errors[0]!r}"
        sap.errors.clear()  # told once, with the call that raised it
        if problem:
            problems.append(f"{op_id} as {caller}: {method} {response.request.full_path} → {problem}")

    fuzz()
    return count, problems


def _operations() -> list[str]:
    if not spec.available():
        return []
    from fakesapcc.app import create_app
    from fakesapcc.config import build_config

    return sorted(fuzzed_operations(create_app(build_config({}, env={}), load_seed=False)))


OPERATIONS = _operations()


def test_the_fuzz_covers_every_implemented_operation(sap):
    implemented_ops = {r["operationId"] for r in implemented(sap[0].app)
                       if r["webapp"] == "commercewebservices"}
    assert set(OPERATIONS) == implemented_ops - set(excluded())
    assert set(excluded()) <= implemented_ops, "contract/fuzz-excluded.txt names unknown operations"


@pytest.mark.parametrize("op_id", OPERATIONS)
def test_the_operation_answers_inside_saps_document(sap, schema, op_id):
    sap_, world, snapshot = sap
    problems, total = [], 0
    for caller in CALLERS:
        restore(sap_, snapshot)
        count, found = run_operation(sap_, world, snapshot, schema, op_id, caller,
                                     op_id in DESTRUCTIVE, time.monotonic() + BUDGET_SECONDS)
        total += count
        problems += found
    assert total, f"{op_id}: no example ran"
    assert not problems, "\n".join(problems[:10])


def test_xml_bodies_are_refused_with_415(sap):
    sap_, world, snapshot = sap
    restore(sap_, snapshot)
    response = sap_.client.patch(f"/occ/v2/{SITE}/users/current", data="<user/>",
                                 content_type="application/xml",
                                 headers={"Authorization": f"Bearer {world.tokens['customer']}"})
    assert response.status_code == 415
    assert response.json["errors"][0]["type"] == "HttpMediaTypeNotSupportedError"


# -- fakesapcc's own documents: ASM (as an agent) and OAuth (no token) -------------------------

WEBAPPS = {"asm": "agent", "oauth": None}
WEBAPP_EXAMPLES = 10  # few operations: more examples each, still a second or two per operation
WEBAPP_OPERATIONS = [(name, op_id) for name in WEBAPPS for op_id in webapp_spec.operation_ids(name)]


def webapp_fixed_path(name: str) -> dict[str, str]:
    return {"baseSiteId": SITE, "userId": CUSTOMER, "agentId": "current",
            "customerlist": "instoreCustomers"} if name == "asm" else {}


def check_webapp_answer(method: str, path: str, response: Any, operation: dict[str, Any]
                        ) -> str | None:
    """A violation of fakesapcc's document (tests/webapp_spec.py), or None."""
    if response.status_code >= 500:
        return f"{response.status_code} {response.get_data(as_text=True)[:300]}"
    found = webapp_spec.check_flask_response(response.request, response)
    return "; ".join(found)[:600] if found else None


@pytest.fixture(scope="module")
def webapp_schemas():
    return {name: schemathesis.openapi.from_dict(webapp_spec.fuzz_document(name))
            for name in WEBAPPS}


def test_the_webapp_fuzz_covers_every_asm_and_oauth_operation(sap):
    implemented_ops = {r["operationId"] for r in implemented(sap[0].app)
                       if r["webapp"] in ("assistedservicewebservices", "oauth2")}
    assert {op_id for _, op_id in WEBAPP_OPERATIONS} == implemented_ops


@pytest.mark.parametrize("name, op_id", WEBAPP_OPERATIONS)
def test_the_operation_answers_inside_fakesapccs_document(sap, webapp_schemas, name, op_id):
    sap_, world, snapshot = sap
    restore(sap_, snapshot)
    total, problems = run_operation(
        sap_, world, snapshot, webapp_schemas[name], op_id, WEBAPPS[name], False,
        time.monotonic() + BUDGET_SECONDS, base_url="", fixed=webapp_fixed_path(name),
        check=check_webapp_answer, examples=WEBAPP_EXAMPLES)
    assert total, f"{op_id}: no example ran"
    assert not problems, "\n".join(problems[:10])
