"""``/api/v1/mandates/{jc}/...``: the customer's mandates (list, grant, revoke), the
representative's side (accept a code, the mandates held) and co-signing (the applicant's
view of the adults' states; an adult claims a code and answers). The same permissions as
the pages: another person's mandate or co-signature is 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.api.auth import auth_user, session_or_token
from openjobcenter.api.schemas import ErrorOut, ValidationErrorOut
from openjobcenter.applications.selectors import get_application_for_customer
from openjobcenter.mandates import selectors, services, services_cosign
from openjobcenter.mandates.models import Cosignature, Mandate
from openjobcenter.mandates.selectors_cosign import cosignature_for_signer
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled

router = Router(tags=["mandates"])
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut}


class MandateOut(Schema):
    id: int
    kind: str
    state: str
    scopes: list[str]
    valid_until: date
    label: str
    customer: str
    representative: str | None
    organisation: str | None


class MandateIn(Schema):
    scopes: list[str]
    valid_until: date
    label: str = ""


class GrantedOut(Schema):
    mandate: MandateOut
    code: str


class CodeIn(Schema):
    code: str


class CorrectionOut(Schema):
    field: str
    label: str
    old_value: str
    new_value: str
    at: datetime


class CosignOut(Schema):
    id: int
    application: str
    person_id: str
    person_name: str
    state: str
    decided_at: datetime | None
    corrections: list[CorrectionOut]


class DecideIn(Schema):
    decision: str
    declarations: bool = False
    # The reason of an objection.
    correction: str = ""
    # "corrected": the adult's own fields, key → the right value (keys as in
    # docs/mandates.md: "members.birth_date", "income:p2.net_earnings").
    corrections: dict[str, str] = {}


def _jobcenter(jc: str) -> Jobcenter:
    jobcenter = Jobcenter.objects.filter(slug=jc, is_active=True).first()
    if jobcenter is None or not is_enabled(jobcenter, "mandates"):
        raise Http404
    return jobcenter


def _customer(request: HttpRequest, jc: str) -> CustomerProfile:
    jobcenter = _jobcenter(jc)
    customer = (
        CustomerProfile.objects.select_related("jobcenter", "user")
        .filter(user=auth_user(request), jobcenter=jobcenter)
        .first()
    )
    if customer is None:
        raise Http404
    return customer


def _out(m: Mandate) -> MandateOut:
    return MandateOut(
        id=m.pk,
        kind=m.kind,
        state=m.state(),
        scopes=list(m.scopes),
        valid_until=m.valid_until,
        label=m.label,
        customer=m.customer.user.display_name,
        representative=m.representative.display_name if m.representative else None,
        organisation=m.organisation.name if m.organisation else None,
    )


def _cosign(c: Cosignature) -> CosignOut:
    return CosignOut(
        id=c.pk,
        application=c.application.reference,
        person_id=c.person_id,
        person_name=c.person_name,
        state=c.state,
        decided_at=c.decided_at,
        corrections=[
            CorrectionOut(
                field=x.field_key,
                label=x.label,
                old_value=x.old_value,
                new_value=x.new_value,
                at=x.created_at,
            )
            for x in c.corrections.all()
        ],
    )


def _refused(exc: services.MandateError) -> Status[Any]:
    if isinstance(exc, services_cosign.CorrectionError):
        detail = [
            {"loc": ["body", "corrections", key], "msg": msg, "type": "refused"}
            for key, msg in exc.errors.items()
        ]
        return Status(422, {"detail": detail})
    return Status(422, {"detail": [{"loc": ["body"], "msg": str(exc), "type": "refused"}]})


R = TypeVar("R")


def _answer(call: Callable[[], R], out: Callable[[R], Any], *, status: int = 200) -> Any:
    """The shape every writing operation shares: run the service, a refusal is 422 with
    its message (nothing was written), otherwise the schema of the result."""
    try:
        result = call()
    except services.MandateError as exc:
        return _refused(exc)
    return Status(status, out(result)) if status != 200 else out(result)


@router.get(
    "/{jc}/mandates",
    response={200: list[MandateOut], 404: ErrorOut},
    auth=session_or_token,
    summary="The mandates the customer granted",
)
def list_mandates(request: HttpRequest, jc: str) -> Any:
    customer = _customer(request, jc)
    return [_out(m) for m in selectors.mandates_given(customer).select_related("customer__user")]


@router.post(
    "/{jc}/mandates",
    response={201: GrantedOut, **ERRORS},
    auth=session_or_token,
    summary="Grant a mandate: an invitation whose code is returned once",
)
def grant(request: HttpRequest, jc: str, data: MandateIn) -> Any:
    customer = _customer(request, jc)
    return _answer(
        lambda: services.mandate_invite(
            request=request,
            customer=customer,
            actor=auth_user(request),
            data=services.MandateInput(
                scopes=data.scopes, valid_until=data.valid_until, label=data.label
            ),
        ),
        lambda granted: GrantedOut(mandate=_out(granted[0]), code=granted[1]),
        status=201,
    )


@router.post(
    "/{jc}/mandates/{mandate_id}/revoke",
    response={200: MandateOut, 404: ErrorOut},
    auth=session_or_token,
    summary="Revoke a mandate at once",
)
def revoke(request: HttpRequest, jc: str, mandate_id: int) -> Any:
    customer = _customer(request, jc)
    mandate = selectors.mandate_of_customer(customer, mandate_id)
    if mandate.kind != "personal":
        raise Http404
    return _out(services.mandate_revoke(request=request, mandate=mandate, actor=auth_user(request)))


@router.post(
    "/{jc}/accept",
    response={200: MandateOut, **ERRORS},
    auth=session_or_token,
    summary="Accept a mandate with its code (the representative's own account)",
)
def accept(request: HttpRequest, jc: str, data: CodeIn) -> Any:
    jobcenter = _jobcenter(jc)
    return _answer(
        lambda: services.mandate_accept(
            request=request, user=auth_user(request), jobcenter=jobcenter, code=data.code
        ),
        _out,
    )


@router.get(
    "/{jc}/held",
    response={200: list[MandateOut], 404: ErrorOut},
    auth=session_or_token,
    summary="The active mandates the caller holds (the people they act for)",
)
def held(request: HttpRequest, jc: str) -> Any:
    return [_out(m) for m in selectors.active_mandates(auth_user(request), _jobcenter(jc))]


@router.get(
    "/{jc}/applications/{application_id}/cosign",
    response={200: list[CosignOut], 404: ErrorOut},
    auth=session_or_token,
    summary="The other adults of the applicant's household and their answers",
)
def cosign_state(request: HttpRequest, jc: str, application_id: int) -> Any:
    application = get_application_for_customer(_customer(request, jc), application_id)
    if not application.submitted_data:
        raise Http404
    return [_cosign(c) for c in services_cosign.cosign_prepare(application=application)]


@router.post(
    "/{jc}/cosign/claim",
    response={200: CosignOut, **ERRORS},
    auth=session_or_token,
    summary="An adult of the household claims the invitation with its code",
)
def cosign_claim(request: HttpRequest, jc: str, data: CodeIn) -> Any:
    jobcenter = _jobcenter(jc)
    return _answer(
        lambda: services_cosign.cosign_claim(
            request=request, user=auth_user(request), jobcenter=jobcenter, code=data.code
        ),
        _cosign,
    )


@router.post(
    "/{jc}/cosign/{cosign_id}/confirm",
    response={200: CosignOut, **ERRORS},
    auth=session_or_token,
    summary="Confirm, correct, be represented (§ 38 SGB II) or object",
)
def cosign_confirm(request: HttpRequest, jc: str, cosign_id: int, data: DecideIn) -> Any:
    user = auth_user(request)
    row = cosignature_for_signer(user, _jobcenter(jc), cosign_id)
    return _answer(
        lambda: services_cosign.cosign_decide(
            request=request,
            user=user,
            cosignature=row,
            decision=data.decision,
            declarations=data.declarations,
            correction=data.correction,
            corrections=data.corrections,
        ),
        _cosign,
    )
