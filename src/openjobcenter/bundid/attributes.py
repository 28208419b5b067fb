"""The attributes a BundID login confirms, read from pysaml2's ``session_info``.

Names are the OIDs the BundID sends (requested in the AuthnRequest; a Keycloak broker
forwards them under the same names when its mappers keep them, docs/bundid.md). The
friendly names are accepted as well, so a broker that renames them still works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

BPK2 = "urn:oid:1.3.6.1.4.1.25484.494450.3"
NAMES: dict[str, tuple[str, ...]] = {
    "first_name": ("urn:oid:2.5.4.42", "givenName"),
    "last_name": ("urn:oid:2.5.4.4", "surname", "sn"),
    "birth_date": ("urn:oid:1.2.40.0.10.2.1.1.55", "PVP-BIRTHDATE", "birthdate", "dateOfBirth"),
    "street": ("urn:oid:2.5.4.16", "postalAddress", "street"),
    "postcode": ("urn:oid:2.5.4.17", "postalCode"),
    "city": ("urn:oid:2.5.4.7", "localityName", "l"),
    "email": ("urn:oid:0.9.2342.19200300.100.1.3", "mail"),
}
REQUIRED = ("first_name", "last_name")
LABELS = {
    "first_name": _("Vorname"),
    "last_name": _("Nachname"),
    "birth_date": _("Geburtsdatum"),
    "street": _("Straße und Hausnummer"),
    "postcode": _("Postleitzahl"),
    "city": _("Ort"),
    "email": _("E-Mail-Adresse"),
}
# What the customer may correct (the e-mail address is the account's own business).
CORRECTABLE = ("first_name", "last_name", "birth_date", "street", "postcode", "city")


class MissingAttributesError(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


@dataclass(frozen=True)
class Verified:
    subject: str  # bPK2, else the persistent NameID
    values: dict[str, str]


def _first(ava: Mapping[str, Any], names: tuple[str, ...]) -> str:
    for name in names:
        found = ava.get(name)
        if isinstance(found, list | tuple) and found:
            found = found[0]
        if isinstance(found, str) and found.strip():
            return found.strip()[:200]
    return ""


def _date(value: str) -> str:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def read(session_info: Mapping[str, Any]) -> Verified:
    """The pseudonym and the confirmed values; ``MissingAttributesError`` when the answer
    lacks the pseudonym or a required name."""
    ava = session_info.get("ava") or {}
    values = {key: _first(ava, names) for key, names in NAMES.items()}
    if values["birth_date"]:
        values["birth_date"] = _date(values["birth_date"])
    values = {k: v for k, v in values.items() if v}
    name_id = session_info.get("name_id")
    subject = _first(ava, (BPK2, "bPK2")) or str(getattr(name_id, "text", "") or "").strip()
    missing = [key for key in REQUIRED if key not in values]
    if not subject:
        missing.insert(0, "subject")
    if missing:
        raise MissingAttributesError(missing)
    return Verified(subject=subject, values=values)
