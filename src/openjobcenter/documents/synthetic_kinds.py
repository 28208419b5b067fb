"""Varied document pages for the documents benchmark (issue 19, item 5): several kinds of
proof a job centre asks for, each with its own layout, in several font families and
sizes, with random names, addresses, dates and amounts (seeded, so a run can be
repeated). ``synthetic.make_photo`` turns a page into a phone photo.

Kinds (the keys of ``KINDS`` are the pipeline's document kinds, ``documents.pipeline``'s
``KIND_RULES``): payslip, bank statement, tenancy agreement extract, service-charge
statement, heating bill, child benefit notice, termination notice, free letter.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageDraw, ImageFont

from openjobcenter.documents.synthetic import PAGE_PX, RenderedPage

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
LIBERATION = "/usr/share/fonts/truetype/liberation/"
# (regular, bold) per family: sans, serif, condensed, monospaced, in two free families.
FAMILIES = [
    (DEJAVU + "DejaVuSans.ttf", DEJAVU + "DejaVuSans-Bold.ttf"),
    (DEJAVU + "DejaVuSerif.ttf", DEJAVU + "DejaVuSerif-Bold.ttf"),
    (DEJAVU + "DejaVuSansCondensed.ttf", DEJAVU + "DejaVuSansCondensed-Bold.ttf"),
    (LIBERATION + "LiberationSans-Regular.ttf", LIBERATION + "LiberationSans-Bold.ttf"),
    (LIBERATION + "LiberationSerif-Regular.ttf", LIBERATION + "LiberationSerif-Bold.ttf"),
    (LIBERATION + "LiberationMono-Regular.ttf", LIBERATION + "LiberationMono-Bold.ttf"),
]

FIRST = ["Karl", "Ayşe", "Olena", "Jürgen", "Fatma", "Mehmet", "Anna", "Björn", "Zoë", "Dariusz"]
LAST = ["Kunde", "Öztürk", "Schäfer", "Kowalski", "Müller", "Weiß", "Haddad", "Bondarenko"]
STREETS = ["Bahnhofstraße", "Am Rosengarten", "Königstraße", "Löherstraße", "Petersberger Weg"]
TOWNS = [("36037", "Fulda"), ("36251", "Bad Hersfeld"), ("65183", "Wiesbaden"), ("35390", "Gießen")]
COMPANIES = ["Muster Logistik GmbH", "Bäckerei Schröder KG", "Pflegedienst Sonnenhof gGmbH"]
PAYEES = ["REWE Markt", "Stadtwerke Fulda", "Vodafone GmbH", "Miete Wohnung", "Apotheke am Dom"]
PAYEES += ["Bürgergeld Jobcenter", "Kindergeld Familienkasse", "Lohn Muster Logistik"]
WORDS = [
    "wir",
    "bitten",
    "Sie",
    "die",
    "Unterlagen",
    "bis",
    "zum",
    "genannten",
    "Termin",
    "einzureichen",
    "und",
    "danken",
    "Ihnen",
    "für",
    "Ihre",
    "Mitwirkung",
    "bei",
    "Fragen",
    "erreichen",
    "Sie",
    "uns",
    "montags",
    "bis",
    "freitags",
    "zu",
    "den",
    "üblichen",
    "Zeiten",
    "die",
    "Zahlung",
    "erfolgt",
    "monatlich",
    "im",
    "Voraus",
    "auf",
    "das",
    "angegebene",
    "Konto",
    "Änderungen",
    "teilen",
    "Sie",
    "uns",
    "bitte",
    "unverzüglich",
    "schriftlich",
    "mit",
]


class Page:
    """A page being drawn: text lines are kept as the ground truth for OCR."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.img = Image.new("L", PAGE_PX, 255)
        self.draw = ImageDraw.Draw(self.img)
        regular, bold = rnd.choice(FAMILIES)
        self.size = rnd.randint(28, 38)
        self.body = ImageFont.truetype(regular, self.size)
        self.bold = ImageFont.truetype(bold, self.size)
        self.title_font = ImageFont.truetype(bold, self.size + rnd.randint(10, 20))
        self.left = rnd.randint(130, 190)
        self.y = rnd.randint(140, 200)
        self.lines: list[str] = []

    def gap(self, px: int) -> None:
        self.y += px

    def title(self, text: str) -> None:
        self.draw.text((self.left, self.y), text, font=self.title_font, fill=0)
        self.lines.append(text)
        self.y += int(self.size * 3.2)

    def line(self, text: str, *, bold: bool = False, x: int | None = None) -> None:
        font = self.bold if bold else self.body
        self.draw.text((self.left if x is None else x, self.y), text, font=font, fill=15)
        self.lines.append(text)
        self.y += int(self.size * 1.75)

    def table(self, rows: Sequence[tuple[str, ...]], cols: list[int], *, rules: bool) -> None:
        for r, row in enumerate(rows):
            font = self.bold if r == 0 else self.body
            for x, cell in zip(cols, row, strict=True):
                self.draw.text((self.left + x, self.y), cell, font=font, fill=0)
            self.lines.append(" ".join(row))
            self.y += int(self.size * 1.6)
            if rules:
                self.draw.line(
                    (self.left, self.y - 8, PAGE_PX[0] - 150, self.y - 8), fill=130, width=2
                )

    def paragraph(self, words: int, width_chars: int) -> None:
        text = " ".join(self.rnd.choice(WORDS) for _ in range(words))
        text = text[0].upper() + text[1:] + "."
        line = ""
        for word in text.split():
            if len(line) + len(word) + 1 > width_chars:
                self.line(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        if line:
            self.line(line)

    def done(self) -> RenderedPage:
        return RenderedPage(self.img, "\n".join(self.lines))


def _money(rnd: random.Random, low: float, high: float) -> str:
    value = f"{rnd.uniform(low, high):,.2f}"  # 1,234.56
    return value.replace(",", "X").replace(".", ",").replace("X", ".")


def _date(rnd: random.Random, year: int = 2026) -> str:
    return f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{year}"


def _person(rnd: random.Random) -> tuple[str, str]:
    postcode, town = rnd.choice(TOWNS)
    name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
    return name, f"{rnd.choice(STREETS)} {rnd.randint(1, 99)}, {postcode} {town}"


def payslip(p: Page) -> None:
    rnd = p.rnd
    name, address = _person(rnd)
    p.title(f"Verdienstabrechnung {rnd.choice(['Oktober', 'November', 'März'])} 2026")
    p.line(f"{rnd.choice(COMPANIES)}, {rnd.choice(STREETS)} {rnd.randint(1, 40)}")
    p.line(f"{name}, {address}")
    p.line(f"Personalnummer {rnd.randint(1000, 99999):06d}   Steuerklasse {rnd.randint(1, 5)}")
    p.gap(30)
    gross = rnd.uniform(900, 3200)
    rows = [("Lohnart", "Bezeichnung", "Betrag"), ("1000", "Grundlohn", _money(rnd, gross, gross))]
    rows += [
        (str(3000 + 100 * i), label, _money(rnd, 5, 300))
        for i, label in enumerate(
            ["Lohnsteuer", "Krankenversicherung", "Rentenversicherung", "Pflegeversicherung"]
        )
    ]
    rows.append(("6000", "Auszahlungsbetrag", _money(rnd, gross * 0.6, gross * 0.8)))
    p.table(rows, [0, 240, 1080], rules=rnd.random() < 0.7)


def bank_statement(p: Page) -> None:
    rnd = p.rnd
    name, _address = _person(rnd)
    p.title(f"Kontoauszug Nr. {rnd.randint(1, 12)}/2026")
    p.line(f"Kontoinhaber {name}")
    p.line(
        f"IBAN DE{rnd.randint(10, 99)} 5305 0180 {rnd.randint(1000, 9999)} {rnd.randint(1000, 9999)} 00"
    )
    p.line(f"Alter Kontostand {_money(rnd, 10, 900)} EUR")
    p.gap(20)
    rows = [("Buchungstag", "Verwendungszweck", "Betrag")]
    for _ in range(rnd.randint(8, 13)):
        sign = "+" if rnd.random() < 0.3 else "-"
        rows.append((_date(rnd), rnd.choice(PAYEES), f"{sign}{_money(rnd, 3, 900)}"))
    p.table(rows, [0, 300, 1070], rules=rnd.random() < 0.4)
    p.gap(20)
    p.line(f"Neuer Kontostand {_money(rnd, 10, 900)} EUR", bold=True)


def tenancy_agreement(p: Page) -> None:
    rnd = p.rnd
    tenant, address = _person(rnd)
    landlord, landlord_address = _person(rnd)
    p.title("Mietvertrag über Wohnraum (Auszug)")
    p.line(f"Vermieter: {landlord}, {landlord_address}")
    p.line(f"Mieter: {tenant}")
    p.line(f"Mietsache: {address}, {rnd.randint(1, 4)}. Obergeschoss")
    p.line(f"Wohnfläche: {rnd.randint(28, 95)} m², {rnd.randint(1, 4)} Zimmer")
    p.gap(20)
    rows = [("Position", "monatlich"), ("Kaltmiete", f"{_money(rnd, 280, 900)} EUR")]
    rows += [
        ("Nebenkosten", f"{_money(rnd, 60, 250)} EUR"),
        ("Heizkosten", f"{_money(rnd, 40, 160)} EUR"),
    ]
    p.table(rows, [0, 700], rules=True)
    p.gap(20)
    p.paragraph(rnd.randint(25, 40), 58)


def service_charge_statement(p: Page) -> None:
    rnd = p.rnd
    name, address = _person(rnd)
    p.title("Nebenkostenabrechnung 2025")
    p.line(f"Mieter: {name}, {address}")
    p.line("Abrechnungszeitraum 01.01.2025 bis 31.12.2025")
    p.gap(20)
    rows = [("Betriebskostenart", "Gesamt", "Ihr Anteil")]
    for label in [
        "Grundsteuer",
        "Wasser",
        "Müllabfuhr",
        "Hausreinigung",
        "Gartenpflege",
        "Allgemeinstrom",
    ]:
        rows.append((label, _money(rnd, 200, 4000), _money(rnd, 20, 400)))
    p.table(rows, [0, 640, 1040], rules=rnd.random() < 0.6)
    p.gap(20)
    p.line(f"Nachzahlung {_money(rnd, 10, 400)} EUR, fällig am {_date(rnd)}", bold=True)


def heating_bill(p: Page) -> None:
    rnd = p.rnd
    name, address = _person(rnd)
    p.title("Heizkostenabrechnung 2025")
    p.line(f"Nutzer: {name}, {address}")
    p.gap(20)
    rows = [
        ("Kostenart", "Verbrauch", "Betrag"),
        ("Heizung", f"{rnd.randint(900, 9000)} kWh", _money(rnd, 200, 1400)),
    ]
    rows += [
        ("Warmwasser", f"{rnd.randint(10, 60)} m³", _money(rnd, 50, 500)),
        ("Grundkosten", "-", _money(rnd, 50, 300)),
    ]
    p.table(rows, [0, 560, 1040], rules=True)
    p.gap(20)
    p.paragraph(rnd.randint(20, 30), 60)


def child_benefit_notice(p: Page) -> None:
    rnd = p.rnd
    name, address = _person(rnd)
    p.line("Familienkasse Hessen", bold=True)
    p.line(f"{name}, {address}")
    p.gap(30)
    p.title("Bescheid über Kindergeld")
    p.line(f"Kindergeldnummer {rnd.randint(100, 999)}FK{rnd.randint(100000, 999999)}")
    p.line(f"Für Ihr Kind {rnd.choice(FIRST)}, geboren am {_date(rnd, rnd.randint(2008, 2024))},")
    p.line(f"wird ab {_date(rnd)} Kindergeld von monatlich 259,00 EUR festgesetzt.")
    p.gap(20)
    p.paragraph(rnd.randint(30, 50), 60)


def termination_notice(p: Page) -> None:
    rnd = p.rnd
    name, address = _person(rnd)
    p.line(rnd.choice(COMPANIES), bold=True)
    p.line(f"{name}, {address}")
    p.gap(30)
    p.title("Kündigung des Arbeitsverhältnisses")
    p.line("Sehr geehrte Damen und Herren, hiermit kündigen wir das Arbeitsverhältnis")
    p.line(f"ordentlich und fristgerecht zum {_date(rnd)}.")
    p.paragraph(rnd.randint(30, 45), 62)
    p.gap(30)
    p.line(f"Fulda, den {_date(rnd)}")


def letter(p: Page) -> None:
    rnd = p.rnd
    name, address = _person(rnd)
    p.line(f"{name}, {address}")
    p.gap(30)
    p.title("Ihr Schreiben vom " + _date(rnd))
    for _ in range(rnd.randint(2, 4)):
        p.paragraph(rnd.randint(25, 45), 60)
        p.gap(20)


KINDS: dict[str, Callable[[Page], None]] = {
    "payslip": payslip,
    "bank_statement": bank_statement,
    "tenancy_agreement": tenancy_agreement,
    "service_charge_statement": service_charge_statement,
    "heating_bill": heating_bill,
    "child_benefit_notice": child_benefit_notice,
    "termination_notice": termination_notice,
    "other": letter,  # a free letter: no kind to suggest
}


def render_kind(kind: str, seed: int) -> RenderedPage:
    """A page of ``kind`` (a key of ``KINDS``), its layout, font and data from ``seed``."""
    page = Page(random.Random(f"{kind}:{seed}"))  # noqa: S311 - test pictures, not secrets
    KINDS[kind](page)
    return page.done()
