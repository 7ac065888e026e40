"""The row writers compiled per header (``impex.compiled``) load exactly what the general path
loads: the same items with the same values, the same messages on the same lines, the same
counts — over the default seed, the public sample files, a generated data set, and a file made
of the rows a compiled writer hands back to the general path."""
from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from fakesapcc.db import Db
from fakesapcc.generate import generate
from fakesapcc.impex import compiled, loader
from fakesapcc.impex.loader import load_paths, load_text
from fakesapcc.seedfiles import impex_files

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "impex-samples"
NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

EDGE = """\
$cv=catalogVersion(catalog(id[default=electronicsProductCatalog]),version[default='Online'])[unique=true,default=electronicsProductCatalog:Online]
INSERT_UPDATE Customer;uid[unique=true];name;customerId;groups(uid)[mode=append];sessionLanguage(isocode);loginDisabled;creationtime[dateformat=yyyy-MM-dd'T'HH:mm:ss]
;edge1@example.com;Edge One;cid-1;customergroup;en;false;2024-01-02T03:04:05
;EDGE1@example.com;Edge Again;;customergroup,laterGroup;en;maybe;
;edge2@example.com;<null>;cid-2;;de;;
;edge7@example.com;Seven;cid-7;;de;;2024-02-30T00:00:00
;edge3@example.com;<ignore>;;;xx;true;
;;No Uid;;;;;
;edge4@example.com;Four;cid-1;(+)customergroup;en;ja;2024-05-06T07:08:09
B2BCustomer;edge5@example.com;Five;cid-5;customergroup;en;;
INSERT Customer;uid[unique=true];name
;edge1@example.com;Insert Existing
;edge6@example.com;Six
UPDATE Customer;uid[unique=true];name;sessionLanguage(isocode)
;nobody@example.com;X;en
;edge2@example.com;;en
;edge2@example.com;Two;de
;edge4@example.com;<null>;ja
INSERT_UPDATE UserGroup;uid[unique=true];locname[lang=en]
;laterGroup;Later
INSERT Address;&a;owner(Customer.uid);firstname;town;country(isocode);shippingAddress;phone1
;a1;edge1@example.com;A;Town;US;true;1
;a2;missing@example.com;B;Town;US;ja;2
;a3;edge2@example.com;C;Town;ZZ;nein;3
;a4;forward@example.com;D;Town;DE;;4
;a5;EDGE4@EXAMPLE.COM;E;<null>;US;y;5
;a6;asagent;F;Town;JP;n;6
UPDATE Customer;uid[unique=true];defaultShipmentAddress(&a);defaultPaymentAddress(&a)
;edge1@example.com;a1;a1
;edge2@example.com;a9;a3
;forward@example.com;a4;
INSERT_UPDATE Customer;uid[unique=true];name
;forward@example.com;Forward
REMOVE Title;code[unique=true]
;dr
INSERT_UPDATE Customer;uid[unique=true];title(code);name
;edge6@example.com;dr;Six again
;edge6@example.com;mr;Six with a title
INSERT_UPDATE Category;code[unique=true];$cv;name[lang=en];name[lang=de];supercategories(code,$cv)
;edgecat;;Edge;Kante;brands
;edgecat2;;Edge 2;;edgecat,nosuchcat
;edgecat3;;;;(-)brands
INSERT_UPDATE Product;code[unique=true];$cv;name[lang=en];unit(code)[default=pieces];approvalStatus(code)[default=approved];supercategories(code,$cv);onlineDate[dateformat=dd.MM.yyyy]
;edge-p1;;Edge product;;;edgecat;01.02.2024
;edge-p1;;Edge product again;;check;edgecat2,edgecat;
;edge-p2;electronicsProductCatalog:Staged;Staged product;;;;31.02.2024
;edge-p3;;;;;;
INSERT PriceRow;product(code,$cv);currency(isocode);price;minqtd[default=1];unit(code)[default=pieces];net[default=false]
;edge-p1;USD;12.5;;;
;edge-p1;EUR;1,5;;;
;edge-p9;USD;3;;;
;edge-p1;JPY;abc;;;
INSERT_UPDATE StockLevel;productCode[unique=true];warehouse(code)[unique=true];available;inStockStatus(code)[default=notSpecified]
;edge-p1;warehouse_e;5;
;edge-p1;warehouse_e;7;forceInStock
;edge-p1;nosuchwarehouse;1;
"""


