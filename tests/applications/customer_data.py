"""Complete answers for the customer-side tests (A1): a couple with one child, renting.

``COUPLE`` answers the current first application (version 2: health insurance and assets
per person); ``COUPLE_V1`` the same household as version 1 asked it (stored drafts and
submissions of version 1 must keep working)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from openjobcenter.applications.models import Application

COUPLE: dict[str, dict[str, Any]] = {
    "filing": {
        "first_name": "Karl",
        "last_name": "Kunde",
        "birth_date": "12.04.1985",
        "street": "Hauptstraße 1",
        "postcode": "36037",
        "city": "Fulda",
        "email": "kunde@example.org",
        "phone": "0661 12345",
    },
    "personal": {
        "birth_place": "Fulda",
        "nationality": "german",
        "marital_status": "married",
        "tax_id": "86095742719",
        "pension_number": "65170839J003",
    },
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
                "id": "",
                "role": "partner",
                "first_name": "Eva",
                "last_name": "Kunde",
                "birth_date": "30.09.1988",
            },
            {
                "id": "",
                "role": "child",
                "first_name": "Mia",
                "last_name": "Kunde",
                "birth_date": "01.03.2019",
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
        "moved_in": "01.01.2020",
    },
    "income:p1": {
        "kinds": ["employment"],
        "employer": "Bäckerei Muster",
        "gross_earnings": "600",
        "net_earnings": "480",
    },
    "income:p2": {"kinds": []},
    "income:p3": {"kinds": ["child_benefit"], "child_benefit": "255"},
    "person_assets:p1": {
        "has_assets": "yes",
        "kinds": ["accounts", "vehicles"],
        "accounts_value": "1200,00",
        "vehicles_value": "3500",
    },
    "person_assets:p2": {"has_assets": "no"},
    "person_assets:p3": {"has_assets": "no"},
    "maintenance_claims": {"separated_partner": "no", "child_other_parent": "no"},
    "additional_needs": {"pregnant": "no", "disability": "no", "diet": "no", "other": "no"},
    "person_health_insurance:p1": {"kind": "statutory", "insurer": "AOK Hessen"},
    "person_health_insurance:p2": {"kind": "private", "insurer": "Muster PKV"},
    "person_health_insurance:p3": {
        "kind": "family",
        "insurer": "AOK Hessen",
        "family_via": "Karl Kunde",
    },
    "damages": {"third_party": "no"},
    "declarations": {"truthful": "1", "report_changes": "1", "data_processing": "1"},
}

_V2_ONLY = ("person_assets", "person_health_insurance")
COUPLE_V1: dict[str, dict[str, Any]] = {
    **{k: v for k, v in COUPLE.items() if k.partition(":")[0] not in _V2_ONLY},
    "assets": {"significant": "no"},
    "health_insurance": {"kind": "statutory", "insurer": "AOK Hessen"},
}


def enable(jobcenter: Any) -> None:
    if "applications" not in jobcenter.enabled_modules:
        jobcenter.enabled_modules = [*jobcenter.enabled_modules, "applications"]
        jobcenter.save()


def post_data(values: dict[str, Any], base_version: int = 0) -> dict[str, Any]:
    """A step page's POST for these answers (household members as form rows)."""
    data: dict[str, Any] = {"base_version": str(base_version)}
    for key, value in values.items():
        if key == "members":
            data["members-count"] = str(len(value))
            for i, m in enumerate(value):
                for k, v in m.items():
                    data[f"members-{i}-{k}"] = v
        else:
            data[key] = value
    return data


def step_url(app: Application, key: str) -> str:
    return reverse(
        "customer:application_step",
        kwargs={"jc": app.jobcenter.slug, "pk": app.pk, "step_key": key},
    )


def version(app: Application, key: str) -> int:
    row = app.steps.filter(step_key=key).first()
    return row.version if row else 0


def save(client: Client, app: Application, key: str, values: dict[str, Any]) -> Any:
    """Post a step page as the browser would (with the version the page was drawn from)."""
    return client.post(step_url(app, key), post_data(values, version(app, key)))


def fill_all(client: Client, app: Application, answers: dict[str, dict[str, Any]] = COUPLE) -> None:
    for key, values in answers.items():
        response = save(client, app, key, values)
        assert response.status_code == 302, (key, response.status_code, response.content[:3000])
