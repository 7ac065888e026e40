"""ImpEx text -> :class:`~fakesapcc.impex.syntax.ParsedImpex`, plus the value helpers the loader
uses to interpret cells (collections, composite keys, booleans, numbers, dates).

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

import math
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from .syntax import Block, Column, Diagnostic, Header, ParsedImpex, Pattern, ValueLine

__all__ = [
    "parse",
    "parse_file",
    "split_collection",
    "split_path",
    "parse_bool",
    "parse_number",
    "parse_date",
    "CELL_MODIFIERS",
    "LINE_MODIFIERS",
]

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
_UNKNOWN_MODE_RE = re.compile(
    r"[ \t]*(\w*(?:insert|update|remove|delete|upsert)\w*)[ \t]+[A-Za-z_]\w*[ \t]*(?:[\[;]|\Z)",
    re.I)
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


def split_collection(value: str, delimiter: str = ",") -> list[tuple[str, str]]:
    """Split a collection cell into ``(op, element)`` pairs.

    Elements are separated by ``delimiter`` (the ``collection-delimiter`` modifier), trimmed,
    and empty ones dropped. Each element may carry its own prefix ``(+)`` (add), ``(-)``
    (remove) or ``(+?)`` (add if absent), giving op ``"+"``, ``"-"`` or ``"+?"``; without a
    prefix op is ``""``.

    >>> split_collection("a, (+) b,,(-)c")
    [('', 'a'), ('+', 'b'), ('-', 'c')]
    """
    result: list[tuple[str, str]] = []
    for part in value.split(delimiter or ","):
        element = part.strip()
        op = ""
        if element.startswith("("):
            for prefix, name in (("(+?)", "+?"), ("(+)", "+"), ("(-)", "-")):
                if element.startswith(prefix):
                    op, element = name, element[len(prefix):].strip()
                    break
        if element:
            result.append((op, element))
    return result


def split_path(value: str, delimiter: str = ":") -> list[str]:
    """Split a composite reference value into its leaves (``path-delimiter``, default ``:``).

    Parts are trimmed; empty parts are kept because positions matter.

    >>> split_path("myCatalog:Online")
    ['myCatalog', 'Online']
    """
    return [part.strip() for part in value.split(delimiter or ":")]


_BOOLEANS = {
    "true": True, "false": False, "ja": True, "nein": False, "wahr": True, "falsch": False,
    "y": True, "n": False, "+": True, "-": False,
}


def parse_bool(value: str) -> bool | None:
    """``true``/``false`` in any case (also ``ja``/``nein``, ``wahr``/``falsch``, ``y``/``n``,
    ``+``/``-``); ``None`` if the text is not a boolean."""
    return _BOOLEANS.get(value.strip().lower())


_NUMBER_RES = {
    ".": re.compile(r"([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)?)(?:\.(\d+))?(?:[eE]([+-]?\d+))?\Z"),
    ",": re.compile(r"([+-]?)((?:\d{1,3}(?:\.\d{3})+|\d+)?)(?:,(\d+))?(?:[eE]([+-]?\d+))?\Z"),
}
_COMMA_DECIMAL_LANGUAGES = frozenset({
    "de", "fr", "it", "es", "pt", "nl", "da", "sv", "fi", "nb", "no", "pl", "cs", "sk", "ru",
    "tr", "el", "hu", "ro", "bg", "hr", "sl", "et", "lv", "lt", "uk", "id", "vi",
})


def parse_number(value: str, locale: str = "en") -> int | float | None:
    """Parse a number written for ``locale`` (``"en"``, ``"de"``, ``"de_DE"``, ...).

    English-like locales use ``.`` as decimal point and ``,`` as thousands separator; German-
    like ones (``de`` and other comma-decimal languages) the other way round. Thousands
    separators must group by three (so ``1,38`` is not an English number). An exponent is
    allowed. Returns an ``int`` when there is neither a fraction nor an exponent, else a
    ``float``; ``None`` if the text is not a number.
    """
    language = locale.replace("-", "_").split("_")[0].lower()
    decimal = "," if language in _COMMA_DECIMAL_LANGUAGES else "."
    m = _NUMBER_RES[decimal].match(value.strip())
    if not m:
        return None
    sign, whole, fraction, exponent = m.groups()
    if not whole and not fraction:
        return None
    digits = whole.replace("," if decimal == "." else ".", "")
    if fraction is None and exponent is None:
        try:
            return int(sign + digits)
        except ValueError:  # more digits than Python converts
            return None
    text = f"{sign}{digits or '0'}.{fraction or '0'}" + (f"e{exponent}" if exponent else "")
    number = float(text)
    return number if math.isfinite(number) else None  # 1e400 is no number a column holds


def parse_date(value: str, java_pattern: str | None) -> datetime | None:
    """Parse a date/time cell.

    With ``java_pattern`` (a ``dateformat`` modifier) the pattern is read as Java
    ``SimpleDateFormat``: ``yyyy yy MM M MMM dd d HH H hh h kk K mm ss SSS a Z z X EEE`` and
    quoted literals (``'T'``, ``''`` for a quote). Fields the pattern does not give default to
    1970-01-01 00:00. ``hh`` without ``a`` reads as in Java's lenient parser (``20:00`` is 20:00,
    ``12:00`` is 00:00). A zone field gives an aware datetime, otherwise it is naive.

    Without a pattern: ISO 8601 (``2024-05-29``, ``2024-05-29T10:00:00Z``, ...), or
    ``dd.MM.yyyy HH:mm:ss``, ``dd.MM.yyyy HH:mm``, ``dd.MM.yyyy``.

    Returns ``None`` when the value does not match, the date is impossible, or the pattern uses
    a letter not listed above.
    """
    text = value.strip()
    if not text:
        return None
    if java_pattern is None:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        for fallback in ("dd.MM.yyyy HH:mm:ss", "dd.MM.yyyy HH:mm", "dd.MM.yyyy"):
            result = _parse_with_java_pattern(text, fallback)
            if result is not None:
                return result
        return None
    return _parse_with_java_pattern(text, java_pattern)


# --------------------------------------------------------------------------- line reading


def _quote_open_at_end(line: str, in_quote: bool) -> bool:
    """Whether a quoted cell is still open at the end of ``line``.

    ``in_quote`` says the line starts inside a quoted cell (a continuation line). A ``"``
    opens a quoted cell only as the first non-blank character of a cell; inside, ``""`` is an
    escaped quote.
    """
    n = len(line)
    i = 0
    while True:
        if not in_quote:
            while i < n and line[i] in " \t":
                i += 1
            if i < n and line[i] == '"':
                in_quote = True
                i += 1
        if in_quote:
            while True:
                q = line.find('"', i)
                if q < 0:
                    return True
                if q + 1 < n and line[q + 1] == '"':
                    i = q + 2
                    continue
                i = q + 1
                in_quote = False
                break
        semicolon = line.find(";", i)
        if semicolon < 0:
            return False
        i = semicolon + 1


_MID_QUOTE = 1  # a '"' inside an unquoted cell
_AFTER_QUOTE = 2  # text between a closing '"' and the next ';'


def _split_quoted(text: str) -> tuple[list[str], bool, int]:
    """Split a logical line that contains ``"`` into cells.

    Returns ``(cells, first_cell_quoted, flags)``. Unquoted cells are trimmed; quoted cells are
    kept verbatim with ``""`` turned into ``"`` (text after the closing quote is appended and
    flagged). Called only on complete logical lines (every quote closed, or the end reached).
    """
    cells: list[str] = []
    flags = 0
    first_quoted = False
    n = len(text)
    i = 0
    while True:
        j = i
        while j < n and text[j] in " \t":
            j += 1
        if j < n and text[j] == '"':
            if not cells:
                first_quoted = True
            value, i = _read_quoted(text, j + 1)
            end = text.find(";", i)
            tail = text[i:] if end < 0 else text[i:end]
            if tail.strip():
                flags |= _AFTER_QUOTE
                value += tail.rstrip()
        else:
            end = text.find(";", i)
            raw = text[i:] if end < 0 else text[i:end]
            if '"' in raw:
                flags |= _MID_QUOTE
            value = raw.strip()
        cells.append(value)
        if end < 0:
            return cells, first_quoted, flags
        i = end + 1


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read a quoted cell body starting after its opening quote; returns (value, index after
    the closing quote)."""
    parts: list[str] = []
    i = start
    while True:
        q = text.find('"', i)
        if q < 0:
            parts.append(text[i:])
            return "".join(parts), len(text)
        if q + 1 < len(text) and text[q + 1] == '"':
            parts.append(text[i:q + 1])
            i = q + 2
            continue
        parts.append(text[i:q])
        return "".join(parts), q + 1


