"""Amounts and their formatting, per currency and language."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from ..models import Currency

COMMA_DECIMAL_LANGUAGES = {"de", "fr", "it", "es", "nl", "pl", "pt", "sv", "da", "fi", "cs"}


# enough digits for any finite float: Decimal's default (28) fails on big totals
_WIDE = Context(prec=400)
MAX_DIGITS = 10


def _digits(digits: int) -> int:
    """A currency's decimal places as an amount can have them (a bad ``digits`` from ImpEx or
    a snapshot must not break every price)."""
    return max(0, min(digits, MAX_DIGITS))


def round_amount(value: float, digits: int = 2) -> float:
    """Half up, on the amount as it prints (``str``), to the currency's digits."""
    if not math.isfinite(value):
        return value
    digits = _digits(digits)
    text = str(value)
    if "e" not in text:  # most amounts already have no more digits: nothing to round
        dot = text.find(".")
        if dot < 0 or len(text) - dot - 1 <= digits:
            return float(value)
    return float(Decimal(text).quantize(_QUANTA[digits], rounding=ROUND_HALF_UP, context=_WIDE))


_QUANTA = [Decimal(1).scaleb(-d) for d in range(MAX_DIGITS + 1)]


def format_amount(value: float, currency: Currency, lang: str = "en") -> str:
    """``$1,234.56`` in English, ``1.234,56 €`` in German; ``¥17,000`` for a currency without
    decimals."""
    digits = _digits(currency.digits)
    text = f"{round_amount(value, digits):,.{digits}f}"
    symbol = currency.symbol or currency.isocode
    if lang in COMMA_DECIMAL_LANGUAGES:
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return f"{text} {symbol}"
    return f"{symbol}{text}"
