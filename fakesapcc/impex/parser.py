"""ImpEx text -> :class:`~fakesapcc.impex.syntax.ParsedImpex` (the cells' values are read by
``impex.values``; lines and modifier blocks are split by ``impex.lexer``).

The parser never raises on bad input: every problem becomes a :class:`Diagnostic` with the
file, the 1-based physical line where the logical line starts and, for header problems, the
column text. Errors mean "the file is malformed"; warnings mean "understood, but something is
ignored or guessed".

Processing order:

1. physical lines are split on LF, CRLF or CR; a leading BOM is dropped;
2. comments (``#``), script lines (``#%``) and macro definitions (``$name=``) are recognised
   on the raw line;
3. other lines are joined while a quoted cell is open (``"..."`` may span lines), then macros
   are expanded textually, then the line is a quoted script cell, a header or a value line;
4. header lines and macro definitions may be continued with a trailing ``\\``.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from .gcpause import gc_paused
from .lexer import (AFTER_QUOTE, MID_QUOTE, has_continuation, quote_open_at_end,
                    read_modifier_block, split_line, split_quoted, strip_continuation)
from .syntax import Block, Column, Diagnostic, Header, ParsedImpex, Pattern, ValueLine

__all__ = ["parse", "parse_file", "CELL_MODIFIERS", "LINE_MODIFIERS"]

# --------------------------------------------------------------------------- vocabulary

#: Cell (column) modifiers the parser knows; others are kept and warned about.
CELL_MODIFIERS = frozenset({
    "unique", "default", "lang", "mode", "virtual", "allownull", "ignorenull", "dateformat",
    "numberformat", "collection-delimiter", "path-delimiter", "key2value-delimiter",
    "map-delimiter", "translator", "celldecorator", "alias", "pos", "forcewrite",
    "ignorekeycase", "system", "version",
})

#: Line (header) modifiers the parser knows; others are kept and warned about.
LINE_MODIFIERS = frozenset({
    "batchmode", "cacheunique", "processor", "impex.legacy.mode", "sld.enabled",
    "disable.interceptor.types", "disable.interceptor.beans",
})

_COLLECTION_MODES = frozenset({"append", "remove", "replace", "merge"})

#: ``java.util.Locale`` constants -> ISO language.
_JAVA_LOCALES = {
    "ENGLISH": "en", "UK": "en", "US": "en", "CANADA": "en",
    "GERMAN": "de", "GERMANY": "de",
    "FRENCH": "fr", "FRANCE": "fr", "CANADA_FRENCH": "fr",
    "ITALIAN": "it", "ITALY": "it",
    "JAPANESE": "ja", "JAPAN": "ja",
    "KOREAN": "ko", "KOREA": "ko",
    "CHINESE": "zh", "SIMPLIFIED_CHINESE": "zh", "TRADITIONAL_CHINESE": "zh", "CHINA": "zh",
    "PRC": "zh", "TAIWAN": "zh",
    "ROOT": "",
}

# --------------------------------------------------------------------------- regexes

_HEADER_START_RE = re.compile(r"[ \t]*(?:insert_update|insert|update|remove)[ \t]", re.I)
_HEADER_FIRST_CELL_RE = re.compile(
    r"\s*(insert_update|insert|update|remove)\s+(.*?)\s*\Z", re.I | re.S)
#: a first cell of two words, ``FOOBAR Customer``: a header whose mode is not one of the four
#: (a value line's first cell is empty or one type code)
_UNKNOWN_MODE_RE = re.compile(r"[ \t]*([A-Za-z_]\w*)[ \t]+[A-Za-z_]\w*[ \t]*(?:[\[;]|\Z)")
_BARE_MODE_RE = re.compile(r"[ \t]*(insert_update|insert|update|remove)[ \t]*;", re.I)
_MACRO_DEF_RE = re.compile(r"\$([\w\-]+)[ \t]*=(.*)\Z", re.S)
_USERRIGHTS_START_RE = re.compile(r"\$START_USERRIGHTS[\s;]*\Z", re.I)
_USERRIGHTS_END_RE = re.compile(r"\s*\$END_USERRIGHTS[\s;]*\Z", re.I)
_CONFIG_RE = re.compile(r"\$config-([\w.\-]+)")
_TYPE_CODE_RE = re.compile(r"[A-Za-z_]\w*")
_QUALIFIER_RE = re.compile(r"([&$]?\w+)(?:\s*\.\s*(\w+))?")
_SPECIAL_RE = re.compile(r"@(\w+)")
_CLASSIFICATION_RE = re.compile(r"C@([^\s\[\];]+)")
_DOCID_RE = re.compile(r"&(\w+)")

_SCRIPT_ENGINE_RE = re.compile(r"(?:groovy|bsh|javascript)%", re.I)
_SET_LOCALE_RE = re.compile(
    r"impex\s*\.\s*setLocale\s*\(\s*(?:Locale\s*\.\s*([A-Za-z_]+)"
    r"|new\s+(?:java\.util\.)?Locale\s*\(\s*\"([A-Za-z]*)\")")
_IF_RE = re.compile(r"if\s*:(.*)\Z", re.I | re.S)
_ENDIF_RE = re.compile(r"endif\s*:", re.I)
_HOOK_RE = re.compile(r"(beforeEach|afterEach)\s*:", re.I)
_TRIVIAL_CONDITION_RE = re.compile(
    r"\s*(!?)\s*\"([^\"]*)\"\s*\.\s*equals\s*\(\s*\"([^\"]*)\"\s*\)\s*;?\s*\Z")

# --------------------------------------------------------------------------- public API


def parse(text: str, *, file: str = "<string>",
          config: Mapping[str, str] | None = None) -> ParsedImpex:
    """Parse ImpEx text.

    ``config`` supplies the values of ``$config-some.key`` references. Bad input never raises;
    it is reported in ``ParsedImpex.diagnostics``. Only wrong argument types raise
    :class:`TypeError`.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if not isinstance(file, str):
        raise TypeError(f"file must be str, not {type(file).__name__}")
    if config is not None and not isinstance(config, Mapping):
        raise TypeError(f"config must be a mapping, not {type(config).__name__}")
    with gc_paused():  # the rows are many objects that all stay alive
        return _Parser(text, file, config or {}).run()


