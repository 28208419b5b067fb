"""Writes of co-signing (issue 25 §4). The applicant's filing is never held up: the
application is filed and submitted as before; the other adults confirm afterwards."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.applications.models import Application
from openjobcenter.core.audit import audit
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import AuditAction
from openjobcenter.mandates.codes import code_hash, new_code
from openjobcenter.mandates.models import Cosignature, CosignState
from openjobcenter.mandates.selectors_cosign import adults
from openjobcenter.mandates.services import MandateError

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

CODE_DAYS = 30
DECISIONS = (
    CosignState.CONFIRMED,
    CosignState.CORRECTED,
    CosignState.REPRESENTED,
    CosignState.OBJECTED,
)


def cosign_prepare(*, application: Application) -> list[Cosignature]:
    """One row per other adult of the submitted household (idempotent)."""
    people = adults(application)
    if people:
        Cosignature.objects.bulk_create(
            [
                Cosignature(application=application, person_id=p.id, person_name=p.name)
                for p in people
            ],
            ignore_conflicts=True,
        )
    return list(application.cosignatures.select_related("signer").order_by("person_id"))


def _audit(
    request: HttpRequest | None,
    cosignature: Cosignature,
    action: AuditAction,
    detail: str,
    actor: User | None = None,
) -> None:
    application = cosignature.application
    audit(
        request=request,
        action=action,
        object_type="cosignature",
        object_id=cosignature.pk,
        jobcenter=application.jobcenter,
        subject=application.customer.user,
        actor=actor,
        detail=detail,
    )


@transaction.atomic
def cosign_invite(
    *, request: HttpRequest | None, actor: User, cosignature: Cosignature, email: str = ""
) -> str:
    """A new single-use code for the adult (the old one stops working); sent by e-mail
    when an address is given. The code is returned to be shown once."""
    if cosignature.state != CosignState.OPEN or cosignature.signer_id is not None:
        raise MandateError(_("Diese Person hat schon geantwortet oder sich angemeldet."))
    code = new_code()
    cosignature.code_hash = code_hash(code)
    cosignature.code_expires_at = timezone.now() + timedelta(days=CODE_DAYS)
    cosignature.invited_email = email
    cosignature.save(update_fields=["code_hash", "code_expires_at", "invited_email"])
    application = cosignature.application
    if email:
        link = reverse("tenant:cosign_claim", kwargs={"jc": application.jobcenter.slug})
        send_after_commit(
            EmailMessage(
                subject=_("Bitte bestätigen Sie Ihre Angaben im Antrag"),
                body=_(
                    "Guten Tag,\n\nin einem Antrag beim %(jc)s sind Sie als Person im Haushalt "
                    "genannt. Bitte melden Sie sich mit Ihrem eigenen Konto an und geben Sie "
                    "diesen Code ein: %(code)s\n\n%(link)s\n\nDer Code gilt %(days)s Tage."
                )
                % {"jc": application.jobcenter.name, "code": code, "link": link, "days": CODE_DAYS},
                to=[email],
            )
        )
    _audit(
        request,
        cosignature,
        AuditAction.UPDATE,
        "invited by e-mail" if email else "invited by code",
        actor,
    )
    return code


@transaction.atomic
def cosign_claim(
    *, request: HttpRequest | None, user: User, jobcenter: Jobcenter, code: str
) -> Cosignature:
    """The adult signs in with their own account and enters the code (used up)."""
    cosignature = (
        Cosignature.objects.select_for_update(of=("self",))
        .select_related("application__customer__user", "application__jobcenter")
        .filter(code_hash=code_hash(code), application__jobcenter=jobcenter)
        .first()
    )
    if (
        cosignature is None
        or cosignature.code_expires_at is None
        or cosignature.code_expires_at < timezone.now()
    ):
        raise MandateError(_("Dieser Code ist ungültig, abgelaufen oder schon benutzt."))
    if cosignature.application.customer.user_id == user.pk:
        raise MandateError(
            _(
                "Diesen Code gibt die antragstellende Person an eine andere erwachsene Person weiter."
            )
        )
    cosignature.signer = user
    cosignature.code_hash = None
    cosignature.code_expires_at = None
    cosignature.save(update_fields=["signer", "code_hash", "code_expires_at"])
    _audit(request, cosignature, AuditAction.UPDATE, "claimed", user)
    return cosignature


class CorrectionError(MandateError):
    """Corrections the form's rules refuse: the message per field key (nothing stored)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(_("Bitte prüfen Sie Ihre Korrekturen."))
        self.errors = dict(errors)


