"""fakesapcc under load, beside a baseline measured in the same run: one command.

    python bench/load.py              # the whole table (about 10 minutes on 2 cores)
    python bench/load.py --quick      # shorter runs, for a smoke test
    python bench/load.py --only product,search

A = a bare Flask app answering a ~300-byte JSON under waitress, threads=8 (bench/anchor.py;
the same baseline ../shared/bench-anchors uses). For each load row: A and fakesapcc warm up,
then A B A B A B runs of ``wrk -t2 -c16 --latency`` (a keep-alive Python client when wrk is not
installed); every figure is the median, and the ratio is fakesapcc/A per adjacent pair. Cold
starts are interleaved A B A B … and their medians compared. The 100k rows load a generated
data set (``fakesapcc generate``) into a fresh server. Absolute numbers depend on the machine
(wrk shares the cores with the servers): read the ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = "electronics-spa"
CUSTOMER = "mark.rivers@pronto-hw.com"
CLIENT = ("mobile_android", "secret")
OCC = f"/occ/v2/{SITE}"
ASM = "/assistedservicewebservices"
WRK = shutil.which("wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    cmd: list[str]
    ready_path: str
    port: int = 0
    proc: subprocess.Popen | None = None
    started: float = 0.0
    ready_after: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> "Server":
        self.port = free_port()
        cmd = [c.replace("{port}", str(self.port)) for c in self.cmd]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, env=server_env(),
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        while time.perf_counter() - self.started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as r:
                    if r.status == 200:
                        self.ready_after = time.perf_counter() - self.started
                        return self
            except OSError:
                pass
            time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None

    def pids(self) -> list[int]:
        """The server's process tree (its session: granian's worker too)."""
        pids = [self.proc.pid] if self.proc else []
        try:
            children = subprocess.run(["pgrep", "-s", str(self.proc.pid)], capture_output=True,
                                      text=True).stdout.split()
            pids = sorted({*pids, *map(int, children)})
        except (OSError, ValueError):
            pass
        return pids

    def cpu_s(self) -> float:
        """CPU time (user + system) the server's process tree has used so far, s (Linux)."""
        ticks = 0
        for pid in self.pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(stat[11]) + int(stat[12])
            except (OSError, IndexError, ValueError):
                pass
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        """RSS of the server's process tree, MiB."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024


def server_env() -> dict[str, str]:
    """The servers' environment: their bytecode cached (in the bench's own folder), as an
    installed fakesapcc's is (pip compiles it at install) and A's libraries' are. Under
    PYTHONDONTWRITEBYTECODE a start from the checkout compiles fakesapcc's ~200 modules every
    time (about 0.3 s), which no installed server does."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    folder = os.environ.get("FAKESAPCC_CACHE_DIR") or os.path.join(tempfile.gettempdir(),
                                                                    "fakesapcc-bench")
    env.setdefault("PYTHONPYCACHEPREFIX", os.path.join(folder, "pyc"))
    return env


def anchor() -> Server:
    return Server("A", [sys.executable, str(ROOT / "bench" / "anchor.py"), "{port}"], "/small")


def fakesapcc(*extra: str) -> Server:
    return Server("fakesapcc", [sys.executable, "-c", "from fakesapcc.cli import main; main()",
                                "serve", "--port", "{port}", *extra], "/_fakesapcc/ready")


# -- HTTP helpers --------------------------------------------------------------------------------


def call(url: str, method: str = "GET", data: bytes | None = None,
         headers: dict[str, str] | None = None) -> dict:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
        return json.loads(body) if body else {}


def token(base: str, username: str, password: str) -> str:
    form = (f"grant_type=password&client_id={CLIENT[0]}&client_secret={CLIENT[1]}"
            f"&username={username}&password={password}").encode()
    return call(base + "/authorizationserver/oauth/token", "POST", form,
                {"Content-Type": "application/x-www-form-urlencoded"})["access_token"]


# -- load ----------------------------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50: float  # ms
    p99: float  # ms
    errors: int = 0


