"""The seed cache: a second start on the same seed restores the state the first one loaded;
anything the load reads that changes is a new load; a damaged entry is loaded anew; a seed with
errors is never kept."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fakesapcc import pickling, seedcache
from fakesapcc.impex import loader
from fakesapcc.config import Config
from fakesapcc.impex.loader import ImpexLoadError
from fakesapcc.runtime import Runtime, default_data_dir, item_counts

SEED = """INSERT_UPDATE Customer;uid[unique=true];name;groups(uid)
;quokka@example.com;Quinn Quokka;customergroup
"""


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("FAKESAPCC_CACHE_DIR", str(folder))
    return folder / "seed"


def own_entries(cache):
    """The cache's entries for the tests' seeds: not the default data's own, which a start on
    the default data and more files writes too (``Runtime._base_seed``)."""
    base = str(default_data_dir())
    entries = []
    for entry in cache.glob("*.seed"):
        kept = seedcache.lookup(entry.stem)
        if kept is None or not all(f.file.startswith(base) for f in kept[0].files):
            entries.append(entry)
    return entries


def start(path, **settings) -> Runtime:
    rt = Runtime(Config(impex=[str(path)], **settings))
    rt.load_seed()
    return rt


def test_a_second_start_restores_what_the_first_loaded(tmp_path, cache, monkeypatch):
    seed = tmp_path / "s.impex"
    seed.write_text(SEED)
    first = start(seed)
    assert len(own_entries(cache)) == 1
    monkeypatch.setattr("fakesapcc.impex.loader.load_paths", lambda *a, **k: pytest.fail("loaded"))
    second = start(seed)
    assert second.db.state.principals["quokka@example.com"].name == "Quinn Quokka"
    assert second.seed_report.counts() == first.seed_report.counts()
    assert len(second.db.state.principals) == len(first.db.state.principals)
    second.db.state.principals["quokka@example.com"].name = "Changed"
    second.reset()  # reset goes back to the restored seed
    assert second.db.state.principals["quokka@example.com"].name == "Quinn Quokka"


RESTORED_START = """
import sys
from fakesapcc.cli import main
from fakesapcc.config import Config
from fakesapcc.app import create_app
create_app(Config(impex=[sys.argv[1]]))
engine = sorted(m for m in sys.modules if m.startswith("fakesapcc.impex.")
                and m not in ("fakesapcc.impex.report", "fakesapcc.impex.syntax"))
