"""Demo applications for the demo customers of Fulda. Idempotent.

Karl Kunde gets a submitted first application (couple with one child), Olena Kovalenko a
filed draft that still has open steps. Call ``load_applications()`` from ``demo_load``
after the people are loaded.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application
from openjobcenter.applications.services import (
    application_start,
    application_step_save,
    application_submit,
)

FILING = {
    "first_name": "Karl",
    "last_name": "Kunde",
    "birth_date": "1985-04-12",
    "street": "Marktstraße 3",
    "postcode": "36037",
    "city": "Fulda",
    "email": "kunde@example.org",
}
KARL: dict[str, dict[str, Any]] = {
    "filing": FILING,
    "personal": {"birth_place": "Fulda", "nationality": "german", "marital_status": "married"},
    "bank": {
        "has_account": "yes",
        "iban": "DE89370400440532013000",
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
                "id": "p2",
                "role": "partner",
                "first_name": "Eva",
                "last_name": "Kunde",
                "birth_date": "1988-09-30",
            },
            {
                "id": "p3",
                "role": "child",
                "first_name": "Mia",
                "last_name": "Kunde",
                "birth_date": "2019-03-01",
            },
        ]
    },
    "member:p2": {"nationality": "german", "education": "none", "able_to_work": "yes"},
    "member:p3": {"nationality": "german", "education": "none"},
    "housing": {
        "kind": "rent",
        "cold_rent": "520",
        "service_charges": "110",
        "heating_kind": "central",
        "heating_costs": "95",
        "hot_water": "central",
        "floor_space": "72",
        "moved_in": "2021-05-01",
    },
    "income:p1": {
        "kinds": ["employment"],
        "employer": "Bäckerei Muster",
        "gross_earnings": "603",
        "net_earnings": "603",
    },
    "income:p2": {"kinds": []},
    "income:p3": {"kinds": ["child_benefit"], "child_benefit": "259"},
    "person_assets:p1": {"has_assets": "no"},
    "person_assets:p2": {"has_assets": "no"},
    "person_assets:p3": {"has_assets": "no"},
    "maintenance_claims": {"separated_partner": "no", "child_other_parent": "no"},
    "additional_needs": {"pregnant": "no", "disability": "no", "diet": "no", "other": "no"},
    "person_health_insurance:p1": {"kind": "statutory", "insurer": "AOK Hessen"},
    "person_health_insurance:p2": {"kind": "statutory", "insurer": "AOK Hessen"},
    "person_health_insurance:p3": {"kind": "family", "insurer": "AOK Hessen", "family_via": "p1"},
    "damages": {"third_party": "no"},
    "declarations": {"truthful": True, "report_changes": True, "data_processing": True},
}


def _fill(app: Application, answers: dict[str, dict[str, Any]]) -> None:
    for key, values in answers.items():
        row = app.steps.filter(step_key=key).first()
        application_step_save(
            request=None,
            application=app,
            step_key=key,
            answers=values,
            base_version=row.version if row else 0,
        )


@transaction.atomic
def load_applications() -> None:
    karl = CustomerProfile.objects.filter(user__email="kunde@example.org").first()
    if karl is not None and not Application.objects.filter(customer=karl).exists():
        app = application_start(request=None, customer=karl, kind="initial")
        _fill(app, KARL)
        application_submit(request=None, application=app)
    olena = CustomerProfile.objects.filter(user__email="kundin@example.org").first()
    if olena is not None and not Application.objects.filter(customer=olena).exists():
        app = application_start(request=None, customer=olena, kind="initial")
        _fill(
            app,
            {
                "filing": {
                    "first_name": "Olena",
                    "last_name": "Kovalenko",
                    "birth_date": "1990-06-21",
                    "street": "Bahnhofstraße 7",
                    "postcode": "36037",
                    "city": "Fulda",
                    "email": "kundin@example.org",
                }
            },
        )


@transaction.atomic
def load_main_kinzig_applications() -> None:
    """Amira Haddad (Main-Kinzig-Kreis) has filed her application to secure the date."""
    amira = CustomerProfile.objects.filter(user__email="kundin.gelnhausen@example.org").first()
    if amira is not None and not Application.objects.filter(customer=amira).exists():
        app = application_start(request=None, customer=amira, kind="initial")
        _fill(
            app,
            {
                "filing": {
                    "first_name": "Amira",
                    "last_name": "Haddad",
                    "birth_date": "1993-02-14",
                    "street": "Kuhgasse 4",
                    "postcode": "63571",
                    "city": "Gelnhausen",
                    "email": "kundin.gelnhausen@example.org",
                }
            },
        )
