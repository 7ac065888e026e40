"""In-process figures for bench/load.py (printed as JSON rows): reset, ImpEx rows/s for
generated customers and products, the ``fields`` projection of a FULL product, and the ASM
customer search at 100k customers — each beside a baseline measured in the same run."""
from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fakesapcc.testing import FakeSAPCC  # noqa: E402


def best(fn, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(label, value, baseline, ratio, target, notes=""):
    return {"label": label, "value": value, "baseline": baseline, "ratio": ratio,
            "target": target, "notes": notes}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    customers, products = (20_000, 5_000) if args.quick else (100_000, 20_000)
    rows = []
    sap = FakeSAPCC(live=False)
    rt = sap.runtime
    state = rt.db.state
    reset = best(rt.reset, 20)
    deep = best(lambda: copy.deepcopy(state), 5)
    rows.append(row("reset of the default seed", f"{reset * 1000:.2f} ms",
                    f"deepcopy {deep * 1000:.2f} ms", f"{reset / deep:.2f}×", "< 20 ms"))
    client = sap.client
    url = "/occ/v2/electronics-spa/products/300938"
    client.get(url + "?fields=FULL")
    full = best(lambda: client.get(url + "?fields=FULL"), 200)
    basic = best(lambda: client.get(url + "?fields=BASIC"), 200)
    rows.append(row("GET a FULL product, in process", f"{full * 1e6:.0f} µs",
                    f"BASIC {basic * 1e6:.0f} µs", f"{full / basic:.2f}×", ""))
    from fakesapcc.generate import generate
    from fakesapcc.impex.loader import load_paths

    with tempfile.TemporaryDirectory() as folder:
        written = generate(Path(folder), customers=customers, products=products, seed=7,
                           progress=False)
        for path in written:
            walls, cpus = [], []
            for _ in range(1 if args.quick else 3):  # the median of three: the cores are shared
                rt.reset()
                start, cpu = time.perf_counter(), time.process_time()
                report = load_paths(rt.db, [path])
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu)
                assert report.ok, [str(e) for e in report.errors][:3]
            seconds, cpu = statistics.median(walls), statistics.median(cpus)
            lines = sum(1 for line in path.open(encoding="utf-8") if line.startswith(";"))
            import csv

            start = time.perf_counter()
            with path.open(encoding="utf-8") as f:
                for _ in csv.reader(f, delimiter=";"):
                    pass
            plain = time.perf_counter() - start
            rows.append(row(f"ImpEx parse and load, {path.name}", f"{lines / seconds:,.0f} rows/s",
                            f"csv.reader {lines / plain:,.0f} rows/s",
                            f"{seconds / plain:.1f}× slower", "≥ 100k rows/s",
                            f"{lines:,} rows; {lines / cpu:,.0f} rows/s of CPU time"))
        rt.reset()
        load_paths(rt.db, [p for p in written if "customers" in p.name])
        agent = sap.agent_token()
        headers = {"Authorization": f"Bearer {agent}"}
        sample = next(p for p in rt.db.state.principals.values()
                      if p.uid.endswith(f".{customers // 2}@example.com"))
        query = sample.name.split()[-1].lower()
        asm = f"/assistedservicewebservices/customers/search?baseSite=electronics-spa&query={query}"
        one = f"/occ/v2/electronics-spa/users/{sample.uid}"
        client.get(asm, headers=headers)
        search = best(lambda: client.get(asm, headers=headers), 20)
        single = best(lambda: client.get(one, headers=headers), 50)
        rows.append(row(f"ASM search at {customers // 1000}k customers, in process",
                        f"{search * 1000:.2f} ms", f"GET users/{{uid}} {single * 1000:.2f} ms",
                        f"{search / single:.1f}×", "≤ 5×"))
    json.dump(rows, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
