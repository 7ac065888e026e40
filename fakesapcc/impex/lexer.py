"""Reading ImpEx lines: quoted cells (which may span lines), ``;``-separated cells, trailing
``\\`` continuations, and the ``[modifier=value, …]`` blocks of header columns."""
from __future__ import annotations

# --------------------------------------------------------------------------- line reading


def quote_open_at_end(line: str, in_quote: bool) -> bool:
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


MID_QUOTE = 1  # a '"' inside an unquoted cell
AFTER_QUOTE = 2  # text between a closing '"' and the next ';'


def split_quoted(text: str) -> tuple[list[str], bool, int]:
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
            value, i = read_quoted(text, j + 1)
            end = text.find(";", i)
            tail = text[i:] if end < 0 else text[i:end]
            if tail.strip():
                flags |= AFTER_QUOTE
                value += tail.rstrip()
        else:
            end = text.find(";", i)
            raw = text[i:] if end < 0 else text[i:end]
            if '"' in raw:
                flags |= MID_QUOTE
            value = raw.strip()
        cells.append(value)
        if end < 0:
            return cells, first_quoted, flags
        i = end + 1


def read_quoted(text: str, start: int) -> tuple[str, int]:
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


def split_line(text: str) -> list[str]:
    """Cells of a logical line, trimmed unless quoted."""
    if '"' in text:
        return split_quoted(text)[0]
    return [part.strip() for part in text.split(";")]


def has_continuation(line: str) -> bool:
    """Whether ``line`` ends with a backslash (trailing blanks allowed)."""
    return line.rstrip(" \t").endswith("\\")


def strip_continuation(line: str) -> str:
    return line.rstrip(" \t")[:-1]


# --------------------------------------------------------------------------- modifiers


def read_modifier_block(text: str, start: int) -> tuple[list[tuple[str, str]], int, str | None]:
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
            return modifier_pairs(pieces), i + 1, None
        else:
            current.append(c)
        i += 1
    problem = "unterminated quote in modifier" if in_quote else "missing ']' after modifiers"
    pieces.append("".join(current))
    return modifier_pairs(pieces), n, problem


def modifier_pairs(pieces: list[str]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for piece in pieces:
        key, eq, raw = piece.partition("=")
        if not eq:
            if not piece.strip():
                continue
            if pairs:
                last_key, last_value = pairs[-1]
                pairs[-1] = (last_key, last_value + "," + unquote_modifier(piece))
            else:
                pairs.append((piece.strip().lower(), ""))
            continue
        pairs.append((key.strip().lower(), unquote_modifier(raw)))
    return pairs


def unquote_modifier(raw: str) -> str:
    """``'Staged'`` -> ``Staged``; ``''`` inside quotes -> ``'``; unquoted values are trimmed."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == "'" and value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value
