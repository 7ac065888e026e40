"""Files parsed ahead by a child process (``impex.ahead``) are the files parsed here: the same
blocks, rows, line numbers and messages, the same load; a load that stops early stops it."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fakesapcc.db import Db
from fakesapcc.generate import generate
from fakesapcc.impex import ahead
from fakesapcc.impex.loader import load_paths
from fakesapcc.runtime import item_counts
from fakesapcc.seedfiles import impex_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "impex-samples"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="parsed ahead on Linux")


@pytest.fixture(autouse=True)
def always(monkeypatch):
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)  # small files parsed ahead too


def _same(a, b):
    assert type(a) is type(b)
    if isinstance(a, str):
        assert a == b
        return
    assert a.file == b.file and a.diagnostics == b.diagnostics
    assert [(x.header, list(x.rows)) for x in a.blocks] == \
        [(y.header, list(y.rows)) for y in b.blocks]
    assert all(row.header is block.header for block in a.blocks for row in block.rows
               if row.header == block.header)


def test_each_file_parsed_ahead_is_the_file_parsed_here(tmp_path):
    broken = tmp_path / "broken.impex"
    broken.write_bytes(b"INSERT_UPDATE Customer;uid[unique=true]\n;\xff\n")
    odd = tmp_path / "odd.impex"
    odd.write_text('INSERT_UPDATE Customer;uid[unique=true];name\n;"a;b@example.com";"two\n'
                   'lines"\n;c@example.com\nB2BCustomer;d@example.com;D\n;"unterminated\n')
    paths = [*impex_files([ROOT / "impex", SAMPLES]), broken, odd, tmp_path / "gone.impex"]
    received = ahead.parsed_ahead(paths, {"some.key": "v"})
    assert received is not None
    for path, parsed in zip(paths, received, strict=True):
        _same(parsed, ahead.read_and_parse(path, {"some.key": "v"}))


def test_a_load_with_files_parsed_ahead_loads_the_same(tmp_path):
    generate(tmp_path, customers=200, products=40, orders=30, seed=5, progress=False)
    paths = [ROOT / "impex", tmp_path]
    here, there = Db(), Db()
    report_here = load_paths(here, paths)
    report_there = load_paths(there, paths, parse_ahead=True)
    assert [str(d) for f in report_there.files for d in f.diagnostics] == \
        [str(d) for f in report_here.files for d in f.diagnostics]
    assert report_there.counts() == report_here.counts() and report_there.ok
    assert item_counts(there.state) == item_counts(here.state)
    assert there.state.principals.keys() == here.state.principals.keys()


def test_a_load_that_stops_early_stops_the_child(tmp_path, monkeypatch):
    first, bad, last = (tmp_path / f"{n}.impex" for n in ("1", "2", "3"))
    first.write_text("INSERT_UPDATE Customer;uid[unique=true];name\n;x@example.com;X\n")
    bad.write_text("INSERT_UPDATE Customer;uid[unique=true];creationtime[dateformat=yyyy]\n"
                   ";y@example.com;never\n")
    last.write_text("INSERT_UPDATE Customer;uid[unique=true];name\n;z@example.com;Z\n" * 5000)
    children = []
    received = ahead._received
    monkeypatch.setattr(ahead, "_received",
                        lambda pid, *a: children.append(pid) or received(pid, *a))
    report = load_paths(Db(), [first, bad, last], parse_ahead=True)
    assert not report.ok and len(report.files) == 2
    assert children
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # reaped: no process left behind


def test_a_child_that_fails_leaves_the_files_to_be_parsed_here(tmp_path, monkeypatch):
    paths = [tmp_path / f"{n}.impex" for n in range(3)]
    for n, path in enumerate(paths):
        path.write_text(f"INSERT_UPDATE Customer;uid[unique=true];name\n;c{n}@example.com;C\n")

    def broken(result):  # called in the child only
        raise RuntimeError("the child cannot send")
    monkeypatch.setattr(ahead, "_packed", broken)
    received = ahead.parsed_ahead(paths, {})
    assert received is not None
    for path, parsed in zip(paths, received, strict=True):
        _same(parsed, ahead.read_and_parse(path, {}))
    db = Db()
    assert load_paths(db, paths, parse_ahead=True).ok
    assert {f"c{n}@example.com" for n in range(3)} <= db.state.principals.keys()
