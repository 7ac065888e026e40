"""fakesapcc benchmarks: one command, each figure beside a baseline measured in the same run.

    python bench/run.py            # full run
    python bench/run.py --quick    # smaller sizes, for a smoke test

- cold start: process start until /_fakesapcc/ready answers 200, against an empty Flask app
  served by the same WSGI server until it answers;
- ImpEx: rows/s parsing and loading a generated 100,000-row Product file, against a plain
  ``csv.reader`` pass over the same file;
- snapshot and restore of the default seed, against ``copy.deepcopy`` of the same state.
"""
from __future__ import annotations

import argparse
import copy
import csv
import io
import os
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fakesapcc.impex.loader import load_paths, load_text  # noqa: E402
from fakesapcc.impex.parser import parse  # noqa: E402
from fakesapcc.runtime import default_data_dir  # noqa: E402
from fakesapcc.db import Db  # noqa: E402

EMPTY_APP = textwrap.dedent("""
    import sys
    from flask import Flask
    from waitress import serve
    app = Flask("empty")
    @app.get("/ready")
    def ready():
        return "ok"
    serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_until_ok(cmd: list[str], url: str, timeout: float = 60) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - start < timeout:
            try:
                if requests.get(url, timeout=0.5).status_code == 200:
                    return (time.perf_counter() - start) * 1000
            except requests.RequestException:
                pass
            time.sleep(0.005)
        raise RuntimeError(f"{cmd} did not get ready")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def bench_cold_start(runs: int) -> tuple[float, float]:
    ours, base = [], []
    for _ in range(runs):
        port = free_port()
        ours.append(time_until_ok([sys.executable, "-m", "fakesapcc.cli", "serve", "--port", str(port)],
                                  f"http://127.0.0.1:{port}/_fakesapcc/ready"))
        port = free_port()
        base.append(time_until_ok([sys.executable, "-c", EMPTY_APP, str(port)],
                                  f"http://127.0.0.1:{port}/ready"))
    return statistics.median(ours), statistics.median(base)


def generate_impex(rows: int) -> str:
    out = io.StringIO()
    out.write("$catalogVersion=catalogversion(catalog(id[default=benchCatalog]),version[default='Online'])"
              "[unique=true,default=benchCatalog:Online]\n")
    out.write("INSERT_UPDATE Catalog;id[unique=true]\n;benchCatalog\n")
    out.write("INSERT_UPDATE CatalogVersion;catalog(id)[unique=true];version[unique=true];active\n"
              ";benchCatalog;Online;true\n")
    out.write("INSERT_UPDATE Product;code[unique=true];$catalogVersion;name[lang=en];ean;"
              "manufacturerName;approvalStatus(code)\n")
    for i in range(rows):
        out.write(f";P{i:07d};;Product number {i};40{i:011d};Maker {i % 97};approved\n")
    return out.getvalue()


def bench_impex(rows: int, repeat: int = 3) -> dict[str, float]:
    """Medians of ``repeat`` runs each (the cores are shared)."""
    text = generate_impex(rows)
    parses, loads, plains = [], [], []
    for _ in range(repeat):
        start = time.perf_counter()
        parsed = parse(text, file="bench.impex")
        parses.append(time.perf_counter() - start)
        assert not parsed.errors
        store = Db()
        start = time.perf_counter()
        report = load_text(store, text, "bench.impex")
        loads.append(time.perf_counter() - start)
        assert report.loaded and len(store.state.products) == rows
        start = time.perf_counter()
        n = sum(1 for _ in csv.reader(io.StringIO(text), delimiter=";"))
        plains.append(time.perf_counter() - start)
        assert n >= rows
    median = statistics.median
    return {"parse": rows / median(parses), "load": rows / median(loads),
            "csv": rows / median(plains)}


def bench_snapshot(repeat: int) -> dict[str, float]:
    store = Db()
    assert load_paths(store, [default_data_dir()]).ok
    snaps, restores, deep = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        snap = store.snapshot()
        snaps.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.restore(snap)
        restores.append(time.perf_counter() - t)
        t = time.perf_counter()
        copy.deepcopy(store.state)
        deep.append(time.perf_counter() - t)
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    return {"snapshot": ms(snaps), "restore": ms(restores), "deepcopy": ms(deep),
            "bytes": len(snap)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows = 10_000 if args.quick else 100_000
    runs = 1 if args.quick else 5

    print(f"fakesapcc bench (python {sys.version.split()[0]}, {os.cpu_count()} cpu)")
    ours, base = bench_cold_start(runs)
    print(f"cold start to ready        {ours:8.0f} ms   | empty Flask app {base:6.0f} ms   | ratio {ours / base:5.2f}x")
    r = bench_impex(rows, 1 if args.quick else 3)
    print(f"ImpEx parse ({rows} rows) {r['parse']:9.0f} rows/s | csv.reader {r['csv']:9.0f} rows/s | ratio {r['csv'] / r['parse']:5.1f}x slower")
    print(f"ImpEx parse+load           {r['load']:9.0f} rows/s | csv.reader {r['csv']:9.0f} rows/s | ratio {r['csv'] / r['load']:5.1f}x slower | target >= 100000 rows/s"
          f" ({'met' if r['load'] >= 100_000 else 'missed'})")
    s = bench_snapshot(5 if args.quick else 20)
    print(f"snapshot default seed      {s['snapshot']:8.2f} ms   | deepcopy {s['deepcopy']:8.2f} ms | ratio {s['snapshot'] / s['deepcopy']:5.2f}x ({s['bytes'] / 1024:.0f} KiB)")
    print(f"restore (= reset) default  {s['restore']:8.2f} ms   | deepcopy {s['deepcopy']:8.2f} ms | ratio {s['restore'] / s['deepcopy']:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
