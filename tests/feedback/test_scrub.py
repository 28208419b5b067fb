"""The scrubber: what looks like personal data never reaches the database."""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from openjobcenter.feedback.scrub import (
    DATE_MARK,
    EMAIL_MARK,
    IBAN_MARK,
    NUMBER_MARK,
    PHONE_MARK,
    scrub,
)

# Words around the personal data: letters and punctuation, no digits or "@" (which the
# scrubber would rightly treat as data of their own).
WORDS = st.text(alphabet=string.ascii_letters + "äöüÄÖÜß ,;!?", min_size=0, max_size=30).map(
    lambda s: f" {s.strip()} "
)

IBAN_LENGTHS = {"DE": 22, "AT": 20, "NL": 18, "FR": 27, "PL": 28, "UA": 29, "TR": 26}


def _iban(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


@st.composite
def ibans(draw: st.DrawFn) -> str:
    country = draw(st.sampled_from(sorted(IBAN_LENGTHS)))
    bban_len = IBAN_LENGTHS[country] - 4
    if country == "NL":  # 4 letters (the bank), then 10 digits
        bban = draw(st.text(string.ascii_uppercase, min_size=4, max_size=4)) + draw(
            st.text(string.digits, min_size=10, max_size=10)
        )
    else:
        bban = draw(st.text(string.digits, min_size=bban_len, max_size=bban_len))
    iban = _iban(country, bban)
    style = draw(st.sampled_from(("compact", "groups", "lower", "hyphen")))
    if style == "groups":
        return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    if style == "hyphen":
        return "-".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    if style == "lower":
        return iban.lower()
    return iban


@st.composite
def phones(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(("0", "+49 ", "+49 (0)", "0049 ", "+380 ", "+90 ")))
    area = draw(st.text("123456789", min_size=2, max_size=4))
    rest = draw(st.text(string.digits, min_size=4, max_size=8))
    sep = draw(st.sampled_from((" ", "/", " / ", "-", ".", "")))
    if draw(st.booleans()) and len(rest) > 4:
        rest = rest[:3] + draw(st.sampled_from((" ", "-"))) + rest[3:]
    return f"{prefix}{area}{sep}{rest}"


@settings(max_examples=200)
@given(before=WORDS, iban=ibans(), after=WORDS)
def test_every_iban_variant_is_replaced(before: str, iban: str, after: str) -> None:
    out = scrub(before + iban + after)
    assert IBAN_MARK in out
    assert iban not in out
    assert not any(ch.isdigit() for ch in out)


@settings(max_examples=200)
@given(before=WORDS, email=st.emails(), after=WORDS)
def test_every_email_is_replaced(before: str, email: str, after: str) -> None:
    out = scrub(before + email + after)
    assert "@" not in out
    assert email not in out
    assert EMAIL_MARK in out


@settings(max_examples=200)
@given(before=WORDS, phone=phones(), after=WORDS)
def test_every_phone_variant_is_replaced(before: str, phone: str, after: str) -> None:
    out = scrub(before + phone + after)
    assert not any(ch.isdigit() for ch in out), out
    assert PHONE_MARK in out or DATE_MARK in out


# Words without a salutation or "mein Name ist" before a capitalised word.
PLAIN = WORDS.filter(
    lambda s: (
        not re.search(r"\b(Frau|Herrn?)\s", s) and not re.search(r"(?i)name ist|hei(ß|ss)e", s)
    )
)


@settings(max_examples=100)
@given(text=PLAIN)
def test_text_without_data_is_left_alone(text: str) -> None:
    assert scrub(text) == text


def test_known_cases() -> None:
    cases = {
        "Meine IBAN DE89 3704 0044 0532 0130 00 ist falsch": "Meine IBAN [IBAN] ist falsch",
        "Tippfehler DE12 3704 0044 0532 0130 00.": "Tippfehler [IBAN].",
        "Schreiben Sie an erika.muster@example.org bitte": "Schreiben Sie an [E-Mail] bitte",
        "erika (at) example (dot) org": "[E-Mail]",
        "Geboren am 12.03.1985, nicht 1985-03-12 oder 3. März 1985.": (
            "Geboren am [Datum], nicht [Datum] oder [Datum]."
        ),
        "Kundennummer: 123A456789": "Kundennummer: [Kundennummer]",
        "meine BG-Nummer 12345BG1234567": "meine BG-Nummer [Kundennummer]",
        "Kd.-Nr. A-1001 steht oben": "Kd.-Nr. [Kundennummer] steht oben",
        "Rufen Sie mich an: 0661 / 123 45-67": "Rufen Sie mich an: [Telefon]",
        "Steuer-ID 12345678901": "Steuer-ID [Kundennummer]",
        "Zahl 98765432 im Text": "Zahl [Nummer] im Text",
        "3 Kinder, 450 Euro Miete, Schritt 2 von 7": "3 Kinder, 450 Euro Miete, Schritt 2 von 7",
        "Frau Müller am Empfang war nett": "Frau [Name] am Empfang war nett",
        "Herr Dr. Schmidt hat geholfen": "Herr Dr. [Name] hat geholfen",
        "Mein Name ist Karl Kunde.": "Mein Name ist [Name].",
        "Ich wohne Musterstraße 12a in Fulda": "Ich wohne [Adresse] in Fulda",
        "Frau und Kinder, Ich bin Rentner": "Frau und Kinder, Ich bin Rentner",
    }
    for raw, expected in cases.items():
        assert scrub(raw) == expected, raw
    assert NUMBER_MARK
