"""Request and response schemas of the applications API (``applications/api.py``).

Every ninja ``Schema`` the public, customer and staff operations take or return: form and
JSON Schema listings, applications and their steps, proofs, history events, the staff
inbox with its filter, and the strict (``extra="forbid"``) inputs. The class names are
the OpenAPI component names, so they must not change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from openjobcenter.applications import services, services_staff
from openjobcenter.core.inputs import Day


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class FormSummaryOut(Schema):
    key: str
    version: int
    kind: str
    title: str
    description: str
    url: str


class LangQuery(Schema):
    lang: str | None = Field(default=None, description="Language of labels and help texts")
    version: int | None = Field(default=None, ge=1, description="Default: the newest version")


class SchemaRefOut(Schema):
    name: str
    version: int
    id: str
    url: str


class ApplicationStartIn(Strict):
    kind: Literal["initial", "renewal", "change_notice"]
    prefill: dict[str, dict[str, Any]] | None = Field(
        default=None, description="Step key → answers to start with (saved as open steps)"
    )


class StepIn(Strict):
    answers: dict[str, Any] = Field(description="Field key → value (canonical or as typed)")
    base_version: int = Field(ge=0, description="The step's version you started from (0: new)")


class StepOut(Schema):
    step_key: str
    state: str
    version: int
    answers: dict[str, Any]
    completed_at: datetime | None


class ConflictOut(Schema):
    detail: str
    step_key: str
    version: int
    answers: dict[str, Any]


class ProgressOut(Schema):
    key: str
    title: str
    topic: str
    status: str
    person_id: str | None
    version: int


class ApplicationOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    status_label: str
    form_key: str
    form_version: int
    filed_at: datetime | None
    submitted_at: datetime | None
    submission_sha256: str
    pdf_ready: bool


class ApplicationDetailOut(ApplicationOut):
    steps: list[ProgressOut]
    next_step: str | None


class ProofOut(Schema):
    kind: str
    label: str
    reason: str
    person_id: str | None
    person_name: str
    note: str


class EventOut(Schema):
    id: int
    at: datetime
    kind: str
    kind_label: str
    status_from: str
    status_to: str
    message: str


class StaffEventOut(EventOut):
    actor: str | None
    internal: bool
    data: dict[str, Any]


class AnswerIn(Strict):
    message: str = Field(max_length=services.MAX_ANSWER_LENGTH)


class IncompleteOut(Schema):
    detail: str
    open_steps: list[str]


class ApplicationInboxQuery(Schema):
    kind: Literal["initial", "renewal", "change_notice"] | None = None
    status: (
        Literal[
            "received", "in_progress", "documents_requested", "complete", "decided", "withdrawn"
        ]
        | None
    ) = None
    assignee: str | None = Field(
        default=None,
        pattern=r"^(mine|unassigned|[0-9]{1,10})$",
        description="'mine', 'unassigned' or a staff member's user id",
    )
    von: Day | None = Field(default=None, description="Submitted on or after (day)")
    bis: Day | None = Field(default=None, description="Submitted on or before (day)")
    q: str | None = Field(
        default=None, max_length=100, description="Name, customer number or reference"
    )
    nach: int | None = Field(
        default=None,
        ge=1,
        le=10**18,
        description="Continue after this application id (the previous page's next_after)",
    )


class StaffApplicationOut(ApplicationOut):
    customer_name: str
    customer_number: str
    assignee_id: int | None
    assignee_name: str | None


class InboxOut(Schema):
    results: list[StaffApplicationOut] = Field(description="At most 50, newest first")
    has_more: bool = Field(description="More applications match than this page shows")
    next_after: int | None = Field(
        description="Pass as ?nach= for the next page (keyset paging; no totals are counted)"
    )
    next: str | None = Field(description="The next page's URL, or null")
    ranked: bool = Field(
        description="A name search: the best matches by similarity, without further pages"
    )


class StaffApplicationDetailOut(StaffApplicationOut):
    submitted_data: dict[str, Any]
    events: list[StaffEventOut]


class ApplicationStatusIn(Strict):
    status: Literal[
        "received", "in_progress", "documents_requested", "complete", "decided", "withdrawn"
    ]
    reason: str = Field(
        min_length=1, max_length=services_staff.MAX_MESSAGE, description="Shown to the customer"
    )


class QuestionIn(Strict):
    question: str = Field(
        min_length=1,
        max_length=services_staff.MAX_MESSAGE,
        description="Shown to the customer after login (not in the e-mail)",
    )


class ApplicationAssignIn(Strict):
    assignee_id: int | None = Field(description="A colleague's user id, or null for nobody")
