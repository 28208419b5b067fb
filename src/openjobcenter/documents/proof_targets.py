"""What a sent document can answer: a customer's open proof items, from every list.

Two kinds of target: an item of a document request (``item:<pk>``) and a proof on another
module's list (``ref:<reference>``, the ``Document.proof_for`` of ``proof_links``). The
documents module does not know what an application is: a module that lists proofs
registers a ``TargetProvider`` here (DESIGN §4.4, an explicit registry), which returns
the customer's proofs with their state. The chat's "Wofür ist dieses Dokument?", the
staff's "Als Nachweis zuordnen" and the request prefilled from an application's missing
proofs all read this one list, so every path links the same way
(``services_links.document_link_proof``).

A target is looked up among *this* customer's targets only: a value naming another
person's item or list is simply not there (404); one that is there but already received
is stale (the caller shows a page that says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from openjobcenter.documents.kinds import get_kind
from openjobcenter.documents.models import (
    DELIVERED_STATES,
    Document,
    DocumentState,
    RequestItem,
)

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile


@dataclass(frozen=True)
class Target:
    """One proof a document can answer. ``value`` is what a form posts."""

    value: str
    kind: str
    label: str  # what is asked for, with the person ("Lohnabrechnung (Anna Muster)")
    group: str  # where it is asked ("Anforderung vom 1. Dezember 2026", "Antrag …")
    is_open: bool = True
    ref: str = ""  # the proof_for reference (also set for items made from a list)
    item: RequestItem | None = None
    person_id: str | None = None


TargetProvider = Callable[["CustomerProfile"], list[Target]]
_providers: list[TargetProvider] = []


def register(provider: TargetProvider) -> TargetProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def ref_value(ref: str) -> str:
    return f"ref:{ref}"


def item_value(item: RequestItem) -> str:
    return f"item:{item.pk}"


def _item_targets(customer: CustomerProfile) -> list[Target]:
    from django.utils.formats import date_format

    items = (
        RequestItem.objects.filter(
            request__customer=customer, request__jobcenter=customer.jobcenter
        )
        .select_related("request")
        .order_by("request__created_at", "position", "pk")
    )
    return [
        Target(
            value=item_value(item),
            kind=item.kind,
            label=item.label,
            group=_("Anforderung vom %(date)s")
            % {"date": date_format(item.request.created_at, "DATE_FORMAT")},
            is_open=item.fulfilled_at is None,
            ref=item.proof_ref,
            item=item,
        )
        for item in items
    ]


def all_targets(customer: CustomerProfile) -> list[Target]:
    """Every target of this customer, open or not: request items first, then each
    registered list's proofs that no open item already asks for again."""
    items = _item_targets(customer)
    asked_again = {t.ref for t in items if t.ref and t.is_open}
    out = list(items)
    for provider in list(_providers):
        out += [t for t in provider(customer) if t.ref not in asked_again]
    return out


def open_targets(customer: CustomerProfile) -> list[Target]:
    return [t for t in all_targets(customer) if t.is_open]


def find(customer: CustomerProfile, value: str) -> Target:
    """This customer's target named ``value`` (open or not); 404 when there is none."""
    value = (value or "").strip()[:200]
    target = next((t for t in all_targets(customer) if t.value == value), None)
    if target is None:
        raise Http404
    return target


def targets_with_prefix(customer: CustomerProfile, prefix: str) -> list[Target]:
    """The open proofs of one list (``ref`` starting with ``prefix``, e.g.
    ``application:12:``), for a request prefilled from what is missing."""
    return [
        t
        for t in open_targets(customer)
        if t.item is None and t.ref.startswith(prefix) and len(prefix) > 1
    ]


def kind_label(kind: str) -> str:
    return str(get_kind(kind).label)


@dataclass(frozen=True)
class LinkState:
    """What a sent document answers (``linked``: the target's label, "" if nothing) and,
    while it answers nothing, the open targets it could answer."""

    linked: str
    choices: list[Target]


def link_states(customer: CustomerProfile, documents: list[Document]) -> dict[int, LinkState]:
    """Per document id its ``LinkState``; the customer's targets are read once."""
    targets = all_targets(customer)
    choices = [t for t in targets if t.is_open]
    out: dict[int, LinkState] = {}
    for doc in documents:
        if doc.request_item_id or doc.proof_for:
            found = next(
                (
                    t
                    for t in targets
                    if (t.item is not None and t.item.pk == doc.request_item_id)
                    or (t.item is None and t.ref and t.ref == doc.proof_for)
                ),
                None,
            )
            out[doc.pk] = LinkState(found.label if found else doc.kind_label, [])
        elif doc.state in DELIVERED_STATES or doc.state == DocumentState.PROCESSING:
            out[doc.pk] = LinkState("", choices)
        else:
            out[doc.pk] = LinkState("", [])
    return out