def parse_file(path: str | Path, *, config: Mapping[str, str] | None = None) -> ParsedImpex:
    """Read a file as UTF-8 and parse it; invalid UTF-8 is reported as an error diagnostic."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        result = ParsedImpex(str(path))
        result.diagnostics.append(Diagnostic(
            "error", f"not valid UTF-8 (byte {exc.start}): {exc.reason}", str(path), line))
        return result
    return parse(text, file=str(path), config=config)


# --------------------------------------------------------------------------- column patterns


class _PatternReader:
    """Recursive-descent reader for one header column or the type part of a header."""

    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos
        self.problems: list[str] = []

    def skip_ws(self) -> None:
        text, pos, n = self.text, self.pos, len(self.text)
        while pos < n and text[pos] in " \t\n":
            pos += 1
        self.pos = pos

    def peek(self) -> str:
        self.skip_ws()
        return self.text[self.pos: self.pos + 1]

    def at_end(self) -> bool:
        return self.peek() == ""

    def rest(self) -> str:
        return self.text[self.pos:].strip()

    def modifiers(self) -> dict[str, str]:
        """Any number of ``[...]`` blocks; later keys win."""
        result: dict[str, str] = {}
        while self.peek() == "[":
            pairs, self.pos, problem = read_modifier_block(self.text, self.pos)
            if problem:
                self.problems.append(problem)
            result.update(pairs)
        return result

    def item(self) -> Pattern | None:
        """``[Type.]qualifier[mods][(alternatives)][mods]``."""
        self.skip_ws()
        m = _QUALIFIER_RE.match(self.text, self.pos)
        if not m:
            found = self.text[self.pos:self.pos + 20] or "end of column"
            self.problems.append(f"expected an attribute name at '{found}'")
            return None
        self.pos = m.end()
        if m.group(2):
            type_code, qualifier = m.group(1), m.group(2)
        else:
            type_code, qualifier = None, m.group(1)
        mods = self.modifiers()
        alternatives: tuple[tuple[Pattern, ...], ...] = ()
        if self.peek() == "(":
            self.pos += 1
            alternatives = self.alternatives()
            if self.peek() == ")":
                self.pos += 1
            elif not self.problems:
                self.problems.append("missing ')'")
            mods.update(self.modifiers())
        return Pattern(qualifier, type_code, mods, alternatives)

    def alternatives(self) -> tuple[tuple[Pattern, ...], ...]:
        alts = [self.sequence()]
        while not self.problems and self.peek() == "|":
            self.pos += 1
            alts.append(self.sequence())
        return tuple(alts)

    def sequence(self) -> tuple[Pattern, ...]:
        items: list[Pattern] = []
        while True:
            item = self.item()
            if item is None:
                break
            items.append(item)
            if self.peek() != ",":
                break
            self.pos += 1
        return tuple(items)


def _walk(pattern: Pattern) -> Iterator[Pattern]:
    """Yield ``pattern`` and all its sub-patterns."""
    yield pattern
    for alternative in pattern.alternatives:
        for sub in alternative:
            yield from _walk(sub)


# --------------------------------------------------------------------------- the parser


class _BlockState:
    """The header in force and what value lines need to map their cells quickly."""

    __slots__ = ("header", "rows", "ncols", "ncells", "slots", "line")

    def __init__(self, header: Header, block: Block) -> None:
        self.header = header
        self.rows = block.rows
        self.line = header.line
        columns = header.columns
        self.ncols = len(columns)
        # Cell k (k >= 1) of a value line fills column slots[k - 1], or nothing when that is
        # -1 (an empty column); virtual columns have no cell. None: cells map one-to-one.
        slots = [c.index if c.kind != "empty" else -1 for c in columns if not c.virtual]
        self.ncells = len(slots)
        simple = all(c.kind != "empty" and not c.virtual for c in columns)
        self.slots: list[int] | None = None if simple else slots


def _place_cells(slots: list[int], ncols: int, cells: list[str]) -> list[str]:
    """Map a row's cells to columns when there are virtual (no cell) or empty (cell skipped)
    columns; ``cells`` has one entry per slot."""
    placed = [""] * ncols
    for cell, column_index in zip(cells, slots):
        if column_index >= 0:
            placed[column_index] = cell
    return placed


#: header, cells per row, slots, column count, rows.append, locale
_FastPath = tuple[Header, int, list[int] | None, int, Callable[[ValueLine], None], str]


class _Parser:
    def __init__(self, text: str, file: str, config: Mapping[str, str]) -> None:
        self.file = file
        self.config = config
        self.result = ParsedImpex(file)
        self.diagnostics = self.result.diagnostics
        if text.startswith("\ufeff"):
            text = text[1:]
            self.warn(1, "byte order mark (BOM) at the start of the file removed")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = text.split("\n")
        self.macros: dict[str, str] = {}
        self.macro_re: re.Pattern[str] | None = None
        self.state: _BlockState | None = None
        self.broken_header: int | None = None  # line of an unusable header, rows are skipped
        self.broken_warned = False
        self.locale = "en"
        self.skip_depth = 0  # inside a false `#% if:` section
        self.if_depth = 0

    # -- diagnostics

    def warn(self, line: int, message: str, column: str | None = None) -> None:
        self.diagnostics.append(Diagnostic("warning", message, self.file, line, column))

    def error(self, line: int, message: str, column: str | None = None) -> None:
        self.diagnostics.append(Diagnostic("error", message, self.file, line, column))

    # -- main loop

    def run(self) -> ParsedImpex:
        lines = self.lines
        n = len(lines)
        i = 0
        new_row = tuple.__new__  # value_line, inline
        fast = self.fast_path_context()
        while i < n:
            raw = lines[i]
            i += 1
            # Fast path: a value line without quotes or continuation under a header whose
            # columns map one-to-one onto cells.
            if (fast is not None and (raw.startswith(";") or raw.lstrip(" \t").startswith(";"))
                    and '"' not in raw and not raw.endswith("\\")):
                header, ncells, slots, ncols, append, locale = fast
                if "$" in raw:
                    raw = self.expand(raw, i)
                    if '"' in raw:  # a quote that came from a macro value
                        self.add_row(raw, i)
                        continue
                cells = raw.split(";", ncells + 1)
                del cells[0]  # what is before the first ";" (a subtype: not on this path)
                if len(cells) != ncells:
                    if len(cells) > ncells:
                        del cells[ncells:]
                    else:
                        cells.extend([""] * (ncells - len(cells)))
                # strip the cells only if one can start or end with whitespace: every
                # whitespace character but the space is unprintable
                if "; " in raw or " ;" in raw or raw[-1] == " " or not raw.isprintable():
                    cells = [part.strip() for part in cells]
                if slots is not None:
                    cells = _place_cells(slots, ncols, cells)
                append(new_row(ValueLine, (header, None, tuple(cells), i, locale)))
                continue
            try:
                i = self.handle(raw, i)
            except Exception as exc:  # pragma: no cover - a parser bug must not abort a load
                self.error(i, f"internal parser error: {exc!r}")
            fast = self.fast_path_context()
        if self.skip_depth:
            self.warn(n, "'#% if:' section without '#% endif:' runs to the end of the file")
        return self.result

    def fast_path_context(self) -> _FastPath | None:
        """What the fast path in :meth:`run` needs (``None``: no fast path), refreshed after
        every line the fast path does not take."""
        state = self.state
        if state is None or self.skip_depth:
            return None
        return (state.header, state.ncells, state.slots, state.ncols, state.rows.append,
                self.locale)

    def handle(self, raw: str, i: int) -> int:
        """Handle the logical line starting with physical line ``i`` (1-based); return the
        index of the next physical line."""
        line_no = i
        stripped = raw.lstrip()
        if not stripped:
            return i
        first = stripped[0]
        if first == "#":
            if stripped.startswith("#%"):
                self.script(self.expand(stripped[2:], line_no), line_no)
            return i
        if first == "$":
            if _USERRIGHTS_START_RE.match(stripped):
                return self.skip_userrights(i, line_no)
            m = _MACRO_DEF_RE.match(stripped)
            if m:
                return self.define_macro(m.group(1), m.group(2), i, line_no)
        text = raw
        if '"' in raw:
            text, i, unterminated = self.join_quoted(raw, i)
            if unterminated:
                self.error(line_no, "unterminated quote: the quoted cell opened here runs to "
                                    "the end of the file")
                return i
        text = self.expand(text, line_no)
        if text.lstrip()[:1] == '"':
            cells, first_quoted, _ = split_quoted(text)
            if first_quoted and cells[0].startswith("#%"):
                self.script(cells[0][2:], line_no)
                return i
        if self.skip_depth:
            return i
        if _HEADER_START_RE.match(text):
            while has_continuation(text) and i < len(self.lines):
                nxt = self.lines[i]
                i += 1
                text = strip_continuation(text) + self.expand(nxt, i)
            self.header(text, line_no)
            return i
        m = _BARE_MODE_RE.match(text)
        if m:
            self.broken(line_no, f"header '{m.group(1)}' without a type code")
            return i
        m = _UNKNOWN_MODE_RE.match(text)
        if m:
            self.broken(line_no, f"unknown header mode '{m.group(1)}' (expected INSERT, UPDATE, "
                                 "INSERT_UPDATE or REMOVE)")
            return i
        self.add_row(text, line_no)
        return i

    def broken(self, line_no: int, message: str) -> None:
        """An unusable header: report it; the rows below it are skipped."""
        self.error(line_no, message)
        self.state = None
        self.broken_header = line_no
        self.broken_warned = False

    def join_quoted(self, raw: str, i: int) -> tuple[str, int, bool]:
        """Join physical lines while a quoted cell is open."""
        if not quote_open_at_end(raw, False):
            return raw, i, False
        lines = self.lines
        parts = [raw]
        while i < len(lines):
            nxt = lines[i]
            i += 1
            parts.append(nxt)
            if not quote_open_at_end(nxt, True):
                return "\n".join(parts), i, False
        return "\n".join(parts), i, True

    # -- macros

    def define_macro(self, name: str, value: str, i: int, line_no: int) -> int:
        lines = self.lines
        while has_continuation(value) and i < len(lines):
            value = strip_continuation(value) + lines[i]
            i += 1
        if self.skip_depth:
            return i
        value = self.expand(value.strip(), line_no)
        key = "$" + name
        self.macros[key] = value
        names = sorted(self.macros, key=len, reverse=True)
        self.macro_re = re.compile("|".join(re.escape(k) for k in names))
        return i

    def expand(self, text: str, line_no: int) -> str:
        """Replace ``$config-key`` and defined macros (longest name first) in ``text``."""
        if "$" not in text:
            return text
        if "$config-" in text:
            text = _CONFIG_RE.sub(lambda m: self.config_value(m, line_no), text)
        if self.macro_re is not None:
            macros = self.macros
            text = self.macro_re.sub(lambda m: macros[m.group(0)], text)
        return text

    def config_value(self, m: re.Match[str], line_no: int) -> str:
        key = m.group(1)
        value = self.config.get(key)
        if value is None:
            self.warn(line_no, f"configuration property '{key}' is not set; "
                               f"'{m.group(0)}' left as written")
            return m.group(0)
        return str(value)

    # -- special lines

    def skip_userrights(self, i: int, line_no: int) -> int:
        lines = self.lines
        while i < len(lines):
            raw = lines[i]
            i += 1
            if _USERRIGHTS_END_RE.match(raw):
                if not self.skip_depth:
                    self.warn(line_no, f"user rights block (lines {line_no}-{i}) skipped")
                return i
        self.error(line_no, "$START_USERRIGHTS without $END_USERRIGHTS: the rest of the file "
                            "is skipped")
        return i

    def script(self, body: str, line_no: int) -> None:
        """A ``#%`` line (``body`` is the text after ``#%``, macros already expanded)."""
        body = body.strip()
        m = _SCRIPT_ENGINE_RE.match(body)
        if m:
            body = body[m.end():].strip()
        m = _IF_RE.match(body)
        if m:
            self.script_if(m.group(1), line_no)
            return
        if _ENDIF_RE.match(body):
            self.script_endif(line_no)
            return
        if self.skip_depth:
            return
        m = _HOOK_RE.match(body)
        if m:
            self.warn(line_no, f"'{m.group(1)}' script ignored (scripts are not executed); "
                               "the rows are imported")
            return
        if "setLocale" in body:
            self.set_locale(body, line_no)
            return
        summary = body.split("\n", 1)[0][:60]
        self.warn(line_no, f"script line skipped (scripts are not executed): {summary}")

    def set_locale(self, body: str, line_no: int) -> None:
        m = _SET_LOCALE_RE.search(body)
        if not m:
            self.warn(line_no, "unrecognised impex.setLocale(...) call; locale unchanged")
            return
        if m.group(1) is not None:
            name = m.group(1)
            self.locale = _JAVA_LOCALES.get(name.upper(), name.lower())
        else:
            self.locale = m.group(2).lower()

    def script_if(self, condition: str, line_no: int) -> None:
        if self.skip_depth:
            self.skip_depth += 1
            return
        self.if_depth += 1
        m = _TRIVIAL_CONDITION_RE.match(condition)
        if m:
            negate, left, right = m.groups()
            if (left == right) != bool(negate):
                return
            self.skip_depth = 1
            self.warn(line_no, "'#% if:' condition is false: section skipped")
            return
        self.warn(line_no, "'#% if:' condition not evaluated (scripts are not executed): "
                           "section included")

    def script_endif(self, line_no: int) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            if not self.skip_depth:
                self.if_depth -= 1
            return
        if self.if_depth:
            self.if_depth -= 1
        else:
            self.warn(line_no, "'#% endif:' without '#% if:'")

    # -- headers

    def header(self, text: str, line_no: int) -> None:
        cells = split_line(text)
        m = _HEADER_FIRST_CELL_RE.match(cells[0])
        if not m:
            self.broken(line_no, f"header '{cells[0]}' without a type code")
            return
        mode, rest = m.group(1).upper(), m.group(2)
        self.state = None
        self.broken_header = line_no
        self.broken_warned = False
        type_code, line_mods = self.header_type(rest, line_no)
        if type_code is None:
            return
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        columns = tuple(self.column(index, col_text, line_no)
                        for index, col_text in enumerate(cells[1:]))
        header = Header(mode, type_code, line_mods, columns, line_no)
        # a header without a unique column is the loader's to judge (a warning, or an error
        # in strict mode): it depends on the type, and the loader skips unknown types anyway
        block = Block(header)
        self.result.blocks.append(block)
        self.state = _BlockState(header, block)
        self.broken_header = None

    def header_type(self, rest: str, line_no: int) -> tuple[str | None, dict[str, str]]:
        """The type code and line modifiers of a header's first cell (after the mode)."""
        m = _TYPE_CODE_RE.match(rest)
        if not m:
            self.warn(line_no, f"header without a valid type code: '{rest}': block skipped")
            return None, {}
        reader = _PatternReader(rest, m.end())
        mods = reader.modifiers()
        if reader.problems or not reader.at_end():
            problem = reader.problems[0] if reader.problems else f"unexpected '{reader.rest()}'"
            self.warn(line_no, f"invalid type code '{rest}': {problem}: block skipped")
            return None, {}
        self.check_modifiers(mods, LINE_MODIFIERS, "line", line_no, None)
        return m.group(0), mods

    def column(self, index: int, text: str, line_no: int) -> Column:
        """One header column; problems are reported, a Column is always returned."""
        if not text:
            return Column(index, text, "empty", None)
        kind, regex = "attribute", None
        if text.startswith("&"):
            kind, regex = "docid", _DOCID_RE
        elif text.startswith("C@"):
            kind, regex = "classification", _CLASSIFICATION_RE
        elif text.startswith("@"):
            kind, regex = "special", _SPECIAL_RE
        elif text.startswith("["):
            reader = _PatternReader(text)
            mods = reader.modifiers()
            self.warn(line_no, "column without an attribute name: its cells are ignored", text)
            return Column(index, text, "empty", None, mods)
        if regex is None:
            reader = _PatternReader(text)
            pattern = reader.item()
        else:
            m = regex.match(text)
            if not m:
                self.warn(line_no, f"invalid {kind} column: its cells are ignored", text)
                return Column(index, text, "empty", None)
            reader = _PatternReader(text, m.end())
            pattern = Pattern(m.group(1), None, reader.modifiers())
        if pattern is None or reader.problems or not reader.at_end():
            problem = reader.problems[0] if reader.problems else f"unexpected '{reader.rest()}'"
            self.warn(line_no, f"invalid column: {problem}: its cells are ignored", text)
            return Column(index, text, "empty", None)
        self.check_pattern(pattern, line_no, text)
        return Column(index, text, kind, pattern, pattern.modifiers)

    def check_pattern(self, pattern: Pattern, line_no: int, text: str) -> None:
        for sub in _walk(pattern):
            if sub.qualifier.startswith("$"):
                self.warn(line_no, f"'{sub.qualifier}' is not a defined macro", text)
            self.check_modifiers(sub.modifiers, CELL_MODIFIERS, "column", line_no, text)

    def check_modifiers(self, mods: dict[str, str], known: frozenset[str], where: str,
                        line_no: int, column: str | None) -> None:
        for key, value in mods.items():
            if key == "pos":
                self.error(line_no, "modifier 'pos' (explicit cell position) is not supported",
                           column)
            elif key not in known:
                self.warn(line_no, f"unknown {where} modifier '{key}' kept", column)
            elif key == "mode" and value.lower() not in _COLLECTION_MODES:
                self.warn(line_no, f"unknown collection mode '{value}'", column)

    # -- value lines

    def add_row(self, text: str, line_no: int) -> None:
        state = self.state
        if state is None:
            self.orphan_row(line_no)
            return
        if '"' in text:
            parts, _, flags = split_quoted(text)
            if flags & MID_QUOTE:
                self.warn(line_no, "'\"' inside an unquoted cell is taken literally")
            if flags & AFTER_QUOTE:
                self.warn(line_no, "text after a closing quote is appended to the cell")
            ncells = state.ncells
            cells = parts[1:ncells + 1]
        else:
            parts = text.split(";")
            ncells = state.ncells
            cells = [p.strip() for p in parts[1:ncells + 1]]
        if len(cells) < ncells:
            cells.extend([""] * (ncells - len(cells)))
        if state.slots is not None:
            cells = _place_cells(state.slots, state.ncols, cells)
        subtype = parts[0].strip() or None
        if subtype is not None and not _TYPE_CODE_RE.fullmatch(subtype):
            self.warn(line_no, f"first cell '{subtype[:40]}' is not a type code")
        if text[-1] == "\\":
            self.warn(line_no, "backslash at the end of a value line kept as data "
                               "(line continuation applies to headers and macros only)")
        state.rows.append(ValueLine(state.header, subtype, tuple(cells), line_no, self.locale))

    def orphan_row(self, line_no: int) -> None:
        if self.broken_header is None:
            self.error(line_no, "value line before any header")
        elif not self.broken_warned:
            self.broken_warned = True
            self.warn(line_no, f"rows under the invalid header of line {self.broken_header} "
                               "are skipped")
