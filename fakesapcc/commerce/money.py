"""Amounts and their formatting, per currency and language."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..models import Currency

COMMA_DECIMAL_LANGUAGES = {"de", "fr", "it", "es", "nl", "pl", "pt", "sv", "da", "fi", "cs"}


def round_amount(value: float, digits: int = 2) -> float:
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def format_amount(value: float, currency: Currency, lang: str = "en") -> str:
    """``$1,234.56`` in English, ``1.234,56 €`` in German; ``¥17,000`` for a currency without
    decimals."""
    digits = currency.digits
    text = f"{round_amount(value, digits):,.{digits}f}"
    symbol = currency.symbol or currency.isocode
    if lang in COMMA_DECIMAL_LANGUAGES:
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return f"{text} {symbol}"
    return f"{symbol}{text}"