def _split_line(text: str) -> list[str]:
    """Cells of a logical line, trimmed unless quoted."""
    if '"' in text:
        return _split_quoted(text)[0]
    return [part.strip() for part in text.split(";")]


def _has_continuation(line: str) -> bool:
    """Whether ``line`` ends with a backslash (trailing blanks allowed)."""
    return line.rstrip(" \t").endswith("\\")


def _strip_continuation(line: str) -> str:
    return line.rstrip(" \t")[:-1]


# --------------------------------------------------------------------------- modifiers


def _read_modifier_block(text: str, start: int) -> tuple[list[tuple[str, str]], int, str | None]:
    """Read one ``[k=v, ...]`` block; ``text[start]`` is ``[``.

    Returns ``(pairs, index after ']', error)``. Values may be single-quoted with ``''`` for a
    quote; ``,`` and ``]`` inside quotes are data. A comma-separated piece without ``=`` is
    taken as the continuation of the previous value (``[numberformat=#.###,##]``).
    """
    pieces: list[str] = []
    current: list[str] = []
    i = start + 1
    n = len(text)
    in_quote = False
    while i < n:
        c = text[i]
        if in_quote:
            if c == "'":
                if i + 1 < n and text[i + 1] == "'":
                    current.append("''")
                    i += 2
                    continue
                in_quote = False
            current.append(c)
        elif c == "'":
            in_quote = True
            current.append(c)
        elif c == ",":
            pieces.append("".join(current))
            current = []
        elif c == "]":
            pieces.append("".join(current))
            return _modifier_pairs(pieces), i + 1, None
        else:
            current.append(c)
        i += 1
    problem = "unterminated quote in modifier" if in_quote else "missing ']' after modifiers"
    pieces.append("".join(current))
    return _modifier_pairs(pieces), n, problem


