"""Background work of the applications module (hand-off tasks live in ``handoff/tasks.py``)."""

from __future__ import annotations

from django_tasks import task

from openjobcenter.applications.services import application_pdfs_store


@task()
def generate_application_pdfs(*, application_id: int) -> dict[str, str]:
    """Render and store the receipt and (once submitted) the summary PDF/A."""
    application = application_pdfs_store(application_id=application_id)
    return {"pdf": application.pdf_name, "receipt": application.receipt_pdf_name}
