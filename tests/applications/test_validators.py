"""IBAN, tax ID and pension insurance number checks (A1)."""

from __future__ import annotations

import pytest

from openjobcenter.applications.validators import (
    InvalidValueError,
    clean_iban,
    clean_pension_number,
    clean_tax_id,
    pension_check_digit,
    tax_id_check_digit,
)


def test_valid_iban_names_the_bank() -> None:
    checked = clean_iban("de89 3704 0044 0532 0130 00")
    assert checked.iban == "DE89370400440532013000"
    assert checked.bank_name == "Commerzbank"


@pytest.mark.parametrize(
    "value", ["DE89370400440532013001", "DE8937040044053201300", "XX00", "", "DE89 ABCD"]
)
def test_invalid_iban(value: str) -> None:
    with pytest.raises(InvalidValueError):
        clean_iban(value)


def test_valid_tax_id() -> None:
    assert tax_id_check_digit("8609574271") == 9
    assert clean_tax_id("86 095 742 719") == "86095742719"


@pytest.mark.parametrize(
    "value",
    [
        "86095742718",  # wrong check digit
        "06095742719",  # leading zero
        "8609574271",  # too short
        "12345678903",  # every digit once: no repeated digit
        "11111111111",  # one digit ten times
        "abcdefghijk",
    ],
)
def test_invalid_tax_id(value: str) -> None:
    with pytest.raises(InvalidValueError):
        clean_tax_id(value)


def test_tax_id_digit_three_times_not_adjacent() -> None:
    # Build a number with one digit three times in a row and a correct check digit:
    # the frequency rule still refuses it.
    first = "1112345678"
    number = first + str(tax_id_check_digit(first))
    with pytest.raises(InvalidValueError):
        clean_tax_id(number)
    spread = "1213145678"
    assert clean_tax_id(spread + str(tax_id_check_digit(spread))) == spread + str(
        tax_id_check_digit(spread)
    )


def test_valid_pension_number() -> None:
    assert pension_check_digit("65170839J00") == 3
    assert clean_pension_number("65 170839 j 003") == "65170839J003"


@pytest.mark.parametrize(
    "value", ["65170839J004", "65170839003", "65173239J003", "6517083J003", ""]
)
def test_invalid_pension_number(value: str) -> None:
    with pytest.raises(InvalidValueError):
        clean_pension_number(value)
