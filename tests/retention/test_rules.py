"""Each retention rule deletes what is due and keeps what is not (frozen time), with its
files gone from storage; a job centre's own value applies to it alone; the run writes one
report row per rule and job centre (counts, never content)."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.appointments.models import Appointment, AppointmentType
from openjobcenter.casefile.models import CaseNote
from openjobcenter.core import sealed
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.documents import services as doc_services
from openjobcenter.documents import storage
from openjobcenter.documents.models import Document, DocumentRequest, DocumentSettings
from openjobcenter.messaging.models import Conversation, Message
from openjobcenter.retention import registry
from openjobcenter.retention.models import DeletionReport, ReportStatus, RetentionSetting
from openjobcenter.retention.services import retention_run
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_customer, make_staff
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")

# A made object: its primary key and the storage names of its files.
Made = tuple[int, list[str]]


def _application(status: str) -> Callable[[Jobcenter, CustomerProfile], Made]:
    def make(jc: Jobcenter, customer: CustomerProfile) -> Made:
        files = []
        pdf = ""
        if status != ApplicationStatus.DRAFT:
            pdf = sealed.save(jc, "applications", ".pdf", b"%PDF-1.7 summary")
            files.append(pdf)
        app = Application.objects.create(
            jobcenter=jc,
            customer=customer,
            kind="initial",
            status=status,
            reference=f"EA-{secrets.token_hex(5)}",
            form_key="initial",
            form_version=1,
            pdf_name=pdf,
        )
        return app.pk, files

    return make


def _draft_upload(jc: Jobcenter, customer: CustomerProfile) -> Made:
    doc = doc_services.document_draft_create(request=None, customer=customer)
    return doc.pk, []


def _request(jc: Jobcenter, customer: CustomerProfile) -> Made:
    req = DocumentRequest.objects.create(
        jobcenter=jc, customer=customer, deadline=timezone.localdate()
    )
    return req.pk, []


def _conversation(jc: Jobcenter, customer: CustomerProfile) -> Made:
    conv = Conversation.objects.create(
        jobcenter=jc, customer=customer, subject="Frage", last_message_at=timezone.now()
    )
    name = default_storage.save(f"chat/test/{secrets.token_hex(8)}.jpg", ContentFile(b"img"))
    Message.objects.create(conversation=conv, side="customer", body="Hallo", attachment=name)
    Message.objects.create(conversation=conv, side="staff", body="Guten Tag")
    return conv.pk, [name]


def _appointment(jc: Jobcenter, customer: CustomerProfile) -> Made:
    staff = User.objects.filter(memberships__jobcenter=jc).first() or make_staff(
        jc, Role.CASEWORKER, f"sb-{secrets.token_hex(4)}@{jc.slug}.example.org"
    )
    kind = AppointmentType.objects.filter(jobcenter=jc).first() or AppointmentType.objects.create(
        jobcenter=jc, name="Beratung", duration_min=30, channels=["phone"]
    )
    proof = doc_services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="other"
    )
    now = timezone.now()
    appt = Appointment.objects.create(
        jobcenter=jc,
        type=kind,
        customer=customer,
        staff=staff,
        channel="phone",
        starts_at=now - timedelta(minutes=30),
        ends_at=now,
        proof=proof,
    )
    return appt.pk, [proof.file_key]


def _note(jc: Jobcenter, customer: CustomerProfile) -> Made:
    note = CaseNote.objects.create(jobcenter=jc, customer=customer, category="general", text="x")
    return note.pk, []


def _audit(jc: Jobcenter, customer: CustomerProfile) -> Made:
    entry = audit(request=None, action=AuditAction.READ, object_type="test", jobcenter=jc)
    return entry.pk, []


MODELS: dict[str, Any] = {
    "applications.drafts": (Application, _application(ApplicationStatus.DRAFT)),
    "applications.submitted": (Application, _application(ApplicationStatus.DECIDED)),
    "documents.drafts": (Document, _draft_upload),
    "documents.requests": (DocumentRequest, _request),
    "messaging.conversations": (Conversation, _conversation),
    "appointments.appointments": (Appointment, _appointment),
    "casefile.notes": (CaseNote, _note),
    "core.audit": (AuditEntry, _audit),
}


def moments(rule: registry.Rule, value: int) -> tuple[datetime, datetime]:
    """A moment just due and one just not due for ``value``, seen from now."""
    now = timezone.now()
    if rule.unit is registry.Unit.DAYS:
        return now - timedelta(days=value, hours=1), now - timedelta(days=value) + timedelta(
            hours=1
        )
    year = timezone.localdate().year - value
    # Years run to the end of the calendar year: 31 Dec of year-1 is due, 1 Jan is not.
    due = timezone.make_aware(datetime(year - 1, 12, 31, 12))
    kept = timezone.make_aware(datetime(year, 1, 2, 12))
    return due, kept


def make_at(at: datetime, build: Any, jc: Jobcenter, customer: CustomerProfile) -> Made:
    with time_machine.travel(at, tick=False):
        return build(jc, customer)  # type: ignore[no-any-return]


def files_exist(names: list[str]) -> bool:
    return any(default_storage.exists(n) or storage.exists(n) for n in names)


@pytest.mark.parametrize("key", sorted(MODELS))
def test_rule_deletes_what_is_due_and_keeps_the_rest(
    key: str,
    jc_a: Jobcenter,
    jc_b: Jobcenter,
    customer: CustomerProfile,
    customer_b: CustomerProfile,
) -> None:
    rule = registry.get(key)
    model, build = MODELS[key]
    due_at, kept_at = moments(rule, rule.default)
    due_pk, due_files = make_at(due_at, build, jc_a, customer)
    kept_pk, kept_files = make_at(kept_at, build, jc_a, customer)
    # Job centre B keeps longer (its own value): the same old record stays there.
    RetentionSetting.objects.create(jobcenter=jc_b, rule=key, value=rule.maximum)
    b_pk, b_files = make_at(due_at, build, jc_b, customer_b)
    assert files_exist(due_files) or not due_files

    retention_run()

    assert not model.objects.filter(pk=due_pk).exists()
    assert model.objects.filter(pk=kept_pk).exists()
    assert model.objects.filter(pk=b_pk).exists()
    assert not files_exist(due_files)
    assert all(files_exist([n]) for n in kept_files + b_files)
    report = DeletionReport.objects.get(rule=key, jobcenter=jc_a)
    # The rule's own records; the audit rule also meets the entries the run itself wrote.
    assert report.deleted == 1
    assert report.status == ReportStatus.DONE
    assert report.finished_at is not None
    assert DeletionReport.objects.get(rule=key, jobcenter=jc_b).deleted == 0


def test_messages_and_attachments_go_with_their_conversation(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    rule = registry.get("messaging.conversations")
    due_at, _kept = moments(rule, rule.default)
    pk, files = make_at(due_at, _conversation, jc_a, customer)

    retention_run()

    assert not Message.objects.filter(conversation_id=pk).exists()
    assert not default_storage.exists(files[0])


def test_documents_past_their_date_go_with_their_files_and_the_years_live_in_the_document_settings(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    today = timezone.localdate()
    due = doc_services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )
    kept = doc_services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(2)), kind="payslip"
    )
    Document.objects.filter(pk=due.pk).update(delete_after=today - timedelta(days=1))
    Document.objects.filter(pk=kept.pk).update(delete_after=today)
    rule = registry.get("documents.documents")
    DocumentSettings.objects.update_or_create(jobcenter=jc_a, defaults={"retention_years": 7})

    retention_run()

    assert not Document.objects.filter(pk=due.pk).exists()
    assert not storage.exists(due.file_key)
    assert Document.objects.filter(pk=kept.pk).exists()
    assert storage.exists(kept.file_key)
    assert DeletionReport.objects.get(rule=rule.key, jobcenter=jc_a).value == 7


def test_expired_sessions_and_old_task_results_go(db: None) -> None:
    now = timezone.now()
    Session.objects.create(
        session_key="old" * 10, session_data="x", expire_date=now - timedelta(hours=1)
    )
    Session.objects.create(
        session_key="new" * 10, session_data="x", expire_date=now + timedelta(hours=1)
    )
    common = {
        "task_path": "x.y",
        "queue_name": "default",
        "backend_name": "default",
        "args_kwargs": {"args": [], "kwargs": {}},
        "status": "SUCCESSFUL",
    }
    old = DBTaskResult.objects.create(**common, finished_at=now - timedelta(days=8))
    recent = DBTaskResult.objects.create(**common, finished_at=now - timedelta(days=6))
    waiting = DBTaskResult.objects.create(**{**common, "status": "READY"})

    retention_run()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["new" * 10]
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    report = DeletionReport.objects.get(rule="core.sessions")
    assert report.jobcenter is None
    assert report.deleted == 1


def test_an_inactive_account_is_warned_four_weeks_ahead_then_deleted(
    jc_a: Jobcenter, outbox: list[Any], customer2: CustomerProfile
) -> None:
    long_ago = timezone.now() - timedelta(days=5 * 365)
    stale = make_customer(jc_a, "alt@example.org")
    User.objects.filter(pk__in=[stale.user_id, customer2.user_id]).update(
        last_login=long_ago, date_joined=long_ago
    )
    # The second stale account still has a submitted application: it is kept.
    make_at(timezone.now(), _application(ApplicationStatus.RECEIVED), jc_a, customer2)

    retention_run()

    assert User.objects.filter(pk=stale.user_id).exists()
    assert sorted(m.to[0] for m in outbox) == ["alt@example.org", "kundin2@example.org"]
    assert all("gelöscht" in m.subject for m in outbox)

    with time_machine.travel(timezone.now() + timedelta(days=27)):
        retention_run()
        assert User.objects.filter(pk=stale.user_id).exists()
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        retention_run()
    assert not User.objects.filter(pk=stale.user_id).exists()
    assert not CustomerProfile.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk=customer2.user_id).exists()
    last = DeletionReport.objects.filter(rule="accounts.inactive", jobcenter=jc_a).first()
    assert last is not None
    assert (last.deleted, last.skipped) == (1, 1)


def test_a_login_after_the_warning_keeps_the_account(jc_a: Jobcenter, outbox: list[Any]) -> None:
    long_ago = timezone.now() - timedelta(days=5 * 365)
    stale = make_customer(jc_a, "alt@example.org")
    User.objects.filter(pk=stale.user_id).update(last_login=long_ago, date_joined=long_ago)
    retention_run()
    User.objects.filter(pk=stale.user_id).update(last_login=timezone.now() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        retention_run()
    assert User.objects.filter(pk=stale.user_id).exists()


def test_a_rerun_deletes_nothing_more(jc_a: Jobcenter, customer: CustomerProfile) -> None:
    rule = registry.get("casefile.notes")
    due_at, _kept = moments(rule, rule.default)
    for _ in range(3):
        make_at(due_at, _note, jc_a, customer)
    first = retention_run(batch=2)
    second = retention_run(batch=2)
    by_rule = {(r.rule, r.jobcenter_id): r.deleted for r in first}
    assert by_rule[("casefile.notes", jc_a.pk)] == 3
    assert {(r.rule, r.jobcenter_id): r.deleted for r in second}[("casefile.notes", jc_a.pk)] == 0


def test_dry_run_prints_what_would_go_and_deletes_nothing(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    rule = registry.get("casefile.notes")
    due_at, _kept = moments(rule, rule.default)
    pk, _files = make_at(due_at, _note, jc_a, customer)
    out = io.StringIO()
    call_command("retention_run", "--dry-run", stdout=out)
    line = next(
        ln for ln in out.getvalue().splitlines() if "casefile.notes" in ln and jc_a.slug in ln
    )
    assert line.split("\t")[:4] == ["would delete", "casefile.notes", jc_a.slug, "1"]
    assert CaseNote.objects.filter(pk=pk).exists()
    assert not DeletionReport.objects.exists()

    out = io.StringIO()
    call_command("retention_run", stdout=out)
    assert not CaseNote.objects.filter(pk=pk).exists()
    assert f"deleted\tcasefile.notes\t{jc_a.slug}\t1\t" in out.getvalue()


def test_every_required_kind_has_a_rule_with_a_source_and_sane_bounds() -> None:
    keys = {r.key for r in registry.rules()}
    assert {
        "applications.drafts",
        "applications.submitted",
        "documents.documents",
        "documents.drafts",
        "documents.requests",
        "messaging.conversations",
        "appointments.appointments",
        "casefile.notes",
        "core.audit",
        "core.sessions",
        "core.task_results",
        "accounts.inactive",
    } <= keys
    for rule in registry.rules():
        assert rule.minimum <= rule.default <= rule.maximum
        assert str(rule.source)
        assert ("Annahme" in str(rule.source)) == rule.assumption, rule.key


def test_a_broken_rule_is_reported_and_the_others_still_run(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    def boom(_pks: object) -> int:
        raise RuntimeError("secret content must not be stored")

    broken = registry.Rule(
        key="zz.broken",
        label="x",
        basis="x",
        unit=registry.Unit.DAYS,
        default=0,
        minimum=0,
        maximum=1,
        source="x",
        due=lambda jc, cutoff: CaseNote.objects.filter(jobcenter=jc),
        delete=boom,
        order=1,
    )
    rule = registry.get("casefile.notes")
    due_at, _kept = moments(rule, rule.default)
    pk, _files = make_at(due_at, _note, jc_a, customer)
    registry.register(broken)
    try:
        retention_run()
    finally:
        registry._rules.pop("zz.broken")
    report = DeletionReport.objects.get(rule="zz.broken", jobcenter=jc_a)
    assert (report.status, report.errors, report.error_kind) == (
        ReportStatus.FAILED,
        1,
        "RuntimeError",
    )
    assert not CaseNote.objects.filter(pk=pk).exists()


def test_cutoff_counts_years_to_the_end_of_the_calendar_year() -> None:
    rule = registry.get("applications.submitted")
    now = timezone.make_aware(datetime(2026, 12, 6, 9))
    assert rule.cutoff(10, now=now).date() == date(2016, 1, 1)


def test_the_customers_home_hears_of_the_deletion(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    from openjobcenter.home.cache import current_version

    rule = registry.get("applications.drafts")
    due_at, _kept = moments(rule, rule.default)
    make_at(due_at, _application(ApplicationStatus.DRAFT), jc_a, customer)
    before = current_version(customer.user_id)

    retention_run()

    assert current_version(customer.user_id) != before
