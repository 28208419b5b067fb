"""Issue 17: the self-check's answers follow the person into the application, with the
structure the application asks for, and each step says where its answers came from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application, ApplicationEvent, EventKind
from openjobcenter.applications.prefill_sources import PREVIOUS, PROFILE, SELF_CHECK, origins
from openjobcenter.applications.selfcheck import SESSION_KEY, prefill_from_self_check
from openjobcenter.applications.services import application_start
from openjobcenter.core.models import AuditEntry
from tests.applications.customer_data import enable
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FAMILY = {
    "applicant_age": "35",
    "has_partner": "on",
    "partner_age": "33",
    "pregnant_week": "20",
    "child_1_age": "4",
    "child_2_age": "9",
    "child_2_support_m": "120",
    "rent_m": "520",
    "service_charges_m": "150",
    "heating_m": "90",
    "decentral_hot_water": "on",
    "gross_earnings_m": "800",
    "net_earnings_m": "640",
    "unemployment_benefit_m": "300",
    "other_income_m": "50",
    "partner_gross_earnings_m": "450",
    "partner_net_earnings_m": "450",
    "partner_other_income_m": "70",
    "wealth": "3000",
}


def _prefill(**changes: str) -> dict[str, dict[str, Any]]:
    post = QueryDict(mutable=True)
    for key, value in {**FAMILY, **changes}.items():
        post[key] = value
    prefill = prefill_from_self_check(post)
    assert prefill is not None
    return prefill


# --- One unit test per carried field ------------------------------------------------------


def test_cold_rent_service_charges_and_heating_as_the_application_asks() -> None:
    housing = _prefill()["housing"]
    assert housing["kind"] == "rent"
    assert housing["cold_rent"] == "520.00"
    assert housing["service_charges"] == "150.00"  # not "0.00" any more
    assert housing["heating_costs"] == "90.00"


def test_service_charges_left_open_when_not_given() -> None:
    housing = _prefill(service_charges_m="")["housing"]
    assert housing["cold_rent"] == "520.00"
    assert "service_charges" not in housing  # asked in the application, not invented as 0


def test_decentral_hot_water() -> None:
    assert _prefill()["housing"]["hot_water"] == "decentral"
    assert "hot_water" not in _prefill(decentral_hot_water="")["housing"]


def test_each_person_with_role() -> None:
    members = _prefill()["household"]["members"]
    assert [(m["id"], m["role"]) for m in members] == [
        ("p2", "partner"),
        ("p3", "child"),
        ("p4", "child"),
    ]
    # Names and birth dates are not known from the self-check: left for the person.
    assert all(m["first_name"] == "" and m["birth_date"] == "" for m in members)


def test_applicant_income() -> None:
    income = _prefill()["income:p1"]
    assert income["kinds"] == ["employment", "unemployment_benefit", "other"]
    assert income["gross_earnings"] == "800.00"
    assert income["net_earnings"] == "640.00"
    assert income["unemployment_benefit"] == "300.00"
    assert income["other_amount"] == "50.00"


def test_partner_income() -> None:
    income = _prefill()["income:p2"]
    assert income["kinds"] == ["employment", "other"]
    assert income["gross_earnings"] == "450.00"
    assert income["other_amount"] == "70.00"


def test_child_maintenance() -> None:
    prefill = _prefill()
    assert prefill["income:p4"] == {"kinds": ["maintenance"], "maintenance": "120.00"}
    assert "income:p3" not in prefill  # no income asked for the first child


def test_assets_carry_over_into_the_annex_structure() -> None:
    # The self-check's one household amount is kept (it used to vanish below the
    # protected amount): as the applicant's savings on accounts, to be checked and split.
    assert _prefill()["person_assets:p1"] == {
        "has_assets": "yes",
        "kinds": ["accounts"],
        "accounts_value": "3000.00",
    }
    assert _prefill(wealth="85000.01")["person_assets:p1"]["accounts_value"] == "85000.01"
    assert "assets" not in _prefill()


def test_no_assets_is_carried_as_no() -> None:
    assert _prefill(wealth="0")["person_assets:p1"] == {"has_assets": "no"}


def test_assets_not_asked_when_left_empty() -> None:
    assert "person_assets:p1" not in _prefill(wealth="")


def test_pregnancy_and_single_parent() -> None:
    assert _prefill()["additional_needs"] == {"pregnant": "yes"}
    single = _prefill(has_partner="", partner_age="", pregnant_week="")
    assert single["additional_needs"] == {"single_parent": "yes"}


def test_origins_prefer_what_was_said_last() -> None:
    found = origins(
        ["filing", "housing", "bank", "assets"],
        self_check={"housing": {"kind": "rent"}, "assets": {}},
        previous={"housing": {}, "bank": {}, "filing": {}},
        profile=True,
    )
    # An empty self-check answer does not claim the step.
    assert found == {"filing": PROFILE, "housing": SELF_CHECK, "bank": PREVIOUS}


# --- The whole path on pages ----------------------------------------------------------------


@time_machine.travel("2026-03-10 12:00 +0100", tick=False)
def test_self_check_to_application_with_login(client: Client, customer: CustomerProfile) -> None:
    jc = customer.jobcenter
    enable(jc)
    if "calculator" not in jc.enabled_modules:
        jc.enabled_modules = [*jc.enabled_modules, "calculator"]
        jc.save()
    customer.street, customer.postcode, customer.city = "Hauptstraße 1", "36037", "Fulda"
    customer.save()
    audits = AuditEntry.objects.count()

    page = client.post(f"/{jc.slug}/vorabcheck/", FAMILY).content.decode()
    assert "Sie haben voraussichtlich Anspruch auf etwa" in page
    assert 'formaction="/fulda/antrag/aus-vorabcheck/"' in page
    # "Jetzt beantragen": the answers wait in the session; without login nothing is stored.
    response = client.post(
        reverse("tenant:application_from_self_check", kwargs={"jc": jc.slug}), FAMILY
    )
    start = reverse("customer:application_start", kwargs={"jc": jc.slug, "kind_slug": "erstantrag"})
    assert response["Location"] == start
    assert SESSION_KEY in client.session
    assert client.get(start)["Location"].startswith("/konto/login/")
    assert Application.objects.count() == 0
    assert AuditEntry.objects.count() == audits

    # Logging in keeps the carried answers (the session key changes, its data stays).
    login = client.post("/konto/login/", {"login": customer.user.email, "password": PASSWORD})
    assert login.status_code == 302
    page = client.get(start).content.decode()
    assert "Wir übernehmen Ihre Angaben aus dem Bürgergeld-Rechner." in page
    opened = client.post(start)
    app = Application.objects.get(customer=customer)
    assert SESSION_KEY not in client.session  # used once

    created = ApplicationEvent.objects.get(application=app, kind=EventKind.CREATED)
    assert created.data["prefilled"]["housing"] == SELF_CHECK
    assert created.data["prefilled"]["filing"] == PROFILE

    def step(key: str) -> str:
        url = reverse(
            "customer:application_step", kwargs={"jc": jc.slug, "pk": app.pk, "step_key": key}
        )
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    assert opened.status_code == 302
    housing = step("housing")
    assert "Aus Ihrem Vorab-Check übernommen." in housing
    assert 'value="520.00"' in housing and 'value="150.00"' in housing
    assert 'value="90.00"' in housing
    household = step("household")
    assert "Aus Ihrem Vorab-Check übernommen." in household
    assert household.count('value="partner" selected') == 1
    assert household.count('value="child" selected') == 2
    income = step("income:p1")
    assert "Aus Ihrem Vorab-Check übernommen." in income
    assert 'value="640.00"' in income
    assets = step("person_assets:p1")
    assert "Aus Ihrem Vorab-Check übernommen." in assets
    assert 'value="3000.00"' in assets or "accounts_value" in assets
    filing = step("filing")
    assert "Aus Ihrem Profil übernommen." in filing
    assert 'value="Hauptstraße 1"' in filing
    # A step nothing was carried into says nothing about a source.
    assert "übernommen." not in step("bank")


def test_start_without_self_check_notes_only_the_profile(customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    created = ApplicationEvent.objects.get(application=app, kind=EventKind.CREATED)
    assert created.data == {"prefilled": {"filing": PROFILE}}


def test_month_of_self_check_is_irrelevant_to_prefill() -> None:
    # The prefill carries answers, not a computed result: the same on any day.
    with time_machine.travel(date(2025, 1, 15), tick=False):
        first = _prefill()
    with time_machine.travel(date(2026, 7, 1), tick=False):
        assert _prefill() == first
    assert Decimal(first["housing"]["cold_rent"]) == Decimal(520)


def test_self_check_never_overwrites_an_open_draft(
    client: Client, customer: CustomerProfile
) -> None:
    enable(customer.jobcenter)
    draft = application_start(request=None, customer=customer, kind="initial")
    steps_before = list(draft.steps.values_list("step_key", "answers", "version"))
    client.force_login(customer.user)
    client.post(
        reverse("tenant:application_from_self_check", kwargs={"jc": customer.jobcenter.slug}),
        FAMILY,
    )
    start = reverse(
        "customer:application_start",
        kwargs={"jc": customer.jobcenter.slug, "kind_slug": "erstantrag"},
    )
    page = client.get(start, follow=True).content.decode()
    assert "Ihre Angaben aus dem Vorab-Check haben wir nicht übernommen" in page
    assert Application.objects.filter(customer=customer).count() == 1
    assert list(draft.steps.values_list("step_key", "answers", "version")) == steps_before
    assert SESSION_KEY not in client.session
