"""A client nobody here wrote: the OCC adapters of Spartacus 4.3.8 (the public npm packages,
headless under Node with Angular's JIT compiler; ``contract/spartacus/``) against a live
fakesapcc with its default data — site context, products, search, reviews, anonymous and
customer carts, merge on login, registration, addresses, checkout through silent order post,
order history, consents, and the ASM customer search, customer lists and bind-cart with an
agent. Each check asserts what Spartacus reads after its normalizers.

The packages are installed by ``npm ci`` from the harness's lock file, cached outside the
repository (``contract/spartacus/run.py``). Without node and npm the test is skipped with the
reason, unless the environment variable CI is set: then it fails."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from fakesapcc.testing import FakeSAPCC

ROOT = Path(__file__).resolve().parents[2]
MIN_CHECKS = 40

pytestmark = pytest.mark.slow


def _load_runner():
    spec = importlib.util.spec_from_file_location("spartacus_contract_run",
                                                  ROOT / "contract" / "spartacus" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


runner = _load_runner()


@pytest.fixture(scope="module")
def modules() -> Path:
    try:
        return runner.install()
    except runner.HarnessUnavailable as exc:
        message = f"the Spartacus contract harness cannot run: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI runs it; scripts/test installs node and npm)")
        pytest.skip(message)


def test_spartacus_reads_what_fakesapcc_answers(modules, record_property):
    with FakeSAPCC(journal_size=5000) as server:
        result = runner.run(server.base_url, modules=modules)
        journal = server.requests()
        operations = runner.journal_operations(server)
        errors = list(server.errors)
    report = "\n".join(result.lines) + ("\n--- the libraries' log ---\n" + result.log[-3000:]
                                        if result.failed else "")
    record_property("spartacus_harness", report)  # tests/conftest.py prints it at the end
    assert result.failed == 0 and result.returncode == 0, report
    assert result.passed >= MIN_CHECKS, report
    assert len(result.lines) == result.passed + 1, "a line per check, then the summary"
    assert not errors, errors
    assert not [e for e in journal if e["status"] >= 500], "fakesapcc answered 5xx"
    # the list the coverage document reads is the one this run exercised
    assert operations == runner.read_operations(), (
        "contract/spartacus/operations.txt is out of date: run "
        "python contract/spartacus/run.py --write-operations")
