"""Amounts as bank staff say them: 3,000元, 52.3万, 1.2亿."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _trim(value: Decimal, places: str) -> str:
    text = f"{value.quantize(Decimal(places), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_amount(amount: Decimal) -> str:
    amount = Decimal(amount)
    if abs(amount) >= Decimal("100000000"):
        return f"{_trim(amount / Decimal('100000000'), '0.01')}亿"
    if abs(amount) >= Decimal("10000"):
        return f"{_trim(amount / Decimal('10000'), '0.01')}万"
    return f"{amount.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}元"
