#!/usr/bin/env python3
"""The drawing of the house: which part of fakesapcc imports which, read from the source.

    python scripts/house.py            # print the Mermaid drawing (docs/architecture.md holds it)
    python scripts/house.py --check    # exit 1 on an import cycle between modules

Every import counts, also those inside functions; only ``if TYPE_CHECKING:`` blocks do not.
The drawing groups modules by part (``api.occ``, ``security``, ``commerce`` …).
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "fakesapcc"


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _target(mods: dict[str, Path], module: str, node: ast.ImportFrom) -> str | None:
    package = module.split(".") if mods[module].name == "__init__.py" else module.split(".")[:-1]
    if node.level:
        base = package[:len(package) - node.level + 1]
        return ".".join(base + ([node.module] if node.module else []))
    return node.module


def graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the project modules it imports."""
    mods = modules(package)
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
                node.body = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                name = _target(mods, module, node)
                if not name or not name.startswith(package.name):
                    continue
                subs = [f"{name}.{a.name}" for a in node.names if f"{name}.{a.name}" in mods]
                if len(subs) < len(node.names) and name in mods:
                    edges[module].add(name)
                edges[module].update(subs)
            elif isinstance(node, ast.Import):
                edges[module].update(a.name for a in node.names if a.name in mods)
        edges[module].discard(module)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


#: what every part may use, left out of the drawing's arrows
CORE = ("db", "locks", "models", "errors", "clock", "config", "snapshots", "faults", "version",
        "pickling", "seedfiles")
SHELL = ("cli", "server", "tls", "__main__")
HARNESS = ("testing", "pytest_plugin", "parity")
RUNTIME = ("runtime", "seedcache")


def part(module: str) -> str:
    """The part a module belongs to in the drawing: ``fakesapcc.api.occ.carts.entries`` →
    ``api.occ``; the core modules, the command and the test harness are one part each."""
    names = module.split(".")[1:]
    if not names:
        return "fakesapcc"
    if names[0] == "api" and len(names) > 1 and names[1] in ("occ", "asm"):
        return f"api.{names[1]}"
    for group, members in (("core", CORE), ("shell", SHELL), ("harness", HARNESS),
                           ("runtime", RUNTIME)):
        if names[0] in members:
            return group
    return names[0]


def drawing(edges: dict[str, set[str]]) -> str:
    """The parts and which imports which, as a Mermaid flowchart (arrows into ``core`` left
    out: every part uses it)."""
    between: set[tuple[str, str]] = set()
    for source, targets in edges.items():
        for target in targets:
            a, b = part(source), part(target)
            if a != b and "fakesapcc" not in (a, b) and b != "core":
                between.add((a, b))
    lines = ["flowchart TD"]
    lines += [f"    {a.replace('.', '_')}[{a}] --> {b.replace('.', '_')}[{b}]"
              for a, b in sorted(between)]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    edges = graph()
    found = cycles(edges)
    if "--check" in argv:
        for group in found:
            print("import cycle:", " -> ".join(group))
        return 1 if found else 0
    sys.stdout.write(drawing(edges))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
