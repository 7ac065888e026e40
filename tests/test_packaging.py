"""What ``pip install .`` ships: every package, and the seed; a wheel that can be published."""
import email
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

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


def dockerfile_copies():
    """What the Dockerfile copies into the image before ``pip install .``."""
    text = (ROOT / "Dockerfile").read_text()
    return [src for line in re.findall(r"^COPY (.+)$", text, re.M) for src in line.split()[:-1]]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built as a publisher (and the Dockerfile) builds it: from the files the
    Dockerfile copies, in a clean folder, with pip's isolated PEP 517 build."""
    src = tmp_path_factory.mktemp("src")
    for name in dockerfile_copies():
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("dist")
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                          "--disable-pip-version-check", "-w", str(out), str(src)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    [built] = out.glob("fakesapcc-*.whl")
    return built


def test_the_wheel_ships_every_package_and_the_seed(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    seed = {f"fakesapcc/seed/{p.name}" for p in (ROOT / "impex").glob("*.impex")}
    assert seed and seed <= names
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "fakesapcc").rglob("*.py")}
    assert modules <= names, modules - names


def test_the_wheel_is_publishable(wheel):
    from fakesapcc import __version__

    archive = zipfile.ZipFile(wheel)
    assert wheel.name == f"fakesapcc-{__version__}-py3-none-any.whl"
    info = f"fakesapcc-{__version__}.dist-info"
    meta = email.message_from_string(archive.read(f"{info}/METADATA").decode())
    assert meta["Name"] == "fakesapcc" and meta["Version"] == __version__
    assert meta["Requires-Python"] == ">=3.11" and meta["Summary"]
    classifiers = meta.get_all("Classifier")
    assert "Framework :: Pytest" in classifiers and "Programming Language :: Python :: 3.11" in classifiers
    assert meta.get_content_type() == "text/markdown" or meta["Description-Content-Type"] == "text/markdown"
    requires = " ".join(meta.get_all("Requires-Dist"))
    for dependency in ("flask", "click", "javaproperties", "waitress", "marshmallow"):
        assert dependency in requires
    entry_points = archive.read(f"{info}/entry_points.txt").decode()
    assert "fakesapcc = fakesapcc.cli:main" in entry_points
    assert "[pytest11]" in entry_points and "fakesapcc = fakesapcc.pytest_plugin" in entry_points


def test_the_version_is_written_once():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in config["project"] and "version" in config["project"]["dynamic"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "fakesapcc.version.__version__"}
