"""FIM data-field identifiers (Föderales Informationsmanagement, Baustein Datenfelder,
"BOB" harmonised elements) of the form fields that have one, carried in the published JSON
Schema as the annotation ``x-fim-id`` (issue 24 §3). Only identifiers found in a public
source are listed; the sources are in docs/handoff.md ("FIM data-field identifiers").
An annotation changes no validation: published schema versions stay valid."""

from __future__ import annotations

# form field key -> FIM identifier (F… data field, G… data-field group)
FIELD_IDS: dict[str, str] = {
    "last_name": "F60000227",  # Familienname
    "first_name": "F60000228",  # Vornamen
    "birth_date": "G60000083",  # Geburtsdatum (group: Tag F60000231, Monat F60000232, Jahr F60000233)
    "postcode": "F60000246",  # Postleitzahl
    "city": "F60000247",  # Ort
}


def annotate(key: str, schema: dict[str, object]) -> dict[str, object]:
    """``schema`` with ``x-fim-id`` when the field ``key`` has a FIM identifier."""
    fim = FIELD_IDS.get(key)
    return {**schema, "x-fim-id": fim} if fim else schema
