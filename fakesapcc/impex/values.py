"""Cell values as ImpEx writes them: collections with their ``(+)``/``(-)`` prefixes, composite
keys, booleans, numbers per locale, and dates (ISO 8601, or a Java ``SimpleDateFormat``
pattern from a ``dateformat`` modifier). The loader interprets cells with these."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

__all__ = ["split_collection", "split_path", "parse_bool", "parse_number", "parse_date"]


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
    delimiter = delimiter or ":"
    if delimiter not in value:
        return [value.strip()]
    return [part.strip() for part in value.split(delimiter)]


BOOLEANS = {
    "true": True, "false": False, "ja": True, "nein": False, "wahr": True, "falsch": False,
    "y": True, "n": False, "+": True, "-": False,
}


def parse_bool(value: str) -> bool | None:
    """``true``/``false`` in any case (also ``ja``/``nein``, ``wahr``/``falsch``, ``y``/``n``,
    ``+``/``-``); ``None`` if the text is not a boolean."""
    return BOOLEANS.get(value.strip().lower())


_NUMBER_RES = {
    ".": re.compile(r"([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)?)(?:\.(\d+))?(?:[eE]([+-]?\d+))?\Z"),
    ",": re.compile(r"([+-]?)((?:\d{1,3}(?:\.\d{3})+|\d+)?)(?:,(\d+))?(?:[eE]([+-]?\d+))?\Z"),
}
_COMMA_DECIMAL_LANGUAGES = frozenset({
    "de", "fr", "it", "es", "pt", "nl", "da", "sv", "fi", "nb", "no", "pl", "cs", "sk", "ru",
    "tr", "el", "hu", "ro", "bg", "hr", "sl", "et", "lv", "lt", "uk", "id", "vi",
})


_DECIMAL_POINTS: dict[str, str] = {}  # locale → its decimal point


def parse_number(value: str, locale: str = "en") -> int | float | None:
    """Parse a number written for ``locale`` (``"en"``, ``"de"``, ``"de_DE"``, ...).

    English-like locales use ``.`` as decimal point and ``,`` as thousands separator; German-
    like ones (``de`` and other comma-decimal languages) the other way round. Thousands
    separators must group by three (so ``1,38`` is not an English number). An exponent is
    allowed. Returns an ``int`` when there is neither a fraction nor an exponent, else a
    ``float``; ``None`` if the text is not a number.
    """
    decimal = _DECIMAL_POINTS.get(locale)
    if decimal is None:
        language = locale.replace("-", "_").split("_")[0].lower()
        decimal = _DECIMAL_POINTS[locale] = "," if language in _COMMA_DECIMAL_LANGUAGES else "."
    text = value.strip()
    if len(text) < 300 and text.isascii():  # the common shapes, as the regex reads them
        if text.isdigit():
            return int(text)
        whole, point, fraction = text.partition(decimal)
        if point and whole.isdigit() and fraction.isdigit():
            return float(f"{whole}.{fraction}")
    m = _NUMBER_RES[decimal].match(text)
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


def parse_date_range(value: str, java_pattern: str | None) -> tuple[datetime, datetime] | None:
    """SAP's StandardDateRange cell, ``start,end`` (naive dates read as UTC); None if it is
    not two dates."""
    parts = [parse_date(x, java_pattern) for x in value.split(",")]
    if len(parts) != 2 or None in parts:
        return None
    return tuple(d if d.tzinfo else d.replace(tzinfo=timezone.utc)  # type: ignore[return-value]
                 for d in parts)


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


# Java patterns whose every match is also ISO 8601 text that datetime.fromisoformat reads the
# same way (the common ones, and what ``fakesapcc generate`` writes): read natively.
_ISO_PATTERNS = {
    "yyyy-MM-dd'T'HH:mm:ss": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
    "yyyy-MM-dd HH:mm:ss": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "yyyy-MM-dd": re.compile(r"\d{4}-\d{2}-\d{2}"),
}


def iso_pattern(java_pattern: str | None) -> re.Pattern[str] | None:
    """For a ``dateformat`` that ISO 8601 reads (``yyyy-MM-dd'T'HH:mm:ss`` …), the regular
    expression of its text; None for any other."""
    return _ISO_PATTERNS.get(java_pattern) if java_pattern else None


def _parse_with_java_pattern(text: str, pattern: str) -> datetime | None:
    iso = _ISO_PATTERNS.get(pattern)
    if iso is not None and iso.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None
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
