"""Customer services: hand-over from the self-check, renewal and change notice prefill,
answers to staff questions, idempotent submission (A1)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationSettings,
    ApplicationStatus,
    EventKind,
)
from openjobcenter.applications.selectors import get_application_for_customer
from openjobcenter.applications.services import (
    ApplicationError,
    StepConflict,
    application_answer_question,
    application_start,
    application_step_save,
    application_submit,
)
from tests.applications.customer_data import COUPLE, enable, fill_all

pytestmark = pytest.mark.django_db


def submitted(client: Client, customer: CustomerProfile) -> Application:
    app = application_start(request=None, customer=customer, kind="initial")
    fill_all(client, app)
    return application_submit(request=None, application=app)


def test_self_check_hand_over_prefills_after_login(
    client: Client, customer: CustomerProfile
) -> None:
    jc = customer.jobcenter
    enable(jc)
    jc.enabled_modules = [*jc.enabled_modules, "calculator"]
    jc.save()
    answers = {
        "applicant_age": "35",
        "rent_m": "450",
        "heating_m": "80",
        "gross_earnings_m": "500",
        "net_earnings_m": "400",
        "has_partner": "on",
        "partner_age": "33",
        "child_1_age": "4",
    }
    page = client.post(f"/{jc.slug}/vorabcheck/", answers).content.decode()
    assert "Jetzt beantragen" in page
    assert Application.objects.count() == 0
    response = client.post(
        reverse("tenant:application_from_self_check", kwargs={"jc": jc.slug}), answers
    )
    assert response.status_code == 302
    assert Application.objects.count() == 0  # nothing stored before the person starts
    client.force_login(customer.user)
    start = reverse("customer:application_start", kwargs={"jc": jc.slug, "kind_slug": "erstantrag"})
    assert "Bürgergeld-Rechner" in client.get(start).content.decode()
    client.post(start)
    app = Application.objects.get(customer=customer)
    steps = {s.step_key: s.answers for s in app.steps.all()}
    assert [m["role"] for m in steps["household"]["members"]] == ["partner", "child"]
    assert steps["housing"]["cold_rent"] == "450.00"
    assert steps["housing"]["heating_costs"] == "80.00"
    assert steps["income:p1"]["kinds"] == ["employment"]
    assert steps["income:p1"]["gross_earnings"] == "500.00"
    assert "applications_self_check_prefill" not in client.session


def test_bad_self_check_answers_are_not_kept(client: Client, customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    url = reverse("tenant:application_from_self_check", kwargs={"jc": customer.jobcenter.slug})
    response = client.post(url, {"applicant_age": "300"})
    assert response.status_code == 302
    assert "applications_self_check_prefill" not in client.session


def test_renewal_prefilled_from_last_application(
    customer_client: Client, customer: CustomerProfile
) -> None:
    enable(customer.jobcenter)
    first = submitted(customer_client, customer)
    renewal = application_start(request=None, customer=customer, kind="renewal")
    assert renewal.reference.startswith("WA-")
    assert renewal.previous == first
    steps = {s.step_key: s for s in renewal.steps.all()}
    assert steps["housing"].answers["cold_rent"] == "500.00"
    assert steps["filing"].answers["first_name"] == "Karl"
    assert steps["filing"].state == "open"  # shown to be confirmed, not silently done


def test_change_notice_can_be_switched_off(customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    ApplicationSettings.objects.create(jobcenter=customer.jobcenter, change_notice_enabled=False)
    with pytest.raises(ApplicationError):
        application_start(request=None, customer=customer, kind="change_notice")


def test_conflict_carries_newer_answers(customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    values: dict[str, Any] = {"has_account": "no"}
    application_step_save(
        request=None, application=app, step_key="bank", answers=values, base_version=0
    )
    with pytest.raises(StepConflict) as caught:
        application_step_save(
            request=None, application=app, step_key="bank", answers=values, base_version=0
        )
    assert caught.value.version == 1
    assert caught.value.answers == {"has_account": "no"}


def test_double_submit_is_idempotent(customer_client: Client, customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    app = submitted(customer_client, customer)
    again = application_submit(request=None, application=app, idempotency_key="x")
    assert again.pk == app.pk
    assert again.submission_sha256 == app.submission_sha256
    assert app.events.filter(kind=EventKind.SUBMITTED).count() == 1
    with pytest.raises(ApplicationError):
        application_step_save(
            request=None, application=app, step_key="bank", answers={}, base_version=1
        )


def test_answer_to_staff_question(customer_client: Client, customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    app = submitted(customer_client, customer)
    question = ApplicationEvent.objects.create(
        application=app, kind=EventKind.QUESTION, message="Seit wann arbeiten Sie dort?"
    )
    page = customer_client.get(
        reverse("customer:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    ).content.decode()
    assert "Seit wann arbeiten Sie dort?" in page
    url = reverse(
        "customer:application_answer",
        kwargs={"jc": app.jobcenter.slug, "pk": app.pk, "question_id": question.pk},
    )
    assert customer_client.post(url, {"message": ""}).status_code == 400
    assert customer_client.post(url, {"message": "x" * 2001}).status_code == 400
    assert customer_client.post(url, {"message": "Seit März <b>2026</b>"}).status_code == 302
    answer = app.events.get(kind=EventKind.ANSWER)
    assert answer.data == {"question": question.pk}
    page = customer_client.get(
        reverse("customer:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    ).content.decode()
    assert "Seit März &lt;b&gt;2026&lt;/b&gt;" in page
    with pytest.raises(ApplicationError):
        application_answer_question(request=None, application=app, question=answer, message="x")


def test_status_page_shows_staff_reason(customer_client: Client, customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    app = submitted(customer_client, customer)
    ApplicationEvent.objects.create(
        application=app,
        kind=EventKind.STATUS_CHANGED,
        status_from=ApplicationStatus.RECEIVED,
        status_to=ApplicationStatus.DOCUMENTS_REQUESTED,
        message="Bitte reichen Sie den Mietvertrag ein.",
    )
    ApplicationEvent.objects.create(
        application=app, kind=EventKind.NOTE, internal=True, message="intern"
    )
    page = customer_client.get(
        reverse("customer:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    ).content.decode()
    assert "Bitte reichen Sie den Mietvertrag ein." in page
    assert "Unterlagen angefordert" in page
    assert "intern" not in page


def test_selector_by_reference(customer: CustomerProfile, customer2: CustomerProfile) -> None:
    from django.http import Http404

    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    assert get_application_for_customer(customer, app.reference.lower()) == app
    with pytest.raises(Http404):
        get_application_for_customer(customer2, app.reference)
    with pytest.raises(Http404):
        get_application_for_customer(customer, "99999999999999999999999")


def test_renewal_with_income_change_only(
    customer_client: Client, customer: CustomerProfile
) -> None:
    from openjobcenter.applications import engine
    from tests.applications.customer_data import save

    enable(customer.jobcenter)
    submitted(customer_client, customer)
    renewal = application_start(request=None, customer=customer, kind="renewal")
    assert save(customer_client, renewal, "filing", COUPLE["filing"]).status_code == 302
    assert save(customer_client, renewal, "changes", {"what": ["income"]}).status_code == 302
    for key in ("income:p1", "income:p2", "income:p3"):
        assert save(customer_client, renewal, key, COUPLE[key]).status_code == 302, key
    save(customer_client, renewal, "declarations", COUPLE["declarations"])
    renewal = application_submit(request=None, application=renewal)
    assert renewal.status == ApplicationStatus.RECEIVED
    assert renewal.submitted_data is not None
    assert "housing" not in renewal.submitted_data["answers"]
    assert [p["id"] for p in renewal.submitted_data["persons"]] == ["p1", "p2", "p3"]
    keys = [s.key for s in engine.summary_sections(renewal)]
    assert "income:p3" in keys
    assert "housing" not in keys


def test_status_area_refresh_is_not_audited_again(
    customer_client: Client, customer: CustomerProfile
) -> None:
    from openjobcenter.core import audit_buffer
    from openjobcenter.core.models import AuditEntry

    enable(customer.jobcenter)
    app = submitted(customer_client, customer)
    ApplicationEvent.objects.create(
        application=app,
        kind=EventKind.STATUS_CHANGED,
        status_to=ApplicationStatus.IN_PROGRESS,
        message="Wir prüfen Ihren Antrag.",
    )
    url = reverse("customer:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    before = AuditEntry.objects.filter(object_type="application", action="read").count()
    page = customer_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="status-area"' in page
    assert "Wir prüfen Ihren Antrag." in page
    assert AuditEntry.objects.filter(object_type="application", action="read").count() == before
    customer_client.get(url)
    audit_buffer.flush()  # the customer's own reads are written in bulk
    assert AuditEntry.objects.filter(object_type="application", action="read").count() == before + 1
