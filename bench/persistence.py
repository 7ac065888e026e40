"""The cost of ``--state-file``: product GET and add-to-cart throughput with it and without it,
measured side by side in one run; and what one flush of the state file costs.

    python bench/persistence.py            # 3 × 10 s per row and server
    python bench/persistence.py --quick    # 1 × 3 s, for a smoke test

Two servers run the default seed, one with ``--state-file`` (in a temporary folder), one
without; the runs alternate (without, with; with, without; …) under the same load as
bench/load.py (``wrk -t2 -c16``, or its Python client when wrk is missing). The ratio is
with/without per adjacent pair, the median of them; the target is within 10 %. The flush
figures come from the write-behind itself, in process: the time of a flush after one cart
changed (the catalog's JSON is kept from the flush before) and of the first, whole flush.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import (CUSTOMER, OCC, WRK, Target, call, fakesapcc, load, median,  # noqa: E402
                  token)


def flush_costs(runs: int) -> tuple[float, float, int]:
    """(first whole flush ms, median flush after one cart changed ms, file bytes)."""
    from fakesapcc.testing import FakeSAPCC

    with tempfile.TemporaryDirectory(prefix="fakesapcc-bench-") as folder:
        path = Path(folder) / "state.json"
        sap = FakeSAPCC(live=False, state_file=str(path))
        persister = sap.runtime.persister
        persister._stop.set()  # flushes here only
        first = persister.last_flush_ms
        client = sap.client
        times = []
        for _ in range(runs):
            client.post(f"{OCC}/users/anonymous/carts")
            persister.flush()
            times.append(persister.last_flush_ms)
        size = path.stat().st_size
        sap.stop()
    return first, statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    seconds, reps, warm = (3, 1, 1) if args.quick else (10, 3, 3)
    first, after_cart, size = flush_costs(5 if args.quick else 20)
    rows = []
    with tempfile.TemporaryDirectory(prefix="fakesapcc-bench-") as folder:
        state_file = str(Path(folder) / "state.json")
        plain = fakesapcc().start()
        kept = fakesapcc("--state-file", state_file).start()
        kept.name = "kept"
        try:
            targets = {}
            for server in (plain, kept):
                bearer = {"Authorization": f"Bearer {token(server.base, CUSTOMER, 'Password123!')}"}
                cart = call(f"{server.base}{OCC}/users/current/carts", "POST", b"", bearer)["code"]
                call(f"{server.base}/_fakesapcc/impex", "POST",
                     b"INSERT_UPDATE StockLevel;productCode[unique=true];warehouse(code)"
                     b"[unique=true];available;inStockStatus(code)\n;300938;warehouse_e;"
                     b"1000000000;forceInStock\n", {"Content-Type": "text/plain"})
                targets[server.name, "product"] = Target(f"{OCC}/products/300938",
                                                         headers=bearer)
                targets[server.name, "cart"] = Target(
                    f"{OCC}/users/current/carts/{cart}/entries", "POST",
                    json.dumps({"product": {"code": "300938"}, "quantity": 1}),
                    {**bearer, "Content-Type": "application/json"})
            for label, key in (("authenticated GET products/{code}", "product"),
                               ("add-to-cart POST", "cart")):
                a_target = targets["fakesapcc", key]
                b_target = targets["kept", key]
                load(plain.base, a_target, warm)
                load(kept.base, b_target, warm)
                without, with_ = [], []
                for rep in range(reps):  # A B, B A, A B …: neither always runs first
                    if rep % 2:
                        with_.append(load(kept.base, b_target, seconds))
                        without.append(load(plain.base, a_target, seconds))
                    else:
                        without.append(load(plain.base, a_target, seconds))
                        with_.append(load(kept.base, b_target, seconds))
                ratio = median([b.rps / a.rps for a, b in zip(without, with_)])
                errors = sum(r.errors for r in without + with_)
                rows.append((label, median([a.rps for a in without]),
                             median([b.rps for b in with_]), ratio, errors))
            written = Path(state_file).stat().st_size
        finally:
            plain.stop()
            kept.stop()
    print("| path | without --state-file | with --state-file | ratio | target |")
    print("|---|---|---|---|---|")
    for label, a, b, ratio, errors in rows:
        note = f" ({errors} non-2xx)" if errors else ""
        print(f"| {label} | {a:.0f} req/s | {b:.0f} req/s{note} | {ratio:.2f}× | "
              f"≥ 0.90× ({'met' if ratio >= 0.9 else 'MISSED'}) |")
    print(f"\nflush of the default seed: first (whole) {first:.1f} ms, after one cart changed "
          f"{after_cart:.1f} ms (median); the file {size / 1024:.0f} KiB "
          f"({written / 1024:.0f} KiB after the load runs)")
    print(f"load: {'wrk -t2 -c16' if WRK else 'Python keep-alive client, 16 connections'}, "
          f"{reps} × {seconds} s per server and row, alternating")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
