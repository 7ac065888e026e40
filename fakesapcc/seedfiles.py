"""The ImpEx files a list of paths names, without the ImpEx engine: a start whose seed the
seed cache restores (``seedcache``) finds its files and their digest, and never imports the
parser and loader (``impex``)."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def missing_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The paths among ``paths`` that are neither a file nor a folder."""
    return [Path(p) for p in paths if not Path(p).exists()]


def impex_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files to load, in order: a file as given; a folder's ``*.impex`` files in name order."""
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(sorted(x for x in path.iterdir() if x.suffix.lower() == ".impex"))
        else:
            result.append(path)
    return result


def default_data_dir() -> Path:
    """The default seed: the installed copy, else the source checkout's ``impex/`` folder."""
    installed = Path(__file__).resolve().parent / "seed"
    if installed.is_dir() and any(installed.glob("*.impex")):
        return installed
    return Path(__file__).resolve().parents[1] / "impex"
