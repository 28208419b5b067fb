"""One view of a customer (Fallübersicht): every section read for one staff member, each
gated by ``core.need_to_know``.

CONTENT shows a section as it is; EXISTENCE shows that something exists and when, with
who may read it, never what it says; NONE leaves it out (not even counted). The number
of queries does not grow with the customer's data: every list is one query with a limit,
counts are one aggregate per section, and the timeline takes the newest ``offset + size
+ 1`` rows of each source (each filtered by the customer first, so it stays on the
foreign-key indexes at any size of the job centre) and merges them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.applications.models import Application, ApplicationStatus, ApplicationStep
from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment
from openjobcenter.casefile.models import CaseNote, NoteCategory
from openjobcenter.casefile.policy import (
    conversation_category,
    conversation_q,
    document_category,
)
from openjobcenter.core.need_to_know import Category, Visibility, visibility
from openjobcenter.documents.kinds import all_kinds, get_kind
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState
from openjobcenter.messaging.models import AuthorSide, Conversation
from openjobcenter.messaging.selectors import visible_to_staff

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User

# Each section shows its newest few; "Alle anzeigen" opens the timeline filtered to that
# section (paged, TIMELINE_PAGE a page). Rendering hundreds of rows, or even 20 a section,
# cost most of the page's CPU (bench/staff_queue.py).
LIST_LIMIT = 5
TIMELINE_PAGE = 20
TIMELINE_MAX_PAGES = 50  # keeps every timeline query's LIMIT bounded
# The roles whose work a category is; named when someone else sees only that it exists.
_WORKING_ROLES = (Role.CASEWORKER, Role.JOB_ADVISOR, Role.RECEPTION)


def readers_of(category: Category) -> str:
    """ "die Leistungssachbearbeitung": who may read ``category`` by default."""
    labels = [
        str(role.label)
        for role in _WORKING_ROLES
        if visibility(roles=[role], category=category) == Visibility.CONTENT
    ]
    return ", ".join(labels) or str(Role.TEAM_LEAD.label)


@dataclass(frozen=True)
class Hidden:
    """Something the viewer may know exists, not what it is."""

    category: Category
    count: int
    last_at: datetime | None

    @property
    def readers(self) -> str:
        return readers_of(self.category)


@dataclass(frozen=True)
class Address:
    street: str
    postcode: str
    city: str
    source: str  # "" from the profile, else the application's reference


@dataclass(frozen=True)
class DocumentRow:
    document: Document
    answers: str  # which request item or proof it answers, "" if none


@dataclass(frozen=True)
class ConversationRow:
    conversation: Conversation
    content: bool  # False: only that it exists and when
    unread: int


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    url_name: str = ""
    url_pk: int | None = None


@dataclass
class CaseOverview:
    profile: CustomerProfile
    address: Address
    gates: dict[str, Visibility]
    applications: list[Application] = field(default_factory=list)
    # Sections with more than they show ("Alle anzeigen"): applications, requests,
    # appointments, conversations, notes (documents have their own list page).
    more: set[str] = field(default_factory=set)
    applications_hidden: Hidden | None = None
    documents: list[DocumentRow] = field(default_factory=list)
    documents_readable: int = 0
    documents_hidden: list[Hidden] = field(default_factory=list)
    requests: list[DocumentRequest] = field(default_factory=list)
    requests_hidden: Hidden | None = None
    next_appointments: list[Appointment] = field(default_factory=list)
    past_appointments: list[Appointment] = field(default_factory=list)
    conversations: list[ConversationRow] = field(default_factory=list)
    notes: list[CaseNote] = field(default_factory=list)
    notes_hidden: list[Hidden] = field(default_factory=list)
    note_categories: list[tuple[str, str]] = field(default_factory=list)

    def audit_detail(self) -> str:
        """Which sections this person was shown and how (the audit entry's detail)."""
        return " ".join(f"{name}={gate.name.lower()}" for name, gate in self.gates.items())


def case_customer(jobcenter: Any, pk: int) -> CustomerProfile:
    """The customer ``pk`` of this job centre with their advisor (the case view names
    them: without the join one more query for customers who have one); 404 if missing
    or another job centre's."""
    try:
        return CustomerProfile.objects.select_related("user", "jobcenter", "advisor").get(
            pk=pk, jobcenter=jobcenter
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None


def _gates(roles: Iterable[Role | str], jobcenter: Any) -> dict[str, Visibility]:
    roles = list(roles)
    return {
        category.value: visibility(roles=roles, category=category, jobcenter=jobcenter)
        for category in Category
    }


def _address(profile: CustomerProfile) -> Address:
    if profile.street or profile.postcode or profile.city:
        return Address(profile.street, profile.postcode, profile.city, "")
    # The profile has none: the address the customer gave in their latest application
    # (the filing step asks for it), marked with where it comes from.
    row = (
        ApplicationStep.objects.filter(
            application__customer=profile,
            application__jobcenter=profile.jobcenter,
            step_key="filing",
        )
        .order_by("-application__created_at", "-application__pk")
        .values_list("answers", "application__reference")
        .first()
    )
    if row is None:
        return Address("", "", "", "")
    answers, reference = row
    answers = answers if isinstance(answers, dict) else {}
    street, postcode, city = (str(answers.get(k) or "") for k in ("street", "postcode", "city"))
    if not (street or postcode or city):
        return Address("", "", "", "")
    return Address(street, postcode, city, reference)


def _kinds_at(gates: dict[str, Visibility], level: Visibility) -> list[str]:
    return [k.key for k in all_kinds() if gates[document_category(k.key).value] >= level]


def _proof_label(ref: str, references: dict[int, str]) -> str:
    # References look like application:12:payslip:p2 (documents.proof_links).
    parts = ref.split(":")
    if len(parts) >= 3 and parts[0] == "application" and parts[1].isdigit():
        reference = references.get(int(parts[1]), "")
        return _("Nachweis zum Antrag %(reference)s: %(proof)s") % {
            "reference": reference or "–",
            "proof": get_kind(parts[2]).label,
        }
    return ""


def _documents(overview: CaseOverview, profile: CustomerProfile) -> None:
    gates = overview.gates
    sent = Document.objects.filter(customer=profile, jobcenter=profile.jobcenter).exclude(
        state=DocumentState.DRAFT
    )
    counts: dict[Category, int] = {}
    lasts: dict[Category, datetime] = {}
    for row in sent.values("kind").annotate(n=Count("pk"), last=Max("submitted_at")):
        category = document_category(row["kind"])
        counts[category] = counts.get(category, 0) + int(row["n"])
        last = row["last"]
        if last is not None and (category not in lasts or last > lasts[category]):
            lasts[category] = last
    for category, count in counts.items():
        gate = gates[category.value]
        if gate == Visibility.CONTENT:
            overview.documents_readable += count
        elif gate == Visibility.EXISTENCE:
            overview.documents_hidden.append(Hidden(category, count, lasts.get(category)))
    readable = _kinds_at(gates, Visibility.CONTENT)
    if not readable:
        return
    # The newest rows first, then their request items for those rows only: joined before
    # the limit, the planner hashes every request item of the job centre (it grows with
    # the job centre, not with the customer).
    newest = (
        sent.filter(kind__in=readable).order_by("-submitted_at", "-pk").values("pk")[:LIST_LIMIT]
    )
    docs = list(
        Document.objects.filter(pk__in=newest)
        .select_related("request_item__request")
        # Never the OCR text (up to 200,000 characters a document) or the review data.
        .only(
            "kind",
            "state",
            "submitted_at",
            "proof_for",
            "request_item",
            "request_item__request",
            "request_item__kind",
            "request_item__free_text",
            "request_item__request__created_at",
        )
        .order_by("-submitted_at", "-pk")
    )
    references = {a.pk: a.reference for a in overview.applications}
    for doc in docs:
        answers = ""
        item = doc.request_item
        if item is not None:
            answers = _("Nachforderung vom %(date)s: %(item)s") % {
                "date": timezone.localtime(item.request.created_at).strftime("%d.%m.%Y"),
                "item": item.label,
            }
        elif doc.proof_for:
            answers = _proof_label(doc.proof_for, references)
        overview.documents.append(DocumentRow(doc, answers))


def _open_requests(profile: CustomerProfile) -> Any:
    return (
        DocumentRequest.objects.filter(customer=profile, jobcenter=profile.jobcenter)
        .filter(items__fulfilled_at__isnull=True)
        .distinct()
    )


_CHAT_CATEGORIES = (Category.PLACEMENT_CHAT, Category.GENERAL, Category.BENEFIT_CHAT)


def _visible_conversations(
    gates: dict[str, Visibility], profile: CustomerProfile, user: User
) -> Any:
    qs = visible_to_staff(profile.jobcenter, user).filter(customer=profile)
    for category in _CHAT_CATEGORIES:
        if gates[category.value] == Visibility.NONE:
            qs = qs.exclude(conversation_q(category))
    return qs


_APPLICATION_COLUMNS = ("kind", "reference", "status", "filed_at", "created_at")
_STAFF_COLUMNS = ("staff", "staff__first_name", "staff__last_name", "staff__email")
_AUTHOR_COLUMNS = ("author", "author__first_name", "author__last_name", "author__email")


def _newest(overview: CaseOverview, section: str, qs: Any) -> list[Any]:
    """The first ``LIST_LIMIT`` rows of ``qs`` (ordered newest or most urgent first);
    one more is read to tell whether the section has more (then "Alle anzeigen")."""
    rows = list(qs[: LIST_LIMIT + 1])
    if len(rows) > LIST_LIMIT:
        overview.more.add(section)
    return rows[:LIST_LIMIT]


def case_overview(
    *, profile: CustomerProfile, user: User, roles: Iterable[Role | str]
) -> CaseOverview:
    """Everything about one customer that this staff member may see, section by section."""
    jobcenter = profile.jobcenter
    gates = _gates(roles, jobcenter)
    overview = CaseOverview(profile=profile, address=_address(profile), gates=gates)

    benefit = gates[Category.BENEFIT_DATA.value]
    applications = Application.objects.filter(customer=profile, jobcenter=jobcenter).exclude(
        status=ApplicationStatus.DRAFT, filed_at__isnull=True
    )
    if benefit == Visibility.CONTENT:
        overview.applications = _newest(
            overview,
            "applications",
            applications.only(*_APPLICATION_COLUMNS).order_by("-created_at", "-pk"),
        )
    elif benefit == Visibility.EXISTENCE:
        agg = applications.aggregate(n=Count("pk"), last=Max("filed_at"))
        if agg["n"]:
            overview.applications_hidden = Hidden(Category.BENEFIT_DATA, agg["n"], agg["last"])

    _documents(overview, profile)

    # Requests name the proofs asked for: as readable as the documents they ask for.
    request_gate = gates[Category.FINANCIAL_DOCUMENTS.value]
    if request_gate == Visibility.CONTENT:
        overview.requests = _newest(
            overview,
            "requests",
            _open_requests(profile).prefetch_related("items").order_by("deadline", "pk"),
        )
    elif request_gate == Visibility.EXISTENCE:
        agg = _open_requests(profile).aggregate(
            n=Count("pk", distinct=True), last=Max("created_at")
        )
        if agg["n"]:
            overview.requests_hidden = Hidden(Category.FINANCIAL_DOCUMENTS, agg["n"], agg["last"])

    if gates[Category.GENERAL.value] >= Visibility.EXISTENCE:
        now = timezone.now()
        appointments = Appointment.objects.filter(customer=profile, jobcenter=jobcenter)
        columns = ("starts_at", "status", "type", "type__name", *_STAFF_COLUMNS)
        overview.next_appointments = _newest(
            overview,
            "appointments",
            appointments.filter(starts_at__gte=now, status__in=ACTIVE_STATUSES)
            .select_related("type", "staff")
            .only(*columns)
            .order_by("starts_at"),
        )
        overview.past_appointments = _newest(
            overview,
            "appointments",
            appointments.filter(starts_at__lt=now)
            .select_related("type", "staff")
            .only(*columns)
            .order_by("-starts_at"),
        )

    conversations = (
        _visible_conversations(gates, profile, user)
        .select_related("topic", "advisor")
        .only(
            "subject",
            "last_message_at",
            "advisor",
            "topic",
            "topic__name",
            "topic__category",
            "advisor__first_name",
            "advisor__last_name",
            "advisor__email",
        )
        .annotate(
            unread_count=Count(
                "messages",
                filter=Q(messages__pk__gt=F("staff_read_upto"))
                & Q(messages__side=AuthorSide.CUSTOMER),
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )
    for conv in _newest(overview, "conversations", conversations):
        category = conversation_category(topic=conv.topic)
        overview.conversations.append(
            ConversationRow(conv, gates[category.value] == Visibility.CONTENT, conv.unread_count)
        )

    readable_notes = [c for c in NoteCategory.values if gates[c] == Visibility.CONTENT]
    overview.note_categories = [
        (value, str(label)) for value, label in NoteCategory.choices if value in readable_notes
    ]
    notes = CaseNote.objects.filter(customer=profile, jobcenter=jobcenter)
    if readable_notes:
        overview.notes = _newest(
            overview,
            "notes",
            notes.filter(category__in=readable_notes)
            .select_related("author")
            .only("created_at", "category", "text", *_AUTHOR_COLUMNS)
            .order_by("-created_at", "-pk"),
        )
    existence_notes = [c for c in NoteCategory.values if gates[c] == Visibility.EXISTENCE]
    if existence_notes:
        for row in (
            notes.filter(category__in=existence_notes)
            .values("category")
            .annotate(n=Count("pk"), last=Max("created_at"))
        ):
            overview.notes_hidden.append(Hidden(Category(row["category"]), row["n"], row["last"]))
    return overview


# --- Timeline -------------------------------------------------------------------------


# The sections the timeline can be narrowed to ("Alle anzeigen" of a section): the
# ``nur`` parameter of the case view → the section.
TIMELINE_SECTIONS = {
    "antraege": "applications",
    "unterlagen": "documents",
    "nachforderungen": "requests",
    "termine": "appointments",
    "nachrichten": "conversations",
    "vermerke": "notes",
}


def timeline(
    *,
    profile: CustomerProfile,
    user: User,
    roles: Iterable[Role | str],
    page: int,
    section: str = "",
) -> tuple[list[TimelineEntry], bool]:
    """One page of everything that happened in the case (or in one ``section`` of it, a
    value of ``TIMELINE_SECTIONS``), newest first, and whether there is an older page.
    Each source gives at most ``offset + size + 1`` rows."""
    page = min(max(page, 1), TIMELINE_MAX_PAGES)

    def wanted(name: str) -> bool:
        return not section or section == name

    gates = _gates(roles, profile.jobcenter)
    take = page * TIMELINE_PAGE + 1
    jobcenter = profile.jobcenter
    entries: list[TimelineEntry] = []

    benefit = gates[Category.BENEFIT_DATA.value]
    if benefit >= Visibility.EXISTENCE and wanted("applications"):
        for app in (
            Application.objects.filter(
                customer=profile, jobcenter=jobcenter, filed_at__isnull=False
            )
            .only("kind", "status", "filed_at")
            .order_by("-filed_at", "-pk")[:take]
        ):
            assert app.filed_at is not None  # noqa: S101 - filtered above
            if benefit == Visibility.CONTENT:
                text = _("%(title)s gestellt (%(status)s)") % {
                    "title": app.official_title,
                    "status": app.get_status_display(),
                }
                entries.append(
                    TimelineEntry(app.filed_at, _("Antrag"), text, "staff:application", app.pk)
                )
            else:
                entries.append(TimelineEntry(app.filed_at, _("Antrag"), _("Antrag gestellt")))

    seen_kinds = _kinds_at(gates, Visibility.EXISTENCE)
    readable_kinds = set(_kinds_at(gates, Visibility.CONTENT))
    if seen_kinds and wanted("documents"):
        for doc in (
            Document.objects.filter(
                customer=profile,
                jobcenter=jobcenter,
                submitted_at__isnull=False,
                kind__in=seen_kinds,
            )
            .exclude(state=DocumentState.DRAFT)
            .only("kind", "submitted_at")
            .order_by("-submitted_at", "-pk")[:take]
        ):
            assert doc.submitted_at is not None  # noqa: S101 - filtered above
            if doc.kind in readable_kinds:
                entries.append(
                    TimelineEntry(
                        doc.submitted_at, _("Unterlage"), doc.kind_label, "staff:document", doc.pk
                    )
                )
            else:
                entries.append(
                    TimelineEntry(doc.submitted_at, _("Unterlage"), _("Unterlage eingegangen"))
                )

    request_gate = gates[Category.FINANCIAL_DOCUMENTS.value]
    if request_gate >= Visibility.EXISTENCE and wanted("requests"):
        for req in (
            DocumentRequest.objects.filter(customer=profile, jobcenter=jobcenter)
            .only("created_at", "deadline")
            .order_by("-created_at", "-pk")[:take]
        ):
            text = _("Unterlagen angefordert, Frist %(date)s") % {
                "date": req.deadline.strftime("%d.%m.%Y")
            }
            if request_gate == Visibility.CONTENT:
                entries.append(
                    TimelineEntry(
                        req.created_at, _("Nachforderung"), text, "staff:document_request", req.pk
                    )
                )
            else:
                entries.append(TimelineEntry(req.created_at, _("Nachforderung"), text))

    if gates[Category.GENERAL.value] >= Visibility.EXISTENCE and wanted("appointments"):
        for appt in (
            Appointment.objects.filter(customer=profile, jobcenter=jobcenter)
            .select_related("type")
            .only("starts_at", "status", "type", "type__name")
            .order_by("-starts_at", "-pk")[:take]
        ):
            text = f"{appt.type.name} ({appt.get_status_display()})"
            entries.append(
                TimelineEntry(appt.starts_at, _("Termin"), text, "staff:appointment", appt.pk)
            )

    conversations = (
        _visible_conversations(gates, profile, user)
        .filter(last_message_at__isnull=False)
        .select_related("topic")
        .only("subject", "last_message_at", "topic", "topic__category")
        .order_by("-last_message_at", "-pk")[:take]
    )
    for conv in conversations if wanted("conversations") else ():
        assert conv.last_message_at is not None  # noqa: S101 - filtered above
        category = conversation_category(topic=conv.topic)
        if gates[category.value] == Visibility.CONTENT:
            entries.append(
                TimelineEntry(
                    conv.last_message_at,
                    _("Nachricht"),
                    conv.subject,
                    "staff:conversation",
                    conv.pk,
                )
            )
        else:
            entries.append(TimelineEntry(conv.last_message_at, _("Nachricht"), _("Unterhaltung")))

    note_cats = [c for c in NoteCategory.values if gates[c] >= Visibility.EXISTENCE]
    if note_cats and wanted("notes"):
        for note in (
            CaseNote.objects.filter(customer=profile, jobcenter=jobcenter, category__in=note_cats)
            .only("created_at", "category", "text")
            .order_by("-created_at", "-pk")[:take]
        ):
            label = NoteCategory(note.category).label
            if gates[note.category] == Visibility.CONTENT:
                text = note.text if len(note.text) <= 120 else note.text[:119] + "…"
            else:
                text = _("Vermerk (%(area)s)") % {"area": label}
            entries.append(TimelineEntry(note.created_at, _("Vermerk"), text))

    entries.sort(key=lambda e: e.at, reverse=True)
    start = (page - 1) * TIMELINE_PAGE
    return entries[start : start + TIMELINE_PAGE], len(entries) > start + TIMELINE_PAGE
