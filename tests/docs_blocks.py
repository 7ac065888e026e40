"""The docs test's engine (``tests/test_docs.py``): finds every fenced block of README.md and
docs/*.md and runs the examples among them.

- ``console``: a transcript. Each ``$ command`` runs (in one bash, so variables carry over; a
  trailing ``\\`` continues it); the lines after it, up to the next ``$``, are its output
  (stdout and stderr), matched with ``…`` standing for any text and whitespace loose (runs of
  it are one space; none is needed beside ``{ } [ ] , :``). No lines: the output must be empty.
- ``sh``, ``bash``, ``shell``: a script, run with bash and ``set -e``: every command must
  succeed, and ``curl`` fails on an HTTP error (``--fail-with-body``).
- ``python``: with a ``def test_`` function, a test module that pytest runs with the plugin;
  otherwise a script. Either must pass.
- anything else (``json``, ``yaml``, ``ts``, an untagged block of output, …) is not an example
  and is not run; an untagged block that starts like a command is refused (tag it).
- ``<!-- docs-test: skip: why -->`` on the line before a block marks one that cannot run, and
  must say why.

Against a running server: ``127.0.0.1:9001`` (and ``localhost:9001``, ``port 9001``) in a block
mean the session's live server, on its free port. ``fakesapcc serve …`` in a block starts that command
in the background on a free port (``--port N`` too gets a free one; ``--host 0.0.0.0`` binds
127.0.0.1, since test servers bind loopback, and ``my-host`` means 127.0.0.1), returns when the
server is ready with what it printed until then, and the server stops at the block's end.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SHELL = {"sh", "bash", "shell"}
CONSOLE = {"console"}
PYTHON = {"python", "py"}
NOT_RUN = {"", "text", "json", "yaml", "yml", "properties", "ts", "typescript", "js",
           "javascript", "mermaid", "toml", "ini", "html", "diff", "dockerfile", "http"}
DIRECTIVES = {"skip"}
LOOKS_LIKE_A_COMMAND = re.compile(r"\s*(\$ |fakesapcc |curl |pip |python3? |pytest |docker )")
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+-]*)")
MARKER = re.compile(r"<!--\s*docs-test:\s*([\w-]+)\s*:?\s*(.*?)\s*-->")
TIMEOUT = 180


class DocsError(AssertionError):
    """A block that is wrong: it names the file and line, for the author to fix the doc."""


@dataclass
class Block:
    file: str  # relative to the checkout
    line: int  # of the opening fence
    lang: str
    text: str
    marker: tuple[str, str] | None = None  # (directive, reason)
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def kind(self) -> str:
        if self.lang in CONSOLE:
            return "console"
        if self.lang in SHELL:
            return "sh"
        if self.lang in PYTHON:
            return "python"
        return "text"


def blocks(text: str, file: str) -> list[Block]:
    """Every fenced block of a markdown text, with the marker on the line before it."""
    found: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m.group(1), m.group(2), m.group(3).lower()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        block = Block(file, start, lang, "\n".join(body) + "\n")
        before = next((l for l in reversed(lines[:start - 1]) if l.strip()), "")
        marker = MARKER.search(before)
        if marker:
            block.marker = (marker.group(1), marker.group(2))
            if marker.group(1) not in DIRECTIVES:
                block.problems.append(f"unknown docs-test directive '{marker.group(1)}' (known: "
                                      f"{', '.join(sorted(DIRECTIVES))})")
            elif not marker.group(2):
                block.problems.append("a skipped block must say why: "
                                      "<!-- docs-test: skip: <the reason> -->")
        elif "docs-test" in before:
            block.problems.append("a docs-test marker must read <!-- docs-test: skip: why -->")
        if lang not in SHELL | CONSOLE | PYTHON | NOT_RUN:
            block.problems.append(f"a ```{lang} block: the docs test does not know how to run "
                                  "it; use sh, console or python, a format it leaves alone "
                                  f"({', '.join(sorted(NOT_RUN - {''}))}), or mark it "
                                  "<!-- docs-test: skip: why -->")
        elif lang in ("", "text") and LOOKS_LIKE_A_COMMAND.match(block.text) and not block.marker:
            block.problems.append("an untagged block that starts like a command: tag it "
                                  "```console (with its output) or ```sh so that it runs, or "
                                  "mark it <!-- docs-test: skip: why -->")
        found.append(block)
    return found


def doc_files(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def all_blocks(root: Path) -> list[Block]:
    return [b for path in doc_files(root)
            for b in blocks(path.read_text(encoding="utf-8"), str(path.relative_to(root)))]


# ------------------------------------------------------------------------------- running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serves(text: str) -> bool:
    return re.search(r"(^|[\s;&|(])fakesapcc serve\b", text) is not None


def localise(text: str, live_port: int) -> tuple[str, int]:
    """The block as it runs here: its ports free ones, its hosts loopback. Returns the text and
    the port ``9001`` became (``FAKESAPCC_PORT`` for the block)."""
    ports = {"9001", *re.findall(r"--port[ =](\d+)", text)}
    own = serves(text)
    mapping = {p: str(free_port() if own else (live_port if p == "9001" else free_port()))
               for p in ports}
    for old, new in mapping.items():
        text = re.sub(rf"(?<=:){old}\b|(?<=--port ){old}\b|(?<=--port=){old}\b|(?<=port ){old}\b",
                      new, text)
    text = text.replace("--host 0.0.0.0", "--host 127.0.0.1").replace("my-host", "127.0.0.1")
    return text, int(mapping["9001"])


PRELUDE = r"""
set -o pipefail
__pids=()
__stop() { for p in "${__pids[@]}"; do kill "$p" 2>/dev/null; done
           for p in "${__pids[@]}"; do wait "$p" 2>/dev/null; done; return 0; }