@transaction.atomic
def cosign_decide(
    *,
    request: HttpRequest | None,
    user: User,
    cosignature: Cosignature,
    decision: str,
    declarations: bool,
    correction: str = "",
    corrections: Mapping[str, Any] | None = None,
) -> Cosignature:
    """The adult confirms (signing the declarations), corrects their own data field by
    field (``corrections``: key → new value, see ``mandates.corrections``), lets the
    applicant represent them (§ 38 SGB II) or objects (``correction``: the reason). The
    application's PDF is drawn again. A refusal stores nothing."""
    from openjobcenter.mandates.corrections import clean_corrections, german_rows
    from openjobcenter.mandates.models import CosignCorrection

    if cosignature.signer_id != user.pk:
        raise MandateError(_("Diese Bestätigung gehört zu einem anderen Konto."))
    if cosignature.state != CosignState.OPEN:
        raise MandateError(_("Sie haben schon geantwortet."))
    if decision not in DECISIONS:
        raise MandateError(_("Bitte wählen Sie eine Antwort."))
    correction = correction.strip()
    changes: list[Any] = []
    if decision == CosignState.CORRECTED:
        changes, errors = clean_corrections(cosignature, corrections or {})
        if errors:
            raise CorrectionError(errors)
        if not changes:
            raise MandateError(
                _("Bitte tragen Sie bei mindestens einer Angabe den richtigen Wert ein.")
            )
    if decision == CosignState.OBJECTED and not correction:
        raise MandateError(_("Bitte schreiben Sie, was nicht stimmt."))
    if decision in (CosignState.CONFIRMED, CosignState.CORRECTED) and not declarations:
        raise MandateError(_("Bitte bestätigen Sie die Erklärungen."))
    now = timezone.now()
    cosignature.state = decision
    cosignature.correction = correction[:4000] if decision == CosignState.OBJECTED else ""
    cosignature.decided_at = now
    cosignature.save(update_fields=["state", "correction", "decided_at"])
    if changes:
        canonical = {c.item.key: c.new for c in changes}
        CosignCorrection.objects.bulk_create(
            [
                CosignCorrection(
                    cosignature=cosignature,
                    field_key=key,
                    label=label[:300],
                    old_value=old,
                    new_value=new,
                    new_canonical=str(canonical[key]),
                    created_at=now,
                )
                for key, label, old, new in german_rows(cosignature, changes)
            ]
        )
    _redraw_pdf(cosignature.application)
    detail = f"decided {decision}"
    if changes:
        detail += " fields=" + ",".join(c.item.key for c in changes)
    _audit(request, cosignature, AuditAction.UPDATE, detail[:500], user)
    return cosignature


PDF_TOPIC = "mandates.cosign_pdf"


def _redraw_pdf(application: Application) -> None:
    """The stored summary PDF no longer shows every confirmation: it is drawn again by an
    outbox row of this transaction (``core.outbox``), the old file removed after commit."""
    from openjobcenter.core import outbox, sealed

    old = Application.objects.filter(pk=application.pk).values_list("pdf_name", flat=True).first()
    if old:
        Application.objects.filter(pk=application.pk).update(pdf_name="")
        transaction.on_commit(lambda: sealed.delete(old))
    outbox.put(
        topic=PDF_TOPIC,
        key=f"{application.pk}:{timezone.now().timestamp()}",
        payload={"application_id": application.pk},
    )


def _deliver_pdf(payload: Mapping[str, Any]) -> None:
    from openjobcenter.applications.services import application_pdfs_store

    application_pdfs_store(application_id=int(str(payload["application_id"])), parts=("summary",))


def register_outbox() -> None:
    from openjobcenter.core import outbox

    outbox.register(PDF_TOPIC, _deliver_pdf)
