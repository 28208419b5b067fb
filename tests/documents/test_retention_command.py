"""``manage.py documents_retention``: the report, and ``--run`` deleting exactly what is
due (past its retention date, or a draft abandoned for two days) with its files and an
audit entry each, and nothing else."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services, storage
from openjobcenter.documents.models import Document
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_customer
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


def stored(customer: CustomerProfile, kind: str) -> Document:
    return services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind=kind
    )


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("documents_retention", *args, stdout=out)
    return out.getvalue().splitlines()


def test_run_deletes_what_is_due_and_keeps_the_rest(
    customer: CustomerProfile, jc_a: Jobcenter, jc_b: Jobcenter
) -> None:
    today = timezone.localdate()
    due = stored(customer, "payslip")
    kept = stored(customer, "payslip")
    other_jc = stored(make_customer(jc_b, "b@example.org", "B-1"), "rent")
    Document.objects.filter(pk__in=[due.pk, other_jc.pk]).update(
        delete_after=today - timedelta(days=1)
    )
    Document.objects.filter(pk=kept.pk).update(delete_after=today)  # due tomorrow, not today
    stale_draft = services.document_draft_create(request=None, customer=customer)
    fresh_draft = services.document_draft_create(request=None, customer=customer)
    Document.objects.filter(pk=stale_draft.pk).update(
        created_at=timezone.now() - timedelta(days=2, minutes=1)
    )
    due_files = [due.file_key, other_jc.file_key]
    assert all(storage.exists(key) for key in [*due_files, kept.file_key])

    lines = run("--run")

    assert lines[0] == "deleted=2 drafts=1"
    assert set(Document.objects.values_list("pk", flat=True)) == {kept.pk, fresh_draft.pk}
    assert not any(storage.exists(key) for key in due_files)
    assert storage.exists(kept.file_key)
    deletions = AuditEntry.objects.filter(object_type="document", action="delete")
    assert sorted(deletions.values_list("object_id", "detail")) == sorted(
        [
            (str(due.pk), "retention"),
            (str(other_jc.pk), "retention"),
            (str(stale_draft.pk), "draft"),
        ]
    )
    assert set(deletions.values_list("jobcenter__slug", flat=True)) == {jc_a.slug, jc_b.slug}
    # The report after the run: what is left, by job centre and kind, with its next date.
    report = [line.split("\t") for line in lines[1:]]
    assert [jc_a.slug, "payslip", "1", str(today)] in report
    assert not any(row[0] == jc_b.slug for row in report)

    assert run("--run")[0] == "deleted=0 drafts=0"  # a second run finds nothing more
    assert Document.objects.count() == 2


def test_report_alone_deletes_nothing(customer: CustomerProfile, jc_a: Jobcenter) -> None:
    doc = stored(customer, "payslip")
    Document.objects.filter(pk=doc.pk).update(
        delete_after=timezone.localdate() - timedelta(days=30)
    )
    lines = run()
    assert [jc_a.slug, "payslip", "1", str(timezone.localdate() - timedelta(days=30))] in [
        line.split("\t") for line in lines
    ]
    assert Document.objects.filter(pk=doc.pk).exists()
    assert storage.exists(doc.file_key)
    assert not AuditEntry.objects.filter(object_type="document", action="delete").exists()
