"""The processing pipeline (DESIGN §4.5): ordered small steps with typed results.

``run_page`` takes one uploaded file (photo or PDF) through the page steps; ``run_document``
turns the cleaned pages into one PDF (redactions burnt in, OCR, kind suggestion). The
upload view runs only the intake steps (type, size, virus scan) before storing anything.
"""

from openjobcenter.documents.pipeline.base import (
    MESSAGES,
    DocumentResult,
    PageInput,
    PageOutput,
    Refused,
    StepResult,
)
from openjobcenter.documents.pipeline.runner import (
    DOCUMENT_STEPS,
    INTAKE_STEPS,
    PAGE_STEPS,
    run_document,
    run_intake,
    run_page,
)

__all__ = [
    "DOCUMENT_STEPS",
    "INTAKE_STEPS",
    "MESSAGES",
    "PAGE_STEPS",
    "DocumentResult",
    "PageInput",
    "PageOutput",
    "Refused",
    "StepResult",
    "run_document",
    "run_intake",
    "run_page",
]
