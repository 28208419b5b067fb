"""Euro amounts: rounding to cents and formatting for humans.

An explanation formats about a hundred amounts per household, each in the
machine form (``1234.56``), in German (``1.234,56 €``) and in English
(``€1,234.56``).  :func:`money` returns all three at once from a cache: the
same amounts come back all the time (standard needs, child benefit, zero, a
household's housing share).  The cache is keyed by ``str(value)``, not by
the Decimal: hashing a Decimal costs several times more than ``str()``
(it is computed arithmetically on first use, and almost every amount is a
fresh object), and the text tells apart amounts that are equal but print
differently (``-0.00`` and ``0.00``).  Misses are formatted from that text,
which is exact because the engine keeps every amount at exactly two
decimals, and several times cheaper than ``format`` on a Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# Frozen: the instances are shared through the caches.  Slots make reading
# them cheap (creating them is rare, only on a cache miss).
@dataclass(frozen=True, slots=True)
class Money:
    """One amount in the three written forms of the result."""

    plain: str
    de: str
    en: str


@dataclass(frozen=True, slots=True)
class Percent:
    """One rate written as a percentage in German and English."""

    de: str
    en: str


# Bounded so that a long-running server computing many different households
# cannot grow the caches without limit; when full they simply start afresh.
_CACHE_LIMIT = 20_000
_MONEY: dict[str, Money] = {}
_PERCENT: dict[str, Percent] = {}


def cents(value: Decimal) -> Decimal:
    """Round commercially (half up) to cents, as § 41 Abs. 2 SGB II prescribes."""
    # Positional, not ``rounding=``: parsing the keyword costs more than the rounding.
    return value.quantize(CENT, ROUND_HALF_UP)


def _group(digits: str, separator: str) -> str:
    """Insert thousands separators into a string of digits."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]]
    groups.extend(digits[i : i + 3] for i in range(head, len(digits), 3))
    return separator.join(groups)


def _format(value: Decimal, text: str) -> Money:
    exact = value
    if text[-3:-2] != "." or "E" in text:
        # Not at two decimals (cannot happen for engine results): round, don't misprint.
        exact = cents(value)
        text = str(exact)
    # ``text`` is now ``[-]digits.dd``.
    negative = text[0] == "-"
    digits = text[1:-3] if negative else text[:-3]
    sign = "-" if negative else ""
    decimals = text[-2:]
    de = f"{sign}{_group(digits, '.')},{decimals} €"
    grouped = f"{_group(digits, ',')}.{decimals}"
    # "-0.00" is not below zero: it keeps its sign after the euro sign, as
    # ``format`` always wrote it.
    en = f"-€{grouped}" if exact < ZERO else f"€{sign}{grouped}"
    return Money(text, de, en)


_ZERO_MONEY = _format(ZERO, str(ZERO))


def money(value: Decimal) -> Money:
    """Return ``value`` as ``Money("1234.56", "1.234,56 €", "€1,234.56")``.

    Amounts are rounded half up to cents only if they are not at two
    decimals already (engine results always are).
    """
    if value is ZERO:
        # The most frequent amount by far (every default is this object).
        return _ZERO_MONEY
    text = str(value)
    try:  # cheaper than .get() on a hit, which is the usual case
        return _MONEY[text]
    except KeyError:
        pass
    found = _format(value, text)
    if len(_MONEY) >= _CACHE_LIMIT:
        _MONEY.clear()
    _MONEY[text] = found
    return found


def as_str(value: Decimal) -> str:
    """Return the machine format used in results: two decimals, dot separator."""
    return money(value).plain


def fmt_de(value: Decimal) -> str:
    """Format like ``1.234,56 €``."""
    return money(value).de


def fmt_en(value: Decimal) -> str:
    """Format like ``€1,234.56`` (``-€29.76`` when negative)."""
    return money(value).en


def percent(rate: Decimal) -> Percent:
    """Return a rate such as 0.023 as ``Percent("2,3 %", "2.3%")``."""
    key = str(rate)
    found = _PERCENT.get(key)
    if found is None:
        text = format((rate * 100).normalize(), "f")
        found = Percent(text.replace(".", ",") + " %", text + "%")
        if len(_PERCENT) >= _CACHE_LIMIT:
            _PERCENT.clear()
        _PERCENT[key] = found
    return found


def pct_de(rate: Decimal) -> str:
    """Format a rate such as 0.023 as ``2,3 %``."""
    return percent(rate).de


def pct_en(rate: Decimal) -> str:
    """Format a rate such as 0.023 as ``2.3%``."""
    return percent(rate).en
