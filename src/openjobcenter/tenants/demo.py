"""Demo data: the 27 job centres of Hessen with every municipality, two adapted ones.

Idempotent: running it again updates in place and creates nothing twice.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypedDict

from django.db import transaction

from openjobcenter.tenants.models import Jobcenter, JobcenterKind, Office, ServiceArea

DEMO_PASSWORD = "Demo-Passwort-2026"  # noqa: S105 - printed for testers on purpose
# Base32 TOTP secret shared by the demo staff, so a tester can add it to any authenticator app.
DEMO_TOTP_SECRET = "OPENJOBCENTERDEMOSECRETKEY234567"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    email: str
    what: str


class Reference(TypedDict):
    """``data/hessen.json``: the job centres and the municipalities (with postcodes)."""

    jobcenters: list[dict[str, str]]
    municipalities: list[dict[str, Any]]


@functools.cache
def _load_reference() -> Reference:
    # Package data: read and parsed once per process (callers only read it).
    text = resources.files("openjobcenter.tenants").joinpath("data/hessen.json").read_text("utf-8")
    data: Reference = json.loads(text)
    return data


FULDA_TEXTS = {
    "intro": (
        "Willkommen beim Kommunalen Kreisjobcenter Landkreis Fulda (Demo). "
        "Hier erledigen Sie Ihre Anliegen rund um das Bürgergeld online – rund um die Uhr."
    ),
    "phone": "0661 6006-0",
    "email": "kreisjobcenter@landkreis-fulda.example",
    "website": "https://www.landkreis-fulda.de",
    "imprint": (
        "Demo-Impressum.\nKommunales Kreisjobcenter Landkreis Fulda\nWörthstraße 15\n"
        "36037 Fulda\nVertreten durch den Landrat."
    ),
    "privacy": (
        "Demo-Datenschutzerklärung. Wir verarbeiten Ihre Daten nur, soweit es für Ihren Antrag "
        "nötig ist (Art. 6 Abs. 1 lit. c und e DSGVO, §§ 67 ff. SGB X)."
    ),
    "accessibility": (
        "Demo-Erklärung zur Barrierefreiheit. Diese Website soll die Anforderungen der BITV 2.0 "
        "erfüllen. Wenn Ihnen Barrieren auffallen, schreiben Sie uns."
    ),
    "accessibility_feedback_email": "barrierefreiheit@landkreis-fulda.example",
}

FULDA_OFFICES = [
    {
        "name": "Kreisjobcenter Fulda",
        "street": "Wörthstraße 15",
        "postcode": "36037",
        "city": "Fulda",
        "phone": "0661 6006-0",
        "opening_hours": "Mo–Fr 8:00–12:00 Uhr\nDo 14:00–17:30 Uhr",
        "accessible_entrance": True,
        "position": 0,
    },
    {
        "name": "Außenstelle Hünfeld",
        "street": "Hauptstraße 1",
        "postcode": "36088",
        "city": "Hünfeld",
        "phone": "06652 180-0",
        "opening_hours": "Mo, Mi, Fr 8:30–12:00 Uhr",
        "accessible_entrance": False,
        "position": 1,
    },
]


def _load_areas(municipalities: list[dict[str, Any]]) -> None:
    """Every Hessian municipality and postcode to its job centre, in a few queries.

    Rows of the reference job centres that the data no longer names are removed, so a
    regenerated ``hessen.json`` moves a municipality instead of doubling it.
    """
    ids = dict(Jobcenter.objects.values_list("slug", "pk"))
    wanted = {
        (ids[m["jobcenter"]], m["name"], postcode)
        for m in municipalities
        for postcode in m["postcodes"]
    }
    existing = {
        (jc, name, postcode): pk
        for pk, jc, name, postcode in ServiceArea.objects.filter(
            jobcenter_id__in={jc for jc, _n, _p in wanted}
        ).values_list("pk", "jobcenter_id", "municipality", "postcode")
    }
    stale = [pk for key, pk in existing.items() if key not in wanted]
    if stale:
        ServiceArea.objects.filter(pk__in=stale).delete()
    ServiceArea.objects.bulk_create(
        [
            ServiceArea(jobcenter_id=jc, municipality=name, postcode=postcode)
            for jc, name, postcode in sorted(wanted - existing.keys())
        ],
        ignore_conflicts=True,
    )


def _load_rows(items: list[dict[str, str]]) -> None:
    """The reference job centres: new ones in one statement, renamed ones updated, the
    rest untouched (a fresh database, every test's fixture, takes two statements, not
    four per job centre). Both writes set the job centres' version anew (``jccache``)."""
    stored = {
        slug: (pk, name, kind)
        for slug, pk, name, kind in Jobcenter.objects.values_list("slug", "pk", "name", "kind")
    }
    new = [
        Jobcenter(slug=item["slug"], name=item["name"], kind=JobcenterKind(item["kind"]))
        for item in items
        if item["slug"] not in stored
    ]
    if new:
        Jobcenter.objects.bulk_create(new)
    for item in items:
        pk, name, kind = stored.get(item["slug"], (None, item["name"], item["kind"]))
        if pk is not None and (name, kind) != (item["name"], item["kind"]):
            Jobcenter.objects.filter(pk=pk).update(
                name=item["name"], kind=JobcenterKind(item["kind"])
            )