trap __stop EXIT
fakesapcc() {
  if [ "${1:-}" != serve ]; then "$DOCS_PYTHON" -m fakesapcc "$@"; return; fi
  local log; log=$(mktemp "$PWD/.serve.XXXXXX")
  "$DOCS_PYTHON" -m fakesapcc "$@" >"$log" 2>&1 &
  local pid=$! i=0; __pids+=("$pid")
  until grep -q '^fakesapcc ready:' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; wait "$pid"; return; fi
    i=$((i+1)); if [ "$i" -gt 1200 ]; then cat "$log"; echo "docs test: not ready in 60 s"; return 1; fi
    sleep 0.05
  done
  cat "$log"
}
"""
CURL_FAILS = r"""
curl() { command curl --silent --show-error --fail-with-body "$@"; }
"""


def environment(port: int, cwd: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(
        ("FAKESAPCC_", "PYTEST_XDIST", "PYTEST_CURRENT_TEST", "PYTEST_ADDOPTS"))}
    root = str(Path(__file__).resolve().parents[1])  # the code under test, whatever is installed
    env.update(DOCS_PYTHON=sys.executable, FAKESAPCC_PORT=str(port), COLUMNS="80",
               PYTHONPATH=os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")])),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               TMPDIR=cwd)
    return env


def run(block: Block, live_port: int) -> None:
    """Run one block; raise DocsError (naming the file and line) when it does not behave as
    written."""
    if block.problems:
        raise DocsError(f"{block.where}: " + "; ".join(block.problems))
    if block.marker or block.kind == "text":
        return
    text, port = localise(block.text, live_port)
    with tempfile.TemporaryDirectory(prefix="fakesapcc-docs-") as cwd:
        env = environment(port, cwd)
        if block.kind == "console":
            run_console(block, text, cwd, env)
        elif block.kind == "sh":
            result = bash(PRELUDE + CURL_FAILS + "set -e\n" + text, cwd, env)
            if result.returncode != 0:
                raise DocsError(f"{block.where}: the sh block failed (exit {result.returncode})"
                                f":\n{text}\n--- output ---\n{result.stdout}")
        else:
            run_python(block, text, cwd, env)


def bash(script: str, cwd: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=False,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=TIMEOUT, stdin=subprocess.DEVNULL)


def transcript(text: str) -> list[tuple[str, str]]:
    """A console block's (command, expected output) pairs."""
    pairs: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and i < len(lines):
                command += "\n" + lines[i]
                i += 1
            pairs.append((command, []))
        elif pairs:
            pairs[-1][1].append(line)
        elif line.strip():
            raise DocsError(f"output before the first '$ ' command: {line!r}")
    return [(c, "\n".join(out)) for c, out in pairs]


MARK = "\x1edocs-test:"


def run_console(block: Block, text: str, cwd: str, env: dict[str, str]) -> None:
    try:
        pairs = transcript(text)
    except DocsError as exc:
        raise DocsError(f"{block.where}: {exc}") from None
    if not pairs:
        raise DocsError(f"{block.where}: a console block with no '$ ' command")
    script = PRELUDE + "".join(f"printf '\\n{MARK}{n}\\n'\n{{ {command}\n}} 2>&1\n"
                               for n, (command, _) in enumerate(pairs))
    result = bash(script, cwd, env)
    outputs = result.stdout.split(f"\n{MARK}")[1:]
    for n, (command, expected) in enumerate(pairs):
        actual = outputs[n].split("\n", 1)[1] if n < len(outputs) else "(not run)"
        if not matches(expected, actual):
            raise DocsError(f"{block.where}: the output of '$ {command}' is not the one shown."
                            f"\n--- shown ---\n{expected}\n--- actual ---\n{actual}")


def normal(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return re.sub(r" ?([{}\[\],:]) ?", r"\1", text)


def matches(expected: str, actual: str) -> bool:
    """``expected`` with ``…`` for any text, whitespace loose (see the module's docstring)."""
    pattern = ".*?".join(re.escape(part) for part in normal(expected).split("…"))
    return re.fullmatch(pattern, normal(actual), re.S) is not None


def run_python(block: Block, text: str, cwd: str, env: dict[str, str]) -> None:
    name = re.sub(r"\W", "_", block.where)
    if re.search(r"^\s*def test_", text, re.M):
        path = Path(cwd) / f"test_{name}.py"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)]
    else:
        path = Path(cwd) / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, str(path)]
    result = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise DocsError(f"{block.where}: the python block failed (exit {result.returncode}):"
                        f"\n{result.stdout[-4000:]}")