@pytest.fixture
def frozen(monkeypatch):
    """The load's clock and Order guids fixed, so that two loads can be compared."""
    class Fixed(datetime):
        @classmethod
        def now(cls, tz=None):
            return NOW

    monkeypatch.setattr(loader, "datetime", Fixed)
    counter = itertools.count()
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))

    def reset():
        nonlocal counter
        counter = itertools.count()
        monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
    return reset


def _both(monkeypatch, frozen, load):
    """What ``load(db)`` leaves with the compiled writers and with the general path alone."""
    results = []
    for compiled in (True, False):
        monkeypatch.setattr(loader, "COMPILED", compiled)
        frozen()
        db = Db()
        report = load(db)
        files = getattr(report, "files", [report])
        results.append((db.state, [str(d) for f in files for d in f.diagnostics], _counts(report)))
    return results


def _counts(report):
    files = getattr(report, "files", [report])
    return [(dict(f.counts), dict(f.skipped), f.loaded) for f in files]


def _assert_same(results):
    (state_c, diags_c, counts_c), (state_g, diags_g, counts_g) = results
    assert diags_c == diags_g
    assert counts_c == counts_g
    for name in state_g.__dataclass_fields__:
        assert getattr(state_c, name) == getattr(state_g, name), name


def _seed(db):
    return load_paths(db, [ROOT / "impex"], stop_on_error=False)


def test_the_default_seed_and_the_samples_load_the_same(monkeypatch, frozen):
    def load(db):
        seed = _seed(db)
        samples = load_paths(db, impex_files([SAMPLES]), stop_on_error=False)
        seed.files += samples.files
        return seed
    _assert_same(_both(monkeypatch, frozen, load))


def test_a_generated_data_set_loads_the_same(monkeypatch, frozen, tmp_path):
    generate(tmp_path, customers=300, products=120, orders=60, seed=3, progress=False)

    def load(db):
        return load_paths(db, [ROOT / "impex", tmp_path], stop_on_error=False)
    results = _both(monkeypatch, frozen, load)
    _assert_same(results)
    assert len([c for c in results[0][0].principals if "@" in c]) > 300


def test_rows_handed_back_to_the_general_path_load_the_same(monkeypatch, frozen):
    def load(db):
        _seed(db)
        return load_text(db, EDGE, "edge.impex")
    results = _both(monkeypatch, frozen, load)
    _assert_same(results)
    diags = results[1][1]
    assert any("is not a boolean" in d for d in diags), diags  # the file is refused whole


def test_a_file_that_loads_with_warnings_writes_the_same(monkeypatch, frozen):
    text = "\n".join(line for line in EDGE.splitlines()
                     if not any(bad in line for bad in ("maybe", "02-30", "abc", "31.02",
                                                        ";1,5;", "a9")))

    def load(db):
        _seed(db)
        return load_text(db, text, "edge.impex")
    results = _both(monkeypatch, frozen, load)
    _assert_same(results)
    state, diags, counts = results[0]
    assert counts[0][2], diags  # loaded
    assert diags and all(": warning:" in d for d in diags)
    assert state.principals["edge1@example.com"].defaultShipmentAddress is not None
    assert state.principals["forward@example.com"].name == "Forward"
    assert state.principals["edge6@example.com"].title == "mr"


# ------------------------------------------------------------- chunk writers: rows by columns

