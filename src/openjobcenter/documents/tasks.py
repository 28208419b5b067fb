"""Background work of the documents module (django-tasks; immediate in tests)."""

from __future__ import annotations

from django_tasks import task

from openjobcenter.documents import services


@task()
def process_page_task(*, page_id: int) -> str:
    """Clean one uploaded page so the customer sees the preview (or the hint) at once."""
    page = services.page_process(page_id=page_id)
    return page.state if page is not None else "missing"


@task()
def process_document_task(*, document_id: int) -> str:
    """Finish the pages, assemble the PDF, OCR: the pipeline's one task per document."""
    document = services.document_process(document_id=document_id)
    return document.state if document is not None else "missing"


@task()
def remind_requests_task() -> int:
    return services.document_requests_remind_due()


@task()
def retention_task() -> dict[str, int]:
    return services.documents_retention_run()