@transaction.atomic
def load_jobcenters() -> int:
    """Create or update the reference job centres; returns how many exist afterwards."""
    data = _load_reference()
    _load_rows(data["jobcenters"])
    _load_areas(data["municipalities"])
    fulda = Jobcenter.objects.get(slug="fulda")
    if not fulda.intro:
        for field, value in FULDA_TEXTS.items():
            setattr(fulda, field, value)
        fulda.primary_colour = "#005a8c"
        fulda.enabled_modules = [
            "applications",
            "appointments",
            "calculator",
            "customer_card",
            "documents",
            "mandates",
            "messaging",
            "postbox",
            "videos",
        ]
        fulda.save()
    have = set(Office.objects.filter(jobcenter=fulda).values_list("name", flat=True))
    missing = [
        Office(jobcenter=fulda, **office) for office in FULDA_OFFICES if office["name"] not in have
    ]
    if missing:
        Office.objects.bulk_create(missing)
    return Jobcenter.objects.count()


# The second fully adapted demo job centre: a municipal one (Kommunales Center für
# Arbeit) with three offices, its own colour and logo. Loaded by ``demo_load`` only, so
# test fixtures that load the reference data stay lean.
MAIN_KINZIG = "main-kinzig"
MAIN_KINZIG_TEXTS = {
    "intro": (
        "Willkommen beim Kommunalen Center für Arbeit – Jobcenter Main-Kinzig-Kreis (Demo). "
        "Ob in Maintal, Gelnhausen oder Schlüchtern: Stellen Sie Ihren Antrag, senden Sie "
        "Unterlagen und buchen Sie Termine online, wann es Ihnen passt."
    ),
    "phone": "06051 9218-0",
    "email": "kca@main-kinzig.example",
    "website": "https://www.mkk.de",
    "imprint": (
        "Demo-Impressum.\nKommunales Center für Arbeit – Jobcenter Main-Kinzig-Kreis\n"
        "Barbarossastraße 16\n63571 Gelnhausen\nVertreten durch den Landrat des "
        "Main-Kinzig-Kreises."
    ),
    "privacy": (
        "Demo-Datenschutzerklärung. Das Kommunale Center für Arbeit verarbeitet Ihre Daten "
        "nur für Ihre Leistungen nach dem SGB II (Art. 6 Abs. 1 lit. c und e DSGVO, "
        "§§ 67 ff. SGB X). Datenschutzbeauftragte: datenschutz@main-kinzig.example"
    ),
    "accessibility": (
        "Demo-Erklärung zur Barrierefreiheit. Diese Website soll die Anforderungen der "
        "BITV 2.0 erfüllen. Barrieren melden Sie bitte per E-Mail; wir antworten innerhalb "
        "von zwei Wochen."
    ),
    "accessibility_feedback_email": "barrierefreiheit@main-kinzig.example",
}
MAIN_KINZIG_COLOUR = "#7a1f2b"
MAIN_KINZIG_OFFICES = [
    {
        "name": "KCA Gelnhausen",
        "street": "Barbarossastraße 16",
        "postcode": "63571",
        "city": "Gelnhausen",
        "phone": "06051 9218-0",
        "opening_hours": "Mo–Fr 8:00–12:00 Uhr\nDi 14:00–16:00 Uhr",
        "accessible_entrance": True,
        "position": 0,
    },
    {
        "name": "KCA Maintal",
        "street": "Klosterhofstraße 4",
        "postcode": "63477",
        "city": "Maintal",
        "phone": "06181 4930-0",
        "opening_hours": "Mo–Fr 8:00–12:00 Uhr\nDo 14:00–18:00 Uhr",
        "accessible_entrance": True,
        "position": 1,
    },
    {
        "name": "KCA Schlüchtern",
        "street": "Am Bahnhof 2",
        "postcode": "36381",
        "city": "Schlüchtern",
        "phone": "06661 9603-0",
        "opening_hours": "Mo, Mi, Fr 8:30–12:00 Uhr",
        "accessible_entrance": False,
        "position": 2,
    },
]


def _logo_png(text: str, colour: str) -> bytes:
    """A plain wordmark (white on the job centre's colour), made here rather than shipped."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (360, 96), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 84, 84), outline="#ffffff", width=4)
    draw.text((30, 38), "KCA", fill="#ffffff")
    draw.text((100, 38), text, fill="#ffffff")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@transaction.atomic
def load_main_kinzig() -> Jobcenter:
    """Adapt the Main-Kinzig-Kreis as the second demo job centre. Idempotent: texts a
    tester has changed stay as they are."""
    from django.core.files.base import ContentFile

    jobcenter = Jobcenter.objects.get(slug=MAIN_KINZIG)
    if not jobcenter.intro:
        for field, value in MAIN_KINZIG_TEXTS.items():
            setattr(jobcenter, field, value)
        jobcenter.primary_colour = MAIN_KINZIG_COLOUR
        jobcenter.customer_number_prefix = "MKK"
        # The same online services as Fulda: the demo shows a full service.
        jobcenter.enabled_modules = [
            "applications",
            "appointments",
            "calculator",
            "customer_card",
            "documents",
            "mandates",
            "messaging",
            "postbox",
            "videos",
        ]
        jobcenter.save()
    if not jobcenter.logo:
        png = _logo_png("Jobcenter Main-Kinzig-Kreis", jobcenter.primary_colour)
        jobcenter.logo.save(f"{MAIN_KINZIG}-logo.png", ContentFile(png), save=True)
    for office in MAIN_KINZIG_OFFICES:
        Office.objects.get_or_create(jobcenter=jobcenter, name=office["name"], defaults=office)
    return jobcenter