CHUNKS = """\
INSERT_UPDATE UserGroup;uid[unique=true];groups(uid)
;chunkgroup1;customergroup
;chunkgroup2;chunkgroup1
;chunkgroup3;customergroup
INSERT_UPDATE Customer;uid[unique=true];customerId;name;title(code);password[default=Secret1!];groups(uid)[mode=append];creationtime[dateformat=yyyy-MM-dd'T'HH:mm:ss]
;c1@example.com;cid-c1;One;mr;;customergroup;2024-01-02T03:04:05
;c2@example.com;cid-c2;;dr;;customergroup,chunkgroup1;2024-01-02T03:04:06
;c3@example.com;cid-c3;Three;;plain:pw;customergroup;2024-01-02T03:04:07
;C1@example.com;cid-c1b;One Again;ms;;chunkgroup3;2024-01-02T03:04:08
;c4@example.com;cid-c4;Four;mr;;customergroup;2024-01-02T03:04:09
;c5@example.com;cid-c5;Five;mrs;;customergroup;2024-01-02T03:04:10
;keenan.reichel@hybris.com;cid-taken;Taken;mr;;customergroup;2024-01-02T03:04:11
;c6@example.com;cid-c6;Six;mr;;customergroup;2024-01-02T03:04:12
;c7@example.com;cid-c7;Seven;mr;;customergroup;2024-01-02T03:04:13
INSERT Address;&a;owner(Customer.uid);firstname;lastname;town;country(isocode);phone1
;a1;c1@example.com;A;Lee;Town;US;1
;a2;c2@example.com;B;;Town;US;2
;a3;c3@example.com;C;Lee;Town;DE;
;a1;c4@example.com;D;Lee;Town;US;4
;a5;c5@example.com;E;Lee;Town;US;5
;a6;c6@example.com;F;Lee;Town;JP;6
UPDATE Customer;uid[unique=true];defaultShipmentAddress(&a);name
;c1@example.com;a1;One Updated
;c2@example.com;a2;Two
;c3@example.com;a3;Three Updated
;c4@example.com;a5;Four Updated
;c4@example.com;a6;Four Twice
;c5@example.com;a5;Five
;c6@example.com;a6;Six
INSERT Address;&b;owner(Customer.uid);firstname;town;country(isocode)
;b1;c7@example.com;G;Town;US
UPDATE Customer;uid[unique=true];defaultPaymentAddress(&b)
;c7@example.com;b1
$cv=catalogVersion(catalog(id[default=electronicsProductCatalog]),version[default='Online'])[unique=true,default=electronicsProductCatalog:Online]
INSERT_UPDATE Product;code[unique=true];$cv;onlineDate[dateformat=yyyy-MM-dd];offlineDate[dateformat=yyyy-MM-dd HH:mm:ss]
;chunk-p1;;2024-01-02;2025-01-02 03:04:05
;chunk-p2;;2024-02-29;2025-02-03 04:05:06
;chunk-p3;;2024-03-04;2025-03-04 05:06:07
"""


@pytest.fixture
def taken(monkeypatch):
    """The rows chunk writers wrote (every block has one, however short)."""
    monkeypatch.setattr(compiled, "CHUNK_MIN", 1)
    rows = []
    count = compiled._count_rows
    monkeypatch.setattr(compiled, "_count_rows", lambda env, n: (rows.append(n), count(env, n)))
    return rows


@pytest.mark.parametrize("size", [1, 2, 3, 2048])
def test_chunk_writers_load_what_the_general_path_loads(monkeypatch, frozen, taken, size):
    monkeypatch.setattr(compiled, "CHUNK_ROWS", size)

    def load(db):
        _seed(db)
        return load_text(db, CHUNKS, "chunks.impex")
    results = _both(monkeypatch, frozen, load)
    _assert_same(results)
    state, diags, counts = results[0]
    assert counts[0][2], diags
    assert taken  # some chunks written by columns (and, below 2048, some handed back)
    assert state.principals["c4@example.com"].name == "Four Twice"
    assert state.principals["c1@example.com"].name == "One Updated"
    assert "chunkgroup3" in state.principals["c1@example.com"].groups
    product = next(p for p in state.products.values() if p.code == "chunk-p2")
    assert product.onlineDate == datetime(2024, 2, 29, tzinfo=timezone.utc)
    assert product.offlineDate == datetime(2025, 2, 3, 4, 5, 6, tzinfo=timezone.utc)


def test_a_generated_data_set_is_written_by_chunks(monkeypatch, frozen, tmp_path, taken):
    generate(tmp_path, customers=300, products=120, orders=60, seed=3, progress=False)
    monkeypatch.setattr(compiled, "CHUNK_ROWS", 64)

    def load(db):
        return load_paths(db, [ROOT / "impex", tmp_path], stop_on_error=False)
    _assert_same(_both(monkeypatch, frozen, load))
    assert sum(taken) > 3 * 300  # customers, their addresses and their default addresses
