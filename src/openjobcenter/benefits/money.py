"""Euro amounts: rounding to cents and formatting for humans.

Formatting works on ``str(value)`` because the engine keeps every amount at
exactly two decimals; that is several times cheaper than ``quantize`` or
``format`` on a Decimal and matters for the many amounts in an explanation.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Round commercially (half up) to cents, as § 41 Abs. 2 SGB II prescribes."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _exact(value: Decimal) -> Decimal:
    text = str(value)
    if text[-3:-2] == "." and "E" not in text:
        return value
    # Not at two decimals (cannot happen for engine results): round, don't misprint.
    return cents(value)


def as_str(value: Decimal) -> str:
    """Return the machine format used in results: two decimals, dot separator."""
    text = str(value)
    if text[-3:-2] == "." and "E" not in text:
        return text
    return str(cents(value))


_TO_GERMAN = str.maketrans({",": ".", ".": ","})


def fmt_de(value: Decimal) -> str:
    """Format like ``1.234,56 €``."""
    exact = _exact(value)
    # At exactly two decimals the format below never rounds.
    if -1000 < exact < 1000:
        return str(exact).replace(".", ",") + " €"
    return format(exact, ",.2f").translate(_TO_GERMAN) + " €"


def fmt_en(value: Decimal) -> str:
    """Format like ``€1,234.56`` (``-€29.76`` when negative)."""
    exact = _exact(value)
    text = str(exact) if -1000 < exact < 1000 else format(exact, ",.2f")
    return "-€" + text[1:] if exact < 0 else "€" + text


def pct_de(rate: Decimal) -> str:
    """Format a rate such as 0.023 as ``2,3 %``."""
    return format((rate * 100).normalize(), "f").replace(".", ",") + " %"


def pct_en(rate: Decimal) -> str:
    """Format a rate such as 0.023 as ``2.3%``."""
    return format((rate * 100).normalize(), "f") + "%"
