"""Which of SAP's OCC v2 operations fakesapcc implements: the operations of SAP's OpenAPI
document (operationId, method, path, tag) joined with the routes the app declares
(``fakesapcc.api.operations.implemented``), written to ``docs/coverage.md``.

    python scripts/coverage.py                 # write docs/coverage.md
    python scripts/coverage.py --check         # exit 1 if docs/coverage.md is out of date
    python scripts/coverage.py --spec PATH     # another copy of the OpenAPI document

The document is SAP's (see ``../shared/specs/SOURCES.md``) and is read from beside the
checkout, never copied into the repository. A route the document does not know — method, path
(``{param}`` names compared loosely) and operationId — is reported, and ``--check`` fails on it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT.parent / "shared" / "specs" / "commercewebservices-occ-v2-openapi-2.2.9.json"
OUTPUT = ROOT / "docs" / "coverage.md"
# operationId lists (one a line, ``#`` comments, text after the id ignored) behind the columns
FUZZ_EXCLUDED = ROOT / "contract" / "fuzz-excluded.txt"  # not fuzzed (tests/test_fuzz.py)
SCHEMA_LENIENT = ROOT / "contract" / "schema-lenient.txt"  # fuzzed, 2xx checked for shape only
SPARTACUS = ROOT / "contract" / "spartacus" / "operations.txt"  # called by the Spartacus harness
OCC_PREFIX = "/occ/v2"
WEBAPP = "commercewebservices"
METHODS = ("get", "post", "put", "patch", "delete", "head")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    tag: str


@dataclass(frozen=True)
class Route:
    operation_id: str
    method: str
    path: str  # relative to /occ/v2


def read_list(path: Path) -> set[str]:
    """The operationIds of a ``contract/*.txt`` list (none if the file is missing)."""
    if not path.exists():
        return set()
    return {line.split()[0] for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")}


def loose(path: str) -> str:
    """A path template with its ``{param}`` names erased."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def spec_operations(document: dict[str, Any]) -> list[Operation]:
    return [Operation(op["operationId"], method.upper(), path, (op.get("tags") or [""])[0])
            for path, item in document["paths"].items()
            for method, op in item.items() if method in METHODS]


def occ_routes(app: Any = None) -> list[Route]:
    """The OCC operations the app implements (a fresh app, no seed: routes only)."""
    sys.path.insert(0, str(ROOT))
    from fakesapcc.api.operations import implemented
    from fakesapcc.app import create_app
    from fakesapcc.config import build_config

    app = app or create_app(build_config({}, env={}), load_seed=False)
    return [Route(r["operationId"], r["method"], r["path"].removeprefix(OCC_PREFIX))
            for r in implemented(app) if r["webapp"] == WEBAPP]


#: fakesapcc's own documents of the web apps SAP publishes none for (tests/webapp_spec.py)
OWN_DOCUMENTS = {"assistedservicewebservices": "ASM (`/_fakesapcc/openapi/asm.json`)",
                 "oauth2": "OAuth (`/_fakesapcc/openapi/oauth.json`)"}
#: operations that answer an HTML page or a redirect (only their JSON errors are checked)
PAGES = {"authorize", "getLoginPage", "login"}


def webapp_routes(app: Any = None) -> dict[str, list[Route]]:
    """The ASM and OAuth operations the app implements, by web app."""
    sys.path.insert(0, str(ROOT))
    from fakesapcc.api.operations import implemented
    from fakesapcc.app import create_app
    from fakesapcc.config import build_config

    app = app or create_app(build_config({}, env={}), load_seed=False)
    found: dict[str, list[Route]] = {name: [] for name in OWN_DOCUMENTS}
    for r in implemented(app):
        if r["webapp"] in found:
            found[r["webapp"]].append(Route(r["operationId"], r["method"], r["path"]))
    return found


def render_own_documents(routes: dict[str, list[Route]], spartacus: set[str]) -> list[str]:
    lines = ["## ASM and OAuth (fakesapcc's own documents)", "",
             "SAP publishes no open document for these web apps: fakesapcc serves its own, made "
             "from the routes. *schema* — every answer the suite gets is checked against it "
             "(strictly, `tests/webapp_spec.py`; `page` where the answer is an HTML page or a "
             "redirect, whose JSON errors alone are checked); *fuzzed* — schemathesis calls it from that "
             "document (`tests/test_fuzz.py`: ASM as an agent, OAuth without a token).", ""]
    for webapp, title in OWN_DOCUMENTS.items():
        ops = sorted(routes.get(webapp, []), key=lambda r: (r.path, r.method))
        lines += [f"### {title}", "", f"{len(ops)} operations.", "",
                  "| operation | method | path | schema | fuzzed | Spartacus |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| `{r.operation_id}` | {r.method} | `{r.path}` | "
                  f"{'page' if r.operation_id in PAGES else 'yes'} | yes | "
                  f"{'yes' if r.operation_id in spartacus else ''} |" for r in ops]
        lines.append("")
    return lines


def unknown_routes(routes: Iterable[Route], operations: Iterable[Operation]) -> list[Route]:
    """Routes whose method, path and operationId are not one of the document's operations."""
    known = {(op.method, loose(op.path), op.operation_id) for op in operations}
    return [r for r in routes if (r.method, loose(r.path), r.operation_id) not in known]


def render(document: dict[str, Any], routes: list[Route],
           lists: dict[str, set[str]] | None = None,
           own: dict[str, list[Route]] | None = None) -> str:
    operations = spec_operations(document)
    done = {(r.method, loose(r.path), r.operation_id) for r in routes}
    lists = lists if lists is not None else {
        "excluded": read_list(FUZZ_EXCLUDED), "lenient": read_list(SCHEMA_LENIENT),
        "spartacus": read_list(SPARTACUS)}

    def is_done(op: Operation) -> bool:
        return (op.method, loose(op.path), op.operation_id) in done

    tag_order = [t["name"] for t in document.get("tags", [])]
    by_tag: dict[str, list[Operation]] = {}
    for op in operations:
        by_tag.setdefault(op.tag, []).append(op)
    tags = sorted(by_tag, key=lambda t: (tag_order.index(t) if t in tag_order else len(tag_order), t))
    total, implemented = len(operations), sum(1 for op in operations if is_done(op))

    def by_spartacus(op: Operation) -> bool:
        return is_done(op) and op.operation_id in lists["spartacus"]

    exercised = sum(1 for op in operations if by_spartacus(op))
    info = document.get("info", {})
    lines = [
        "# OCC v2 implementation coverage",
        "",
        "<!-- generated by scripts/coverage.py; do not edit -->",
        "",
        (f"The operations of SAP's OpenAPI document for "
         f"{info.get('title', 'Commerce Webservices')} (`commercewebservices`, version "
         f"{info.get('version', '?')}) and which of them fakesapcc implements under `/occ/v2`. An "
         "operation counts as implemented when a route declares its operationId (`@operation`) "
         "with the document's method and path. Per implemented operation: *schema* — its "
         "responses are checked against SAP's schema in the suite (strictly, by the schema fuzz "
         "`tests/test_fuzz.py`; `shape` where only their shape is, "
         "`contract/schema-lenient.txt`); *fuzzed* — schemathesis calls it as a customer and an "
         "agent (`contract/fuzz-excluded.txt` lists those left out); *Spartacus* — the Spartacus "
         "harness calls it (`contract/spartacus/operations.txt`)."),
        "",
        f"**{implemented} of {total} operations implemented ({implemented / total:.0%}).**",
        "",
        (f"**{exercised} of them exercised by Spartacus**: the OCC adapters of Spartacus 4.3.8 "
         "call them in the contract harness (`contract/spartacus/`, run by the suite)."),
        "",
        "| tag | implemented | operations |",
        "|---|---:|---:|",
    ]
    for tag in tags:
        ops = by_tag[tag]
        count = sum(1 for op in ops if is_done(op))
        if count:
            lines.append(f"| {tag} | {count} | {len(ops)} |")
    untouched = [t for t in tags if not any(is_done(op) for op in by_tag[t])]
    lines += [f"| {len(untouched)} other tags | 0 | {sum(len(by_tag[t]) for t in untouched)} |",
              f"| **all** | **{implemented}** | **{total}** |", ""]
    for tag in tags:
        ops = sorted(by_tag[tag], key=lambda op: (op.path, METHODS.index(op.method.lower())))
        count = sum(1 for op in ops if is_done(op))
        lines += [f"## {tag}", "", f"{count} of {len(ops)} implemented.", "",
                  "| | operation | method | path | schema | fuzzed | Spartacus |",
                  "|---|---|---|---|---|---|---|"]
        for op in ops:
            if is_done(op):
                fuzzed = op.operation_id not in lists["excluded"]
                schema = ("shape" if op.operation_id in lists["lenient"] else "yes") \
                    if fuzzed else ""
                cells = ["x", schema, "yes" if fuzzed else "",
                         "yes" if op.operation_id in lists["spartacus"] else ""]
            else:
                cells = [" ", "", "", ""]
            lines.append(f"| [{cells[0]}] | `{op.operation_id}` | {op.method} | `{op.path}` | "
                         f"{cells[1]} | {cells[2]} | {cells[3]} |")
        lines.append("")
    lines += render_own_documents(own if own is not None else webapp_routes(), lists["spartacus"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI document")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the Markdown file")
    parser.add_argument("--check", action="store_true",
                        help="fail if the file is out of date or a route is unknown to the spec")
    args = parser.parse_args(argv)
    if not args.spec.exists():
        print(f"coverage: no OpenAPI document at {args.spec}", file=sys.stderr)
        return 2
    document = json.loads(args.spec.read_text(encoding="utf-8"))
    routes = occ_routes()
    unknown = unknown_routes(routes, spec_operations(document))
    for route in unknown:
        print(f"coverage: route unknown to the spec: {route.method} {route.path} "
              f"({route.operation_id})", file=sys.stderr)
    text = render(document, routes)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"coverage: {args.output} is out of date; run python scripts/coverage.py",
                  file=sys.stderr)
            return 1
        return 1 if unknown else 0
    args.output.write_text(text, encoding="utf-8")
    print(f"coverage: wrote {args.output}")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
