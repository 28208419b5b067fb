"""The cached money formatting writes exactly what the plain Decimal formatting wrote.

``money`` formats from ``str(value)`` and keeps the texts in a cache; the
reference functions below are the straightforward ``quantize``/``format``
implementation it replaced.  Both must agree on every amount, including
negative zero, amounts not at two decimals and amounts from a cache hit.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from openjobcenter.benefits.money import as_str, fmt_de, fmt_en, money, pct_de, pct_en, percent

# The implementation before the cache, verbatim.
_TO_GERMAN = str.maketrans({",": ".", ".": ","})


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _exact(value: Decimal) -> Decimal:
    text = str(value)
    if text[-3:-2] == "." and "E" not in text:
        return value
    return _cents(value)


def reference_plain(value: Decimal) -> str:
    text = str(value)
    if text[-3:-2] == "." and "E" not in text:
        return text
    return str(_cents(value))


def reference_de(value: Decimal) -> str:
    exact = _exact(value)
    if -1000 < exact < 1000:
        return str(exact).replace(".", ",") + " €"
    return format(exact, ",.2f").translate(_TO_GERMAN) + " €"


def reference_en(value: Decimal) -> str:
    exact = _exact(value)
    text = str(exact) if -1000 < exact < 1000 else format(exact, ",.2f")
    return "-€" + text[1:] if exact < 0 else "€" + text


def reference_pct(rate: Decimal) -> tuple[str, str]:
    text = format((rate * 100).normalize(), "f")
    return text.replace(".", ",") + " %", text + "%"


EDGE_CASES = [
    "0.00",
    "-0.00",
    "0",
    "-0",
    "0E-7",
    "0.004",
    "-0.004",
    "0.005",
    "-0.005",
    "1E+3",
    "563",
    "563.0",
    "563.000",
    "999.99",
    "999.995",
    "1000.00",
    "-1000.00",
    "-999.99",
    "12345.675",
    "100000000.00",
    "-29.76",
    "1234567.89",
    "40000.01",
]


def _values() -> list[Decimal]:
    rng = random.Random(20260101)
    values = [Decimal(text) for text in EDGE_CASES]
    for _ in range(3000):
        cents = rng.choice([rng.randint(0, 99_999), rng.randint(0, 10**10)])
        sign = -1 if rng.random() < 0.2 else 1
        values.append(Decimal(sign * cents) / 100)
        values.append(Decimal(sign * rng.randint(0, 10**9)) / 1000)
    return values


@pytest.mark.parametrize("repeat", [1, 2], ids=["first call", "from the cache"])
def test_money_matches_plain_decimal_formatting(repeat: int) -> None:
    for value in _values():
        for _ in range(repeat):
            formatted = money(value)
        expected = (reference_plain(value), reference_de(value), reference_en(value))
        assert (formatted.plain, formatted.de, formatted.en) == expected, value
        assert (as_str(value), fmt_de(value), fmt_en(value)) == expected, value


def test_equal_amounts_that_print_differently_are_kept_apart() -> None:
    # Decimal("-0.00") == Decimal("0.00"), but the texts differ; so do the forms of 563.
    assert money(Decimal("0.00")).plain == "0.00"
    assert money(Decimal("-0.00")).plain == "-0.00"
    assert money(Decimal("-0.00")).en == "€-0.00"
    assert money(Decimal("0.00")).plain == "0.00"
    assert money(Decimal("563")).de == money(Decimal("563.00")).de == "563,00 €"


@pytest.mark.parametrize(
    ("rate", "de", "en"),
    [
        ("0.023", "2,3 %", "2.3%"),
        ("0.36", "36 %", "36%"),
        ("0.360", "36 %", "36%"),
        ("0.12", "12 %", "12%"),
        ("1", "100 %", "100%"),
        ("0", "0 %", "0%"),
    ],
)
def test_percent(rate: str, de: str, en: str) -> None:
    for _ in range(2):
        assert (percent(Decimal(rate)).de, percent(Decimal(rate)).en) == (de, en)
        assert (pct_de(Decimal(rate)), pct_en(Decimal(rate))) == (de, en)


def test_percent_matches_plain_decimal_formatting() -> None:
    rng = random.Random(7)
    rates = [Decimal(rng.randint(0, 2000)) / 1000 for _ in range(500)]
    rates += [Decimal("-0"), Decimal("0.0"), Decimal("1E-3"), Decimal("0.36"), Decimal("0.360")]
    for rate in rates * 2:
        assert (pct_de(rate), pct_en(rate)) == reference_pct(rate), rate
