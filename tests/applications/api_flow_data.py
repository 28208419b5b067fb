"""Raw answers (as an app would send them) for a couple with one child (A2's API tests)."""

from __future__ import annotations

from typing import Any

RAW_ANSWERS: dict[str, dict[str, Any]] = {
    "filing": {
        "first_name": "Karl",
        "last_name": "Kunde",
        "birth_date": "1985-04-12",
        "street": "Hauptstraße 1",
        "postcode": "36037",
        "city": "Fulda",
        "email": "kunde@example.org",
    },
    "personal": {"birth_place": "Fulda", "nationality": "german", "marital_status": "married"},
    "bank": {
        "has_account": "yes",
        "iban": "DE89 3704 0044 0532 0130 00",
        "account_holder": "Karl Kunde",
    },
    "situation": {
        "able_to_work": "yes",
        "education": "none",
        "in_institution": "no",
        "pension": "no",
    },
    "household": {
        "members": [
            {
                "role": "partner",
                "first_name": "Eva",
                "last_name": "Kunde",
                "birth_date": "1988-09-30",
            },
            {
                "role": "child",
                "first_name": "Mia",
                "last_name": "Kunde",
                "birth_date": "2019-03-01",
            },
        ]
    },
    "member:p2": {"nationality": "german", "education": "none", "able_to_work": "yes"},
    "member:p3": {"nationality": "german", "education": "school"},
    "housing": {
        "kind": "rent",
        "cold_rent": "500,00",
        "service_charges": "100",
        "heating_kind": "central",
        "heating_costs": "90",
        "hot_water": "central",
        "floor_space": "75",
        "moved_in": "2020-01-01",
    },
    "income:p1": {
        "kinds": ["employment"],
        "employer": "Bäckerei Muster",
        "gross_earnings": "600",
        "net_earnings": "480",
    },
    "income:p2": {"kinds": []},
    "income:p3": {"kinds": ["child_benefit"], "child_benefit": "255"},
    "assets": {"significant": "no"},
    "maintenance_claims": {"separated_partner": "no", "child_other_parent": "no"},
    "additional_needs": {"pregnant": "no", "disability": "no", "diet": "no", "other": "no"},
    "health_insurance": {"kind": "statutory", "insurer": "AOK Hessen"},
    "damages": {"third_party": "no"},
    "declarations": {"truthful": True, "report_changes": True, "data_processing": True},
}