@dataclass
class Target:
    path: str
    method: str = "GET"
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([0-9.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def wrk(base: str, target: Target, seconds: int, connections: int = 16) -> Load:
    script = None
    if target.method != "GET" or target.body or target.headers:
        lines = [f'wrk.method = "{target.method}"']
        if target.body is not None:
            lines.append(f"wrk.body = {json.dumps(target.body)}")
        for k, v in target.headers.items():
            lines.append(f'wrk.headers[{json.dumps(k)}] = {json.dumps(v)}')
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write("\n".join(lines) + "\n")
        script.close()
    cmd = [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "--latency"]
    if script:
        cmd += ["-s", script.name]
    out = subprocess.run(cmd + [base + target.path], capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    if script:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors += sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Load(rps, p50, p99, errors)


def python_load(base: str, target: Target, seconds: int, connections: int = 16) -> Load:
    """wrk's job with keep-alive http.client connections in threads (when wrk is missing),
    each closed at the end."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        mine = []
        try:
            while time.perf_counter() < stop:
                start = time.perf_counter()
                conn.request(target.method, target.path, body=target.body,
                             headers=target.headers)
                response = conn.getresponse()
                response.read()
                mine.append((time.perf_counter() - start) * 1000)
                if response.status >= 300:
                    errors[0] += 1
        finally:
            conn.close()  # a connection left open holds one of granian's few slots
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return Load(len(latencies) / seconds, latencies[len(latencies) // 2],
                latencies[int(len(latencies) * 0.99)], errors[0])


def load(base: str, target: Target, seconds: int) -> Load:
    return (wrk if WRK else python_load)(base, target, seconds)


# -- the table -----------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    value: str
    baseline: str
    ratio: str
    target: str
    notes: str = ""


def pairs(a: Server, b: Server, a_target: Target, b_target: Target, seconds: int,
          reps: int, warm: int) -> tuple[list[Load], list[Load]]:
    load(a.base, a_target, warm)
    load(b.base, b_target, warm)
    runs_a, runs_b = [], []
    for _ in range(reps):
        runs_a.append(load(a.base, a_target, seconds))
        runs_b.append(load(b.base, b_target, seconds))
    return runs_a, runs_b


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_row(label: str, target_text: str, runs_a: list[Load], runs_b: list[Load]) -> Row:
    ratio = median([b.rps / a.rps for a, b in zip(runs_a, runs_b)])
    p99 = median([b.p99 / a.p99 for a, b in zip(runs_a, runs_b)])
    p50 = median([b.p50 / a.p50 for a, b in zip(runs_a, runs_b)])
    errors = sum(b.errors for b in runs_b)
    return Row(label, f"{median([b.rps for b in runs_b]):.0f} req/s, p50 "
               f"{median([b.p50 for b in runs_b]):.2f} ms, p99 {median([b.p99 for b in runs_b]):.2f} ms",
               f"{median([a.rps for a in runs_a]):.0f} req/s, p99 {median([a.p99 for a in runs_a]):.2f} ms",
               f"{ratio:.2f}× A (p50 {p50:.2f}×, p99 {p99:.2f}×)", target_text,
               f"{errors} non-2xx" if errors else "")


def cold_starts(reps: int, *servers: Server) -> tuple[dict[str, list[float]],
                                                      dict[str, list[float]]]:
    """Each server started ``reps`` times, interleaved: the seconds to ready, and the CPU
    seconds its processes had used by then."""
    times: dict[str, list[float]] = {s.name: [] for s in servers}
    cpu: dict[str, list[float]] = {s.name: [] for s in servers}
    for _ in range(reps):
        for server in servers:
            server.start()
            times[server.name].append(server.ready_after)
            cpu[server.name].append(server.cpu_s())
            server.stop()
    return times, cpu


def cold_row(path: str, reps: int, a: Server, b: Server, target: str, note: str) -> Row:
    times, cpu = cold_starts(reps, a, b)
    ta, tb = median(times["A"]), median(times["fakesapcc"])
    ca, cb = median(cpu["A"]), median(cpu["fakesapcc"])
    return Row(path, f"{tb * 1000:.0f} ms", f"{ta * 1000:.0f} ms", f"{tb / ta:.2f}× A", target,
               f"{note}; CPU to ready {cb * 1000:.0f} ms, A's {ca * 1000:.0f} ms")


def generate(folder: Path, customers: int) -> None:
    subprocess.run([sys.executable, "-c", "from fakesapcc.cli import main; main()", "generate",
                    "--customers", str(customers), "--products", "0", "--orders", "0",
                    "--seed", "7", "-o", str(folder)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", help="comma list: cold,product,search,token,cart,asm,"
                                       "scale,rss,inprocess")
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    # the bench's seed cache: its own, so that it neither reads nor fills the user's
    cache = tempfile.mkdtemp(prefix="fakesapcc-bench-cache-")
    os.environ["FAKESAPCC_CACHE_DIR"] = cache
    seconds, reps, warm, cold_reps = (3, 1, 1, 2) if args.quick else (10, 3, 3, 5)
    # one start of each first, so that the measured ones find their bytecode compiled
    for server in (anchor(), fakesapcc()):
        server.start()
        server.stop()
    only = set((args.only or "cold,product,search,token,cart,asm,scale,rss,inprocess").split(","))
    rows: list[Row] = []
    a = anchor()
    b = fakesapcc()
    if "cold" in only:
        rows.append(cold_row("cold start to ready, default seed", cold_reps, a, b, "≤ 1.5×",
                             "the seed restored from the seed cache, as on every start after "
                             "the first"))
        rows.append(cold_row("cold start to ready, default seed, --no-seed-cache", cold_reps, a,
                             fakesapcc("--no-seed-cache"), "", "the seed's ImpEx parsed and loaded"))
    a.start()
    b.start()
    try:
        small = Target("/small")
        customer = token(b.base, CUSTOMER, "Password123!")
        bearer = {"Authorization": f"Bearer {customer}"}
        if "product" in only:
            runs = pairs(a, b, small, Target(f"{OCC}/products/300938", headers=bearer), seconds,
                         reps, warm)
            rows.append(load_row("authenticated GET products/{code}", "≥ 0.6× A, p99 ≤ 2×", *runs))
        if "search" in only:
            runs = pairs(a, b, small, Target(f"{OCC}/products/search?query=camera"), seconds,
                         reps, warm)
            rows.append(load_row("GET products/search?query=camera", "≥ 0.3× A", *runs))
        if "token" in only:
            form = (f"grant_type=password&client_id={CLIENT[0]}&client_secret={CLIENT[1]}"
                    f"&username={CUSTOMER}&password=Password123!")
            runs = pairs(a, b, small, Target("/authorizationserver/oauth/token", "POST", form,
                                             {"Content-Type": "application/x-www-form-urlencoded"}),
                         seconds, reps, warm)
            rows.append(load_row("password-grant token POST", "≥ 0.6× A", *runs))
        if "cart" in only:
            cart = call(f"{b.base}{OCC}/users/current/carts", "POST", b"", bearer)["code"]
            call(f"{b.base}/_fakesapcc/impex", "POST",
                 b"INSERT_UPDATE StockLevel;productCode[unique=true];warehouse(code)[unique=true];"
                 b"available;inStockStatus(code)\n;300938;warehouse_e;1000000000;forceInStock\n",
                 {"Content-Type": "text/plain"})
            runs = pairs(a, b, small, Target(f"{OCC}/users/current/carts/{cart}/entries", "POST",
                                             json.dumps({"product": {"code": "300938"},
                                                         "quantity": 1}),
                                             {**bearer, "Content-Type": "application/json"}),
                         seconds, reps, warm)
            rows.append(load_row("add-to-cart POST", "≥ 0.5× A", *runs))
        if "asm" in only:
            agent = token(b.base, "asagent", "pw4all")
            runs = pairs(a, b, small, Target(f"{ASM}/customers/search?baseSite={SITE}&query=mar",
                                             headers={"Authorization": f"Bearer {agent}"}),
                         seconds, reps, warm)
            rows.append(load_row("ASM customers/search, default seed", "≥ 0.4× A", *runs))
        if "rss" in only:
            sizes = []
            form = (f"grant_type=password&client_id={CLIENT[0]}&client_secret={CLIENT[1]}"
                    f"&username={CUSTOMER}&password=Password123!")
            for _ in range(5):
                load(b.base, Target("/authorizationserver/oauth/token", "POST", form,
                                    {"Content-Type": "application/x-www-form-urlencoded"}), seconds)
                load(b.base, Target(f"{OCC}/products/300938", headers=bearer), seconds)
                sizes.append(b.rss_mib())
            spread = (max(sizes) - min(sizes)) / min(sizes) * 100
            rows.append(Row("RSS across 5 load runs incl. logins",
                            " → ".join(f"{x:.0f}" for x in sizes) + " MiB",
                            f"A {a.rss_mib():.0f} MiB", f"spread {spread:.1f} %", "flat ±5 %"))
    finally:
        a.stop()
        b.stop()
    if "scale" in only:
        rows += scale_rows(args.customers, seconds, reps, warm)
    if "inprocess" in only:
        rows += inprocess_rows(args.quick)
    print_table(rows)
    shutil.rmtree(cache, ignore_errors=True)
    return 0


def scale_rows(customers: int, seconds: int, reps: int, warm: int) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="fakesapcc-bench-") as folder:
        generate(Path(folder), customers)
        a = anchor().start()
        a_cold = a.ready_after
        first = fakesapcc("--impex", folder).start(timeout=900)  # loads, fills the seed cache
        first.stop()
        big = fakesapcc("--impex", folder).start(timeout=600)
        try:
            rows.append(Row(f"time to ready with {customers // 1000}k extra customers, first start",
                            f"{first.ready_after:.2f} s", f"A {a_cold * 1000:.0f} ms", "", "",
                            "the ImpEx parsed and loaded, then kept in the seed cache"))
            rows.append(Row(f"time to ready with {customers // 1000}k extra customers",
                            f"{big.ready_after:.2f} s", f"A {a_cold * 1000:.0f} ms", "", "≤ 2.5 s",
                            "restored from the seed cache"))
            rows.append(Row(f"RSS with {customers // 1000}k customers", f"{big.rss_mib():.0f} MiB",
                            f"A {a.rss_mib():.0f} MiB", "", "≤ 200 MiB"))
            agent = {"Authorization": f"Bearer {token(big.base, 'asagent', 'pw4all')}"}
            sample = call(f"{big.base}{ASM}/customers/search?baseSite={SITE}&pageSize=1"
                          f"&currentPage={customers // 2}", headers=agent)["entries"][0]
            last_name = sample["name"].split()[-1]
            search = Target(f"{ASM}/customers/search?baseSite={SITE}&query={last_name.lower()}",
                            headers=agent)
            single = Target(f"{OCC}/users/{sample['uid']}", headers=agent)
            load(big.base, search, warm)
            ratios, searched, got = [], [], []
            for _ in range(reps):
                s = load(big.base, search, seconds)
                g = load(big.base, single, seconds)
                ratios.append(s.p50 / g.p50)
                searched.append(s.p50)
                got.append(g.p50)
            rows.append(Row(f"ASM search at {customers // 1000}k customers vs a single-customer GET",
                            f"p50 {median(searched):.2f} ms (query '{last_name.lower()}')",
                            f"GET users/{{uid}} p50 {median(got):.2f} ms",
                            f"{median(ratios):.1f}×", "≤ 5×"))
        finally:
            big.stop()
            a.stop()
    return rows


def inprocess_rows(quick: bool) -> list[Row]:
    """Figures measured inside one process (bench/inprocess.py)."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "inprocess.py")]
                         + (["--quick"] if quick else []), cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    return [Row(**row) for row in json.loads(out)]


def print_table(rows: list[Row]) -> None:
    print("| path | fakesapcc | baseline | ratio | target | notes |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.label} | {r.value} | {r.baseline} | {r.ratio} | {r.target} | {r.notes} |")
    print(f"\nload: {'wrk -t2 -c16' if WRK else 'Python keep-alive client, 16 connections'}; "
          f"A = bare Flask + waitress threads=8, ~300 B JSON (bench/anchor.py)")


if __name__ == "__main__":
    raise SystemExit(main())
