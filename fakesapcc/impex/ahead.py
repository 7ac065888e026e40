"""ImpEx files parsed ahead: while the loader loads one file of a seed, a child process parses
the files after it, so that on a machine with a second core the parse of every file but the
first is off the time the load takes (parsing is about two fifths of it). ``serve`` loads its
seed this way on Linux (``Runtime.load_seed``).

The child is forked when the load starts; it reads and parses each file in turn (the same
``parse`` the loader calls, with the same properties) and sends the result through a pipe, in
order, as soon as it has it. Each file's result is exactly the one parsing it in this process
would give: its blocks, rows, line numbers and diagnostics. A file that cannot be read is sent
as the message the loader reports for it. The child exits when it has sent the last file, or
when the pipe is closed because the load stopped early.
"""
from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from itertools import repeat
from operator import is_, itemgetter
from pathlib import Path

from .parser import parse
from .syntax import Block, ParsedImpex, ValueLine

MIN_BYTES = 1 << 20  # the files after the first this big, at least, are parsed ahead
_HEADER = itemgetter(0)
_FIELDS = (itemgetter(1), itemgetter(2), itemgetter(3), itemgetter(4))  # a row's, after header


def read_and_parse(path: Path, config: Mapping[str, str]) -> ParsedImpex | str:
    """A file parsed, or why it cannot be read (the loader's message for it)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read file: {exc}"
    return parse(text, file=str(path), config=dict(config))


def parsed_ahead(paths: Sequence[Path],
                 config: Mapping[str, str]) -> Iterator[ParsedImpex | str] | None:
    """Each of ``paths`` read and parsed by a child process, in order (``read_and_parse``); None
    where it is not worth a process (the files are small) or there is no fork (not Linux).
    Close the iterator (or let it end) to let the child go."""
    if not sys.platform.startswith("linux") or sum(_size(p) for p in paths) < MIN_BYTES:
        return None
    try:
        read, write = os.pipe()
        with warnings.catch_warnings():  # the server's threads: the child uses none of them
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            gc.disable()  # a parse makes no cycles
            with os.fdopen(write, "wb") as out:
                for path in paths:
                    pickle.dump(_packed(read_and_parse(path, config)), out,
                                protocol=pickle.HIGHEST_PROTOCOL)
                    out.flush()
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return _received(pid, read, paths, config)


def _received(pid: int, read: int, paths: Sequence[Path],
              config: Mapping[str, str]) -> Iterator[ParsedImpex | str]:
    count, received = len(paths), 0
    try:
        with os.fdopen(read, "rb") as source:
            while received < count:
                try:
                    sent = pickle.load(source)
                except (EOFError, pickle.UnpicklingError):  # the child failed: parsed here
                    break
                received += 1
                yield _unpacked(sent)
        for path in paths[received:]:
            received += 1
            yield read_and_parse(path, config)
    finally:  # the load ended, or stopped early: then the child is stopped
        try:
            if received < count:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass


def _packed(result: ParsedImpex | str) -> object:
    """A parse as it is sent: each block's rows as their fields' lists, without the header
    (the block's), which pickle as plain lists, far faster than rows of their own class."""
    if isinstance(result, str):
        return result
    blocks = []
    for block in result.blocks:
        header, rows = block.header, block.rows
        if all(map(is_, repeat(header), map(_HEADER, rows))):
            blocks.append((header, True, [list(map(field, rows)) for field in _FIELDS]))
        else:
            blocks.append((header, False, rows))
    return result.file, blocks, result.diagnostics


def _unpacked(sent: object) -> ParsedImpex | str:
    if isinstance(sent, str):
        return sent
    file, blocks, diagnostics = sent  # type: ignore[misc]
    parsed = ParsedImpex(file, diagnostics=diagnostics)
    for header, by_fields, rows in blocks:
        if by_fields:
            subtypes, cells, lines, locales = rows
            rows = list(map(tuple.__new__, repeat(ValueLine),
                            zip(repeat(header), subtypes, cells, lines, locales)))
        parsed.blocks.append(Block(header, rows))
    return parsed


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
