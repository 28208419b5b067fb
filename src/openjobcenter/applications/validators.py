"""Checks of numbers people type: IBAN (with the bank named back), tax ID, pension number.

Each ``clean_*`` returns the canonical form or raises ``InvalidValueError`` with a message in
the active language.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException


class InvalidValueError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedIban:
    iban: str  # compact, upper case
    bank_name: str  # "" where schwifty does not know the bank
    bic: str


def clean_iban(value: str) -> CheckedIban:
    """An IBAN checked by its checksum (ISO 13616 via schwifty), with the bank if known."""
    text = re.sub(r"\s+", "", value).upper()
    if not text:
        raise InvalidValueError(_("Bitte geben Sie Ihre IBAN an."))
    try:
        iban = IBAN(text)
    except SchwiftyException:
        raise InvalidValueError(
            _(
                "Diese IBAN ist nicht gültig. Bitte prüfen Sie jede Ziffer, zum Beispiel auf Ihrer Bankkarte."
            )
        ) from None
    try:
        bank_name = str(iban.bank_name or "")
    except SchwiftyException:  # pragma: no cover - unknown bank registry
        bank_name = ""
    try:
        bic = str(iban.bic or "")
    except SchwiftyException:  # pragma: no cover
        bic = ""
    return CheckedIban(str(iban.compact), bank_name, bic)


def format_iban(value: str) -> str:
    compact = re.sub(r"\s+", "", value).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def bank_name_for(value: str) -> str:
    try:
        return clean_iban(value).bank_name
    except InvalidValueError:
        return ""


def tax_id_check_digit(first_ten: str) -> int:
    """ISO 7064 MOD 11,10 over the first ten digits of a Steuer-IdNr."""
    product = 10
    for ch in first_ten:
        total = (int(ch) + product) % 10
        if total == 0:
            total = 10
        product = (total * 2) % 11
    check = 11 - product
    return 0 if check == 10 else check


def _tax_id_digits_plausible(first_ten: str) -> bool:
    """Exactly one digit occurs twice or three times (three times never all adjacent);
    every other digit at most once (§ 139b AO, BZSt format since 2016)."""
    counts = Counter(first_ten)
    repeated = [d for d, n in counts.items() if n > 1]
    if len(repeated) != 1 or counts[repeated[0]] > 3:
        return False
    return repeated[0] * 3 not in first_ten


def clean_tax_id(value: str) -> str:
    """The German tax ID (Steuerliche Identifikationsnummer): 11 digits, no leading zero,
    digit-frequency rule and check digit."""
    text = re.sub(r"[\s/.-]+", "", value)
    if not re.fullmatch(r"[1-9]\d{10}", text):
        raise InvalidValueError(
            _("Die Steuer-Identifikationsnummer hat 11 Ziffern und beginnt nicht mit 0.")
        )
    if not _tax_id_digits_plausible(text[:10]) or tax_id_check_digit(text[:10]) != int(text[10]):
        raise InvalidValueError(
            _("Diese Steuer-Identifikationsnummer ist nicht gültig. Bitte prüfen Sie die Ziffern.")
        )
    return text


_PENSION_WEIGHTS = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
PENSION_RE = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{2})([A-Z])(\d{2})(\d)$")


def pension_check_digit(first_eleven: str) -> int:
    """Check digit of a pension insurance number (Versicherungsnummer, § 147 SGB VI).

    The letter becomes its two-digit position in the alphabet; the twelve digits are
    weighted 2,1,2,5,7,1,2,1,2,1,2,1, the digit sums of the products added, modulo 10."""
    digits = first_eleven[:8] + f"{ord(first_eleven[8]) - 64:02d}" + first_eleven[9:11]
    total = 0
    for d, w in zip(digits, _PENSION_WEIGHTS, strict=True):
        product = int(d) * w
        total += product // 10 + product % 10
    return total % 10


def clean_pension_number(value: str) -> str:
    """A pension insurance number: area (2 digits), birth date DDMMYY, initial letter of
    the birth name, serial (2 digits), check digit."""
    text = re.sub(r"\s+", "", value).upper()
    m = PENSION_RE.match(text)
    if not m:
        raise InvalidValueError(
            _(
                "Die Rentenversicherungsnummer hat 12 Zeichen: 8 Ziffern, einen Buchstaben und "
                "3 Ziffern, zum Beispiel 12 150780 M 003."
            )
        )
    day, month = int(m[2]), int(m[3])
    # Numbers for people whose exact birth date is unknown may use day or month 0, and
    # a second number for the same date adds 50 to the day.
    day = day - 50 if day > 50 else day
    try:
        if day and month:
            date(2000, month, day)
    except ValueError:
        raise InvalidValueError(
            _("Diese Rentenversicherungsnummer ist nicht gültig. Bitte prüfen Sie die Zeichen.")
        ) from None
    if pension_check_digit(text[:11]) != int(text[11]):
        raise InvalidValueError(
            _("Diese Rentenversicherungsnummer ist nicht gültig. Bitte prüfen Sie die Zeichen.")
        )
    return text
