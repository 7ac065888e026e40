"""The docs are executed (issue 18): every shell, console and Python example of README.md and
docs/*.md runs against a running server and behaves as written, so the docs cannot drift. How
a block runs, and how one that cannot run is marked, is in ``tests/docs_blocks.py`` and in
docs/testing.md ("Examples in the docs")."""
from pathlib import Path

import pytest

from docs_blocks import Block, DocsError, all_blocks, blocks, run

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = all_blocks(ROOT)
EXAMPLES = [b for b in BLOCKS if b.kind != "text" or b.problems]


@pytest.mark.parametrize("block", EXAMPLES, ids=[b.where for b in EXAMPLES])
def test_the_example_behaves_as_written(block: Block, sapcc):
    run(block, sapcc.config.port)


def test_the_docs_have_examples_of_every_kind():
    kinds = {b.kind for b in BLOCKS if not b.marker}
    assert {"console", "sh", "python"} <= kinds
    assert all(b.marker[1] for b in BLOCKS if b.marker), "every skip says why"


# -- the engine can fail ------------------------------------------------------------------------


def only(markdown: str) -> Block:
    [block] = blocks(markdown, "doc.md")
    return block


@pytest.mark.parametrize("markdown, message", [
    ("```console\n$ fakesapcc --version\nfakesapcc 0.0.0-not\n```\n", "doc.md:1: the output of"),
    ("\n```sh\nfalse\n```\n", "doc.md:2: the sh block failed"),
    ("```sh\ncurl -s http://127.0.0.1:9001/occ/v2/nosuch/languages\n```\n", "sh block failed"),
    ("```python\nassert 1 == 2\n```\n", "doc.md:1: the python block failed"),
    ("```python\ndef test_x():\n    assert False\n```\n", "the python block failed"),
    ("```zsh\necho\n```\n", "doc.md:1: a ```zsh block"),
    ("```\n$ fakesapcc serve\n```\n", "untagged block that starts like a command"),
    ("<!-- docs-test: skip -->\n```sh\nexit 1\n```\n", "doc.md:2: a skipped block must say why"),
    ("<!-- docs-test: later: x -->\n```sh\nexit 1\n```\n", "unknown docs-test directive"),
])
def test_a_block_that_does_not_behave_as_written_fails_naming_its_line(markdown, message, sapcc):
    with pytest.raises(DocsError) as caught:
        run(only(markdown), sapcc.config.port)
    assert message in str(caught.value)


def test_a_console_block_matches_with_ellipses_and_loose_whitespace(sapcc):
    run(only('```console\n$ curl -s http://127.0.0.1:9001/_fakesapcc/clock\n'
             '{"now": "…", "offsetSeconds": 0, "frozen": false}\n```\n'), sapcc.config.port)


def test_a_skipped_block_is_not_run(sapcc):
    run(only("<!-- docs-test: skip: it needs a storefront -->\n```sh\nexit 1\n```\n"),
        sapcc.config.port)


def test_the_readme_seed_tables_are_the_seed():
    """Every account, OAuth client, a few products per category and Customer 360's types, as
    scripts/seed_tables.py makes them from the seed."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("seed_tables", ROOT / "scripts" / "seed_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert module.replaced(readme, module.tables()) == readme, \
        "run: python scripts/seed_tables.py"
    for uid in ("mark.rivers@pronto-hw.com", "asagent", "linda.wolf@rustic-hw.com", "asm_client"):
        assert f"`{uid}`" in readme
