"""Remove what looks like personal data from a free-text comment before it is stored.

Pure functions, no Django. Replaced by markers (German, since the stored text is read
by the job centre's staff): IBANs (checksum-valid ones of any country, and any German
``DE`` + 20 digits even with a typo), e-mail addresses, full dates (a date of birth
cannot be told from another date, so every full date goes), customer and benefit-unit
numbers (the Federal Employment Agency's formats and anything after a word like
"Kundennummer"), phone numbers (national, international, with the usual separators)
any other run of six or more digits, a street with its house number, and a name where
people usually write one (after "Frau", "Herr", "mein Name ist"). The raw text is never returned, stored or
logged; callers keep only ``scrub(text)``.
"""

from __future__ import annotations

import re

IBAN_MARK = "[IBAN]"
EMAIL_MARK = "[E-Mail]"
PHONE_MARK = "[Telefon]"
DATE_MARK = "[Datum]"
NUMBER_MARK = "[Kundennummer]"
DIGITS_MARK = "[Nummer]"
NAME_MARK = "[Name]"
ADDRESS_MARK = "[Adresse]"
MARKERS = (
    IBAN_MARK,
    EMAIL_MARK,
    PHONE_MARK,
    DATE_MARK,
    NUMBER_MARK,
    DIGITS_MARK,
    NAME_MARK,
    ADDRESS_MARK,
)

# Where an IBAN may start: two letters and two check digits at a word start. How long
# it is comes from the country's IBAN length (schwifty's registry); people group it by
# spaces or hyphens as they type it off a card or statement.
_IBAN_START = re.compile(r"\b[A-Z]{2}\d{2}", re.IGNORECASE)
_IBAN_LENGTHS: dict[str, int | None] = {}
_EMAIL = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*(?:\.|\(dot\))\s*[\w-]+)+",
    re.IGNORECASE,
)
_MONTHS = (
    "januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|"
    "november|dezember|jan|feb|mär|apr|jun|jul|aug|sep|sept|okt|nov|dez"
)
_DATE = re.compile(
    r"\b\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{2,4}\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"
    rf"|\b\d{{1,2}}\.?\s*(?:{_MONTHS})\.?\s+\d{{2,4}}\b",
    re.IGNORECASE,
)
_NUMBER_WORD = re.compile(
    r"\b(kunden-?\s?(?:nummer|nr\.?)|kd\.?\s?-?\s?nr\.?|bg-?\s?(?:nummer|nr\.?)"
    r"|aktenzeichen|az\.|versicherungsnummer|steuer-?id|steuernummer)"
    r"(\s*[:.#]?\s*)[A-Z0-9/-]*\d[A-Z0-9/-]*",
    re.IGNORECASE,
)
# The agency's customer number (123A456789) and benefit-unit number (12345BG1234567).
_NUMBER_SHAPE = re.compile(r"\b\d{3}[A-Z]\d{6}\b|\b\d{5}\s?BG\s?\d{7}\b", re.IGNORECASE)
# A phone number: + or 0 first, then digits with spaces, slashes, hyphens, dots or a
# bracketed part; 6 to 18 digits in all (with a bracketed trunk 0).
_PHONE = re.compile(r"(?<![\w+])(?:\+|00|0)(?:[\s./-]*\(?\d\)?){5,17}(?!\w)")
_DIGITS = re.compile(r"\d(?:[\s./-]?\d){5,}")
# A name where people usually write one: after a salutation or "mein Name ist" / "ich
# heiße" (one or two capitalised words). Names elsewhere cannot be told from other words.
_NAME = re.compile(
    r"\b((?:Frau|Herrn?|Hr\.|Fr\.)(?:\s+Dr\.)?|Dr\.|(?i:mein name ist|ich hei(?:ß|ss)e))"
    r"(\s+)[A-ZÄÖÜ][\w'-]+(?:\s+[A-ZÄÖÜ][\w'-]+)?"
)
# A street with its house number ("Musterstraße 12a", "Am Markt 3").
_ADDRESS = re.compile(
    r"\b[A-ZÄÖÜ][\wäöüß-]*(?:stra(?:ß|ss)e|str\.|weg|gasse|platz|allee|ring|damm)"
    r"\s+\d{1,4}\s?[a-z]?\b",
    re.IGNORECASE,
)


def _iban_length(country: str) -> int | None:
    if country not in _IBAN_LENGTHS:
        from schwifty import registry

        try:
            _IBAN_LENGTHS[country] = int(registry.get_iban_spec(country).iban_length)
        except Exception:
            _IBAN_LENGTHS[country] = None
    return _IBAN_LENGTHS[country]


def _mod97(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
    except ValueError:
        return False


def _ibans(text: str) -> str:
    out: list[str] = []
    pos = 0
    for match in _IBAN_START.finditer(text):
        if match.start() < pos:
            continue
        country = match.group(0)[:2].upper()
        length = _iban_length(country)
        if length is None:
            continue
        compact = match.group(0).upper()
        i = match.end()
        while len(compact) < length and i < len(text):
            ch = text[i]
            if ch.isascii() and ch.isalnum():
                compact += ch.upper()
                i += 1
            elif (
                ch in " -" and i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalnum()
            ):
                i += 1
            else:
                break
        if len(compact) != length or (i < len(text) and text[i].isascii() and text[i].isalnum()):
            continue
        # A German IBAN is kept out even with a typo in its check digits.
        if _mod97(compact) or re.fullmatch(r"DE\d{20}", compact):
            out.append(text[pos : match.start()])
            out.append(IBAN_MARK)
            pos = i
    out.append(text[pos:])
    return "".join(out)


def scrub(text: str) -> str:
    """``text`` with personal-data-like parts replaced by markers (see the module doc)."""
    out = _ibans(text)
    out = _EMAIL.sub(EMAIL_MARK, out)
    out = _NUMBER_WORD.sub(lambda m: f"{m.group(1)}{m.group(2)}{NUMBER_MARK}", out)
    out = _NUMBER_SHAPE.sub(NUMBER_MARK, out)
    out = _DATE.sub(DATE_MARK, out)
    out = _ADDRESS.sub(ADDRESS_MARK, out)
    out = _NAME.sub(lambda m: f"{m.group(1)}{m.group(2)}{NAME_MARK}", out)
    out = _PHONE.sub(PHONE_MARK, out)
    return _DIGITS.sub(DIGITS_MARK, out)


def found(text: str) -> bool:
    """Whether ``scrub`` would change ``text`` (the thank-you says so)."""
    return scrub(text) != text