def _modifier_pairs(pieces: list[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for piece in pieces:
        key, eq, raw = piece.partition("=")
        if not eq:
            if not piece.strip():
                continue
            if pairs:
                last_key, last_value = pairs[-1]
                pairs[-1] = (last_key, last_value + "," + _unquote_modifier(piece))
            else:
                pairs.append((piece.strip().lower(), ""))
            continue
        pairs.append((key.strip().lower(), _unquote_modifier(raw)))
    return pairs


def _unquote_modifier(raw: str) -> str:
    """``'Staged'`` -> ``Staged``; ``''`` inside quotes -> ``'``; unquoted values are trimmed."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


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
            pairs, self.pos, problem = _read_modifier_block(self.text, self.pos)
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
        make_row = ValueLine
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
                cells = [part.strip() for part in raw.split(";", ncells + 1)[1:ncells + 1]]
                if len(cells) < ncells:
                    cells.extend([""] * (ncells - len(cells)))
                if slots is not None:
                    cells = _place_cells(slots, ncols, cells)
                append(make_row(header, None, tuple(cells), i, locale))
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
            cells, first_quoted, _ = _split_quoted(text)
            if first_quoted and cells[0].startswith("#%"):
                self.script(cells[0][2:], line_no)
                return i
        if self.skip_depth:
            return i
        if _HEADER_START_RE.match(text):
            while _has_continuation(text) and i < len(self.lines):
                nxt = self.lines[i]
                i += 1
                text = _strip_continuation(text) + self.expand(nxt, i)
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
        if not _quote_open_at_end(raw, False):
            return raw, i, False
        lines = self.lines
        parts = [raw]
        while i < len(lines):
            nxt = lines[i]
            i += 1
            parts.append(nxt)
            if not _quote_open_at_end(nxt, True):
                return "\n".join(parts), i, False
        return "\n".join(parts), i, True

    # -- macros

    def define_macro(self, name: str, value: str, i: int, line_no: int) -> int:
        lines = self.lines
        while _has_continuation(value) and i < len(lines):
            value = _strip_continuation(value) + lines[i]
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
        cells = _split_line(text)
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
            parts, _, flags = _split_quoted(text)
            if flags & _MID_QUOTE:
                self.warn(line_no, "'\"' inside an unquoted cell is taken literally")
            if flags & _AFTER_QUOTE:
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


# --------------------------------------------------------------------------- dates

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_NUMERIC_LETTERS = frozenset("yMdHhkKmsS")
_ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60,
    "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "EST": -300,
    "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480,
    "PDT": -420, "JST": 540,
}
_ZONE_OFFSET_RE = re.compile(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?\Z", re.I)


def _java_tokens(pattern: str) -> list[tuple[str, int | str]] | None:
    """Split a SimpleDateFormat pattern into ``(letter, count)`` fields and ``("'", text)``
    literals; ``None`` for an unterminated quote."""
    tokens: list[tuple[str, int | str]] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "'":
            if i + 1 < n and pattern[i + 1] == "'":
                tokens.append(("'", "'"))
                i += 2
                continue
            literal: list[str] = []
            i += 1
            while True:
                if i >= n:
                    return None
                if pattern[i] == "'":
                    if i + 1 < n and pattern[i + 1] == "'":
                        literal.append("'")
                        i += 2
                        continue
                    i += 1
                    break
                literal.append(pattern[i])
                i += 1
            tokens.append(("'", "".join(literal)))
        elif "a" <= c.lower() <= "z":
            j = i
            while j < n and pattern[j] == c:
                j += 1
            tokens.append((c, j - i))
            i = j
        else:
            tokens.append(("'", c))
            i += 1
    return tokens


def _field_regex(letter: str, count: int, fixed: bool) -> str | None:
    """The regex for one pattern field; ``fixed`` when a numeric field follows directly."""
    if letter in _NUMERIC_LETTERS and not (letter == "M" and count >= 3):
        if letter == "S":
            return rf"\d{{{count}}}" if fixed else r"\d+"
        if fixed:
            return rf"\d{{{count}}}"
        if letter == "y":
            return r"\d{2}" if count == 2 else r"\d{1,4}"
        return r"\d{1,2}"
    return {
        "M": r"[A-Za-z]{3,9}\.?",
        "E": r"[A-Za-z]{2,9}\.?",
        "a": r"[AaPp]\.?[Mm]\.?",
        "Z": r"Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?",
        "X": r"Z|[+-]\d{2}(?::?\d{2})?",
        "z": r"(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?|[+-]\d{4}|[A-Za-z]{1,5}",
    }.get(letter)


@lru_cache(maxsize=256)
def _compile_java_pattern(
        pattern: str) -> tuple[re.Pattern[str], tuple[tuple[str, int], ...]] | None:
    """A regex for a SimpleDateFormat pattern and the fields of its groups (cached)."""
    tokens = _java_tokens(pattern)
    if tokens is None:
        return None
    parts: list[str] = []
    fields: list[tuple[str, int]] = []
    for index, (letter, value) in enumerate(tokens):
        if letter == "'":
            text = str(value)
            parts.append(r"\s+" if text.isspace() else re.escape(text))
            continue
        count = int(value)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        fixed = (following is not None and following[0] in _NUMERIC_LETTERS
                 and not (following[0] == "M" and int(following[1]) >= 3))
        regex = _field_regex(letter, count, fixed)
        if regex is None:
            return None
        parts.append(f"({regex})")
        fields.append((letter, count))
    return re.compile("".join(parts), re.I), tuple(fields)


def _zone_offset(text: str) -> int | None:
    """Minutes east of UTC for a zone text (``Z``, ``-0700``, ``+02:00``, ``GMT+1``, ``CET``)."""
    upper = text.upper()
    if upper in _ZONE_ABBREVIATIONS:
        return _ZONE_ABBREVIATIONS[upper]
    m = _ZONE_OFFSET_RE.match(upper)
    if not m:
        return None
    sign, hours, minutes = m.groups()
    total = int(hours) * 60 + int(minutes or 0)
    return -total if sign == "-" else total


def _two_digit_year(value: int) -> int:
    """Java's rule: within 80 years before and 20 years after now."""
    now = datetime.now().year
    year = now - now % 100 + value
    if year > now + 20:
        year -= 100
    elif year <= now - 80:
        year += 100
    return year


def _parse_with_java_pattern(text: str, pattern: str) -> datetime | None:
    compiled = _compile_java_pattern(pattern)
    if compiled is None:
        return None
    regex, fields = compiled
    m = regex.fullmatch(text)
    if not m:
        return None
    values = dict(year=1970, month=1, day=1, hour=0, minute=0, second=0, millis=0)
    hour12: int | None = None
    pm: bool | None = None
    offset: int | None = None
    for (letter, count), raw in zip(fields, m.groups()):
        if letter == "y":
            values["year"] = _two_digit_year(int(raw)) if count == 2 and len(raw) == 2 else int(raw)
        elif letter == "M":
            if count >= 3:
                name = raw.rstrip(".").lower()
                months = [i for i, full in enumerate(_MONTHS, 1) if full.startswith(name[:3])
                          and (len(name) == 3 or full == name)]
                if not months:
                    return None
                values["month"] = months[0]
            else:
                values["month"] = int(raw)
        elif letter == "d":
            values["day"] = int(raw)
        elif letter in "Hk":
            hour = int(raw)
            values["hour"] = 0 if letter == "k" and hour == 24 else hour
        elif letter in "hK":
            hour12 = int(raw)
            if letter == "h" and hour12 == 12:
                hour12 = 0
        elif letter == "m":
            values["minute"] = int(raw)
        elif letter == "s":
            values["second"] = int(raw)
        elif letter == "S":
            values["millis"] = int(raw)
        elif letter == "a":
            pm = raw.replace(".", "").lower() == "pm"
        elif letter in "ZXz":
            offset = _zone_offset(raw)
            if offset is None:
                return None
    if hour12 is not None:
        values["hour"] = hour12 + (12 if pm else 0)
    try:
        if values["hour"] > 23 or values["minute"] > 59 or values["second"] > 59:
            return None
        result = datetime(values["year"], values["month"], values["day"], values["hour"],
                          values["minute"], values["second"])
    except ValueError:
        return None
    result += timedelta(milliseconds=values["millis"])
    if offset is not None:
        result = result.replace(tzinfo=timezone(timedelta(minutes=offset)))
    return result