print(engine)
"""


def test_a_restored_start_does_not_import_the_impex_engine(tmp_path, cache):
    """The parser and loader are for a seed the cache misses (and ``/_fakesapcc/impex``):
    a start restored from the cache imports neither (the start's time)."""
    seed = tmp_path / "s.impex"
    seed.write_text(SEED)
    start(seed)
    run = subprocess.run([sys.executable, "-c", RESTORED_START, str(seed)], check=True,
                         capture_output=True, text=True)
    assert run.stdout.strip() == "[]", run.stdout


def test_a_seed_of_more_files_starts_from_the_default_datas_own_entry(tmp_path, cache,
                                                                     monkeypatch):
    first, second = tmp_path / "first.impex", tmp_path / "second.impex"
    first.write_text(SEED)
    second.write_text(SEED.replace("quokka", "wombat"))
    start(first)  # writes the default data's entry too
    loaded, load_paths = [], loader.load_paths
    monkeypatch.setattr(loader, "load_paths",
                        lambda db, paths, **k: loaded.append(list(paths)) or load_paths(db, paths,
                                                                                         **k))
    rt = start(second)
    assert loaded == [[second]]  # the default data restored, not loaded again
    assert [f.file for f in rt.seed_report.files][-1] == str(second)
    assert len(rt.seed_report.files) > 1  # the default data's files reported as loaded
    assert rt.db.state.principals["wombat@example.com"].name == "Quinn Quokka"
    whole = Runtime(Config(impex=[str(second)], seed_cache=False))
    whole.load_seed()
    assert item_counts(rt.db.state) == item_counts(whole.db.state)
    assert rt.seed_report.counts() == whole.seed_report.counts()


def test_a_changed_file_or_property_is_loaded_anew(tmp_path, cache):
    seed = tmp_path / "s.impex"
    seed.write_text(SEED)
    start(seed)
    seed.write_text(SEED.replace("Quinn", "Quentin"))
    assert start(seed).db.state.principals["quokka@example.com"].name == "Quentin Quokka"
    start(seed, properties={"toggle.customerList.enabled": "false"})
    assert len(own_entries(cache)) == 3


def test_a_damaged_entry_is_loaded_anew_and_written_again(tmp_path, cache):
    seed = tmp_path / "s.impex"
    seed.write_text(SEED)
    start(seed)
    entry = own_entries(cache)[0]
    entry.write_bytes(b"not a pickle")
    assert start(seed).db.state.principals["quokka@example.com"].name == "Quinn Quokka"
    assert seedcache.lookup(entry.stem) is not None


def test_no_seed_cache_writes_nothing(tmp_path, cache):
    seed = tmp_path / "s.impex"
    seed.write_text(SEED)
    start(seed, seed_cache=False)
    assert not cache.exists() or not own_entries(cache)


def test_a_seed_with_errors_is_never_kept(tmp_path, cache):
    seed = tmp_path / "bad.impex"
    seed.write_text("INSERT_UPDATE Customer;uid[unique=true];creationtime[dateformat=yyyy-MM-dd]\n"
                    ";q@example.com;not-a-date\n")
    for _ in range(2):
        with pytest.raises(ImpexLoadError):
            start(seed)
    assert not cache.exists() or not own_entries(cache)


TWINS = """INSERT_UPDATE Customer;uid[unique=true];name;password;groups(uid)
;ann@example.com;Ann Lee;Password123!;customergroup
;bob@example.com;Bob Lee;Password123!;customergroup
"""


def test_a_restored_seed_holds_equal_strings_once_and_one_set_of_groups(tmp_path, cache):
    seed = tmp_path / "s.impex"
    seed.write_text(TWINS)
    start(seed)
    state = start(seed).db.state  # restored from the cache
    ann, bob = state.principals["ann@example.com"], state.principals["bob@example.com"]
    assert ann.password == "Password123!" and ann.password is bob.password
    assert ann.groups == {"customergroup"} and ann.groups is bob.groups
    assert isinstance(ann.groups, frozenset)  # shared, so never changed in place
    assert state.customer_ids.get(ann.customerId) in (None, ann.uid)
    assert all(k is p.uid for k, p in state.principals.items() if k == p.uid)


def test_a_big_seed_is_read_back_from_the_cache_at_reset(tmp_path, cache, monkeypatch):
    monkeypatch.setattr("fakesapcc.runtime.BIG_SNAPSHOT", 1)  # every seed is big
    seed = tmp_path / "s.impex"
    seed.write_text(TWINS)
    for _ in range(2):  # the first start loads, the second restores
        rt = start(seed)
        assert rt._seed_snapshot is None  # not kept in memory
        rt.db.state.principals["ann@example.com"].name = "Changed"
        rt.reset()
        assert rt.db.state.principals["ann@example.com"].name == "Ann Lee"
    for entry in own_entries(cache):
        entry.unlink()  # the entry gone: reset loads the seed again
    rt.db.state.principals["ann@example.com"].name = "Changed"
    rt.reset()
    assert rt.db.state.principals["ann@example.com"].name == "Ann Lee"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="written behind on Linux")
def test_a_big_seed_is_written_behind_by_a_child_process_and_reset_waits_for_it(
        tmp_path, cache, monkeypatch):
    monkeypatch.setattr("fakesapcc.runtime.WRITE_BEHIND_ITEMS", 1)  # every seed is big
    seed = tmp_path / "s.impex"
    seed.write_text(TWINS)
    rt = Runtime(Config(impex=[str(seed)]))
    pickled, dumps = [], pickling.dumps  # (a call in the child is not seen here)
    monkeypatch.setattr(pickling, "dumps", lambda state: pickled.append(
        "ann@example.com" in state.principals) or dumps(state))
    rt.load_seed(write_behind=True)
    assert not any(pickled)  # the serving process pickled the default data's state at most
    writer = rt._cache_writer
    assert writer is not None and writer.pid != os.getpid()
    assert rt._seed_snapshot is None
    rt.db.state.principals["ann@example.com"].name = "Changed"  # while the child may still write
    rt.reset()  # waits for the entry: the state as the load left it, not as changed since
    assert writer.stored is True
    assert rt.db.state.principals["ann@example.com"].name == "Ann Lee"
    assert len(own_entries(cache)) == 1
    monkeypatch.undo()
    monkeypatch.setenv("FAKESAPCC_CACHE_DIR", str(cache.parent))
    monkeypatch.setattr("fakesapcc.impex.loader.load_paths", lambda *a, **k: pytest.fail("loaded"))
    again = start(seed)  # the next start restores the entry the child wrote
    assert again.db.state.principals["ann@example.com"].name == "Ann Lee"
    assert again.seed_report.counts() == rt.seed_report.counts()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="written behind on Linux")
