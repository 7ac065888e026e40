"""The garbage collector is paused while an ImpEx file loads and restored after it."""
import gc

import pytest

from fakesapcc.db import Db
from fakesapcc.impex.gcpause import gc_paused
from fakesapcc.impex.loader import load_text

TEXT = "INSERT_UPDATE Title;code[unique=true];name[lang=en]\n;sir;Sir\n"


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_a_load_pauses_the_collector_and_restores_it(collector_on, monkeypatch):
    seen = []
    from fakesapcc.impex import loader
    real = loader._FileLoader.run
    monkeypatch.setattr(loader._FileLoader, "run", lambda self: (seen.append(gc.isenabled()), real(self)))
    report = load_text(Db(), TEXT, "t.impex")
    assert report.loaded and seen == [False]
    assert gc.isenabled()


def test_nested_and_failing_blocks_restore_the_collector_once(collector_on):
    with pytest.raises(RuntimeError):
        with gc_paused():
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the outer block still runs
            raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on):
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_a_big_load_freezes_what_it_made_and_a_small_one_does_not(collector_on, monkeypatch):
    import fakesapcc.db as db_module
    gc.collect()
    gc.unfreeze()
    load_text(Db(), TEXT, "t.impex")
    assert gc.get_freeze_count() == 0  # a test's few rows: nothing frozen
    monkeypatch.setattr(db_module, "FREEZE_AFTER", 10)
    try:
        with gc_paused():
            made = [[i] for i in range(1000)]  # noqa: F841  (objects the collector tracks)
        assert gc.get_freeze_count() >= 1000
        assert gc.isenabled()
    finally:
        gc.unfreeze()
