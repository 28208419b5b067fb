"""``GET /api/v1/cards/{jc}/card``: the customer's own card (for an app): status, name,
customer number, the QR payload and the next appointment if shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.api.auth import auth_user, session_or_token
from openjobcenter.api.schemas import ErrorOut
from openjobcenter.cards import selectors
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.tenants.modules import is_enabled

router = Router(tags=["cards"])


class CardOut(Schema):
    status: str
    name: str
    customer_number: str
    jobcenter: str
    colour: str
    qr_payload: str | None
    show_next_appointment: bool
    next_appointment: datetime | None
    pass_modified: datetime


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    try:
        customer = CustomerProfile.objects.select_related("jobcenter", "user").get(
            user=auth_user(request), jobcenter__slug=jc, jobcenter__is_active=True
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None
    if not is_enabled(customer.jobcenter, "customer_card"):
        raise Http404
    return customer


@router.get(
    "/{jc}/card",
    response={200: CardOut, 404: ErrorOut},
    auth=session_or_token,
    summary="The customer's own card",
)
def my_card(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    view = selectors.card_view(customer)
    card = view.card
    audit_own_read(
        request=request,
        user=customer.user,
        object_type="customer_card",
        object_id=card.pk,
        jobcenter=customer.jobcenter,
        detail="api",
    )
    return CardOut(
        status=card.status,
        name=customer.user.display_name,
        customer_number=customer.customer_number or "",
        jobcenter=customer.jobcenter.name,
        colour=customer.jobcenter.primary_colour,
        qr_payload=card.payload if card.is_active else None,
        show_next_appointment=card.show_next_appointment,
        next_appointment=view.next_appointment.starts_at if view.next_appointment else None,
        pass_modified=view.modified,
    )