def test_an_entry_the_child_cannot_write_leaves_reset_loading_the_seed_again(
        tmp_path, cache, monkeypatch):
    monkeypatch.setattr("fakesapcc.runtime.WRITE_BEHIND_ITEMS", 1)
    monkeypatch.setattr("fakesapcc.seedcache.store", lambda *a: False)  # a full disk, say
    seed = tmp_path / "s.impex"
    seed.write_text(TWINS)
    rt = Runtime(Config(impex=[str(seed)]))
    rt.load_seed(write_behind=True)
    assert rt._cache_writer.wait(30) is False
    rt.db.state.principals["ann@example.com"].name = "Changed"
    rt.reset()
    assert rt.db.state.principals["ann@example.com"].name == "Ann Lee"
    assert not own_entries(cache)


def test_a_small_seed_or_one_without_write_behind_is_pickled_in_process(tmp_path, cache):
    seed = tmp_path / "s.impex"
    seed.write_text(TWINS)
    rt = Runtime(Config(impex=[str(seed)]))
    rt.load_seed(write_behind=True)  # under WRITE_BEHIND_ITEMS
    assert rt._cache_writer is None and rt._seed_snapshot
    assert len(own_entries(cache)) == 1


def test_a_seed_that_fails_in_a_later_file_leaves_the_files_before_it_whole(tmp_path, cache):
    """A seed loads without a rollback snapshot per file; when one fails, the store is what an
    all-or-nothing load per file leaves: the files before it, nothing of the failing one."""
    good, bad = tmp_path / "1-good.impex", tmp_path / "2-bad.impex"
    good.write_text(SEED)
    bad.write_text("INSERT_UPDATE Customer;uid[unique=true];name\n;half@example.com;Half\n"
                   "INSERT_UPDATE Customer;uid[unique=true];creationtime[dateformat=yyyy-MM-dd]\n"
                   ";q@example.com;not-a-date\n")
    rt = Runtime(Config(impex=[str(good), str(bad)]))
    with pytest.raises(ImpexLoadError):
        rt.load_seed()
    principals = rt.db.state.principals
    assert "quokka@example.com" in principals
    assert "half@example.com" not in principals and "q@example.com" not in principals
    assert [f.loaded for f in rt.seed_report.files][-2:] == [True, False]


def test_big_tables_are_written_by_columns_and_read_back_whole_in_order(monkeypatch):
    import pickle

    from fakesapcc import models as m
    from fakesapcc.db import State

    monkeypatch.setattr(pickling, "TABLE_ROWS", 2)
    state = State()
    state.principals = {"customergroup": m.UserGroup("customergroup"),
                        "b@x.com": m.Customer("b@x.com", "B Bee", groups=frozenset({"g"})),
                        "a@x.com": m.Customer("a@x.com", None, password="pw"),
                        "emp": m.Employee("emp")}
    big, small = 8796093054977, 8796093054976
    state.addresses = {big: m.Address(big, owner="a@x.com"), small: m.Address(small, town="Bonn")}
    state.customer_ids = {"id-1": "a@x.com", "id-2": "b@x.com"}  # not models: as it is
    back = pickle.loads(pickling.dumps(state))
    assert back == state
    assert list(back.principals) == list(state.principals)  # the table's order
    assert [type(p) for p in back.principals.values()] == [type(p) for p in state.principals.values()]
    assert list(back.addresses) == [big, small]
    assert all(k is a.pk for k, a in back.addresses.items())  # one int, not two equal ones
    assert back.principals["a@x.com"].uid is next(k for k in back.principals if k == "a@x.com")


def test_a_table_model_referred_to_elsewhere_stays_one_object(monkeypatch):
    import pickle

    from fakesapcc import models as m
    from fakesapcc.db import State

    monkeypatch.setattr(pickling, "TABLE_ROWS", 1)
    state = State()
    address = m.Address(1, town="Bonn")
    state.addresses = {1: address}
    state.outbox = [address]  # (not a real mail: any second reference to the same model)
    back = pickle.loads(pickling.dumps(state))
    assert back.addresses[1] is back.outbox[0]


def test_principals_without_extra_share_one_empty_mapping_that_is_never_changed_in_place():
    import copy
    import pickle

    from fakesapcc import models as m

    ann, bob = m.Customer("ann@x.com"), m.UserGroup("g")
    assert ann.extra is bob.extra is m.NO_EXTRA and ann.extra == {}
    with pytest.raises(TypeError):
        ann.extra["x"] = 1
    assert pickle.loads(pickling.dumps(ann)).extra is m.NO_EXTRA
    assert copy.deepcopy(ann).extra is m.NO_EXTRA
    ann.extra = {**ann.extra, "x": 1}  # how a principal gets its own
    assert ann.extra == {"x": 1} and bob.extra == {}
