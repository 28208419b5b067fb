"""The pages "Aufbewahrung und Löschung" (admin: each rule, its legal default and the job
centre's value, editable within bounds, audited) and "Löschprotokoll" (admin and team
lead: their job centre's reports only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents.models import DocumentSettings
from openjobcenter.retention.models import DeletionReport, ReportStatus, RetentionSetting
from openjobcenter.tenants.models import Jobcenter

Login = Callable[[User], Client]


def settings_url(jc: Jobcenter) -> str:
    return reverse("staff:retention_settings", kwargs={"jc": jc.slug})


def reports_url(jc: Jobcenter) -> str:
    return reverse("staff:deletion_reports", kwargs={"jc": jc.slug})


def test_admin_sees_each_rule_with_default_and_source(
    jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Login
) -> None:
    page = staff_client(staff_a[Role.ADMIN]).get(settings_url(jc_a)).content.decode()
    assert "Gestellte Anträge mit Antrags-PDF und Eingangsbestätigung" in page
    assert "§ 84 SGB X" in page
    assert "Annahme, fachlich zu prüfen" in page
    assert "Erlaubt: 5 Jahre bis 30 Jahre" in page


def test_a_value_within_bounds_is_stored_and_audited(
    jc_a: Jobcenter, jc_b: Jobcenter, staff_a: dict[Role, User], staff_client: Login
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    response = client.post(settings_url(jc_a), {"rule": "messaging.conversations", "value": "5"})
    assert response.status_code == 302
    setting = RetentionSetting.objects.get(jobcenter=jc_a, rule="messaging.conversations")
    assert setting.value == 5
    assert not RetentionSetting.objects.filter(jobcenter=jc_b).exists()
    entry = AuditEntry.objects.filter(object_type="retention_setting").latest("at")
    assert (entry.jobcenter, entry.object_id, entry.detail) == (
        jc_a,
        "messaging.conversations",
        "3 -> 5 years",
    )
    assert (
        "Die Aufbewahrungsfrist ist gespeichert." in client.get(settings_url(jc_a)).content.decode()
    )


@pytest.mark.parametrize(
    ("rule", "value", "message"),
    [
        ("applications.submitted", "4", "Erlaubt sind Werte von 5 Jahre bis 30 Jahre."),
        ("applications.submitted", "31", "Erlaubt sind Werte von 5 Jahre bis 30 Jahre."),
        ("applications.drafts", "-3", "Erlaubt sind Werte von 30 Tage bis 730 Tage."),
        ("applications.drafts", "viele", "Bitte geben Sie eine ganze Zahl ein."),
        ("core.sessions", "1", "Diese Regel gilt für die ganze Installation."),
        ("gibt.es.nicht", "1", "Diese Regel gibt es nicht."),
    ],
)
def test_a_value_outside_the_bounds_is_refused_and_nothing_stored(
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: Login,
    rule: str,
    value: str,
    message: str,
) -> None:
    before = AuditEntry.objects.filter(object_type="retention_setting").count()
    response = staff_client(staff_a[Role.ADMIN]).post(
        settings_url(jc_a), {"rule": rule, "value": value}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RetentionSetting.objects.exists()
    assert AuditEntry.objects.filter(object_type="retention_setting").count() == before


def test_the_documents_years_are_the_documents_settings(
    jc_a: Jobcenter, staff_a: dict[Role, User], staff_client: Login
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    assert (
        client.post(settings_url(jc_a), {"rule": "documents.documents", "value": "6"}).status_code
        == 302
    )
    assert DocumentSettings.objects.get(jobcenter=jc_a).retention_years == 6
    assert not RetentionSetting.objects.exists()
    refused = client.post(settings_url(jc_a), {"rule": "documents.documents", "value": "0"})
    assert refused.status_code == 400
    assert DocumentSettings.objects.get(jobcenter=jc_a).retention_years == 6


def _report(jc: Jobcenter | None, rule: str, deleted: int) -> DeletionReport:
    now = timezone.now()
    return DeletionReport.objects.create(
        run_id="r1",
        jobcenter=jc,
        rule=rule,
        value=3,
        cutoff=now - timedelta(days=1000),
        started_at=now,
        finished_at=now,
        deleted=deleted,
        status=ReportStatus.DONE,
    )


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.ADMIN])
def test_reports_show_counts_of_the_own_job_centre_only(
    jc_a: Jobcenter, jc_b: Jobcenter, staff_a: dict[Role, User], staff_client: Login, role: Role
) -> None:
    _report(jc_a, "messaging.conversations", 4711)
    _report(jc_b, "messaging.conversations", 815)
    _report(None, "core.sessions", 999)
    page = staff_client(staff_a[role]).get(reports_url(jc_a)).content.decode()
    assert "Nachrichten mit Anhängen" in page
    assert "4711" in page
    assert "815" not in page
    assert "999" not in page


def test_caseworkers_get_403_and_other_job_centres_404(
    jc_a: Jobcenter, staff_a: dict[Role, User], staff_b: dict[Role, User], staff_client: Login
) -> None:
    assert staff_client(staff_a[Role.CASEWORKER]).get(reports_url(jc_a)).status_code == 403
    assert staff_client(staff_a[Role.TEAM_LEAD]).get(settings_url(jc_a)).status_code == 403
    client_b = staff_client(staff_b[Role.ADMIN])
    assert client_b.get(reports_url(jc_a)).status_code == 404
    assert (
        client_b.post(settings_url(jc_a), {"rule": "casefile.notes", "value": "3"}).status_code
        == 404
    )
    assert not RetentionSetting.objects.exists()
