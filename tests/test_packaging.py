"""What ``pip install .`` ships: every package, and the seed."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "fakesapcc").rglob("__init__.py")}
    assert on_disk <= listed, f"missing from pyproject.toml: {sorted(on_disk - listed)}"
    assert config["package-dir"]["fakesapcc.seed"] == "impex"
    assert list((ROOT / "impex").glob("*.impex"))


def test_the_authorization_server_pages_are_package_data():
    """The login and error pages are templates beside the code: the wheel must carry them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["fakesapcc.api"]
    templates = sorted((ROOT / "fakesapcc" / "api" / "templates").glob("*.html"))
    assert templates
    assert all(any(t.relative_to(ROOT / "fakesapcc" / "api").match(p) for p in patterns)
               for t in templates)
