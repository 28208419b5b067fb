"""Contract of a hand-off backend (DESIGN §4.4: a registry and a base class, no signals).

A backend gets one submission of a kind (``HandoffInput.subject``: an application in its
filing or submission phase, a change notice, an accepted document, an objection, a chat
transcript) and the job centre's
configuration for it, and answers with a ``HandoffResult``. It must be safe to call
again for the same application: every try carries the same ``idempotency_key``, and a
receiver drops duplicates by it. A backend raises nothing for expected failures (a
receiver that is down, a refused request): it answers ``ok=False`` with a short,
personal-data-free ``error``; the runner then retries with backoff. ``retry=False``
marks a failure that another try cannot fix (bad configuration).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class ConfigField:
    """One setting of a backend, shown on the admin's settings page."""

    key: str
    label: str | Promise
    help_text: str | Promise = ""
    secret: bool = False
    # A longer text (a PEM certificate): a text area, up to ``max_length`` characters.
    multiline: bool = False
    max_length: int = 500


# What can be handed off. An application of kind "change_notice" is handed off as the
# subject "change_notice"; the others are their own records (``handoff/items.py``).
APPLICATION = "application"
CHANGE_NOTICE = "change_notice"
DOCUMENT = "document"
OBJECTION = "objection"
CHAT_TRANSCRIPT = "chat_transcript"
# The customer opened a notice in the postbox (first retrieval, § 37 Abs. 2a SGB X): the
# back office learns the day and the Bekanntgabe and deadline that follow from it.
NOTICE_RETRIEVAL = "notice_retrieval"
SUBJECTS = (APPLICATION, CHANGE_NOTICE, DOCUMENT, OBJECTION, CHAT_TRANSCRIPT, NOTICE_RETRIEVAL)


@dataclass(frozen=True)
class HandoffInput:
    """What a backend hands over. ``submitted_data`` is the frozen, language-neutral
    data (the JSON Schema at ``/api/v1/schemas/`` describes it); ``metadata`` the
    subject's metadata (customer number, kind, date, the request and the application it
    answers; never names). For subjects other than applications ``application_id`` is the
    subject's own id and the form fields are empty."""

    application_id: int
    reference: str
    kind: str
    jobcenter_slug: str
    form_key: str
    form_version: int
    submitted_at: str
    submission_sha256: str
    submitted_data: Mapping[str, Any]
    idempotency_key: str
    # Absolute or site-relative link to the application in the back office.
    staff_url: str
    config: Mapping[str, Any]
    # Loads the summary PDF (``None`` while it is not generated yet).
    load_pdf: Callable[[], bytes | None] = field(default=lambda: None, repr=False)
    # (file name, loader) per attachment, when the documents module provides them.
    attachments: tuple[tuple[str, Callable[[], bytes]], ...] = ()
    # The phase: a filing carries the first step only, sent when the customer filed (the
    # date that counts, § 37 SGB II); a submission the complete application. Each has its own deliveries
    # and idempotency key; a receiver files the filing first and completes it later.
    phase: str = "submission"
    filed_at: str = ""
    subject: str = APPLICATION
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # What an earlier try of this delivery left at the receiver (e.g. a FIT-Connect
    # submission id that was submitted and awaits its acceptance); empty on the first.
    external_ref: str = ""

    def envelope(self) -> dict[str, Any]:
        """The JSON document pushed or dropped: metadata plus the submitted data."""
        return {
            "reference": self.reference,
            "kind": self.kind,
            "jobcenter": self.jobcenter_slug,
            "form": {"key": self.form_key, "version": self.form_version},
            "phase": self.phase,
            "filed_at": self.filed_at,
            "submitted_at": self.submitted_at,
            "sha256": self.submission_sha256,
            "data": dict(self.submitted_data),
            "subject": self.subject,
            "metadata": dict(self.metadata),
            "idempotency_key": self.idempotency_key,
        }


@dataclass(frozen=True)
class HandoffResult:
    ok: bool
    detail: str = ""
    error: str = ""
    retry: bool = True
    # Stored on the delivery and handed to the next try (``HandoffInput.external_ref``).
    external_ref: str = ""


class HandoffBackend(abc.ABC):
    """Base class of hand-off backends.

    Subclasses set ``key``, ``label``, ``description`` and ``config_fields`` and implement
    ``deliver``. ``validate_config`` returns error messages per config key (empty when
    fine); it is called when an admin saves the configuration and before every try.
    ``always_on`` backends run for every job centre and cannot be switched off.
    """

    key: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise] = ""
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    always_on: ClassVar[bool] = False
    # The subjects this backend takes (the inbox and the mailbox: applications only).
    subjects: ClassVar[frozenset[str]] = frozenset(SUBJECTS)

    def validate_config(self, config: Mapping[str, Any]) -> dict[str, str]:
        return {}

    @abc.abstractmethod
    def deliver(self, item: HandoffInput) -> HandoffResult:
        """Hand the application over once; see the module docstring for the rules."""
