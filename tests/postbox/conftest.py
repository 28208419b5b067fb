from __future__ import annotations

import io
from datetime import date

import pikepdf
import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.postbox import services
from openjobcenter.postbox.models import Notice
from openjobcenter.tenants.models import Jobcenter


def make_pdf(*, pages: int = 1, encrypt: bool = False, js: bool = False, aa: bool = False) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page()
    if js:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
        )
    if aa:
        pdf.pages[0].obj.AA = pikepdf.Dictionary(
            O=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://x.example"))
        )
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u") if encrypt else False)
    return out.getvalue()


@pytest.fixture
def postbox_on(jc_a: Jobcenter, jc_b: Jobcenter) -> Jobcenter:
    for jc in (jc_a, jc_b):
        jc.enabled_modules = sorted({*jc.enabled_modules, "postbox", "messaging", "applications"})
        jc.save(update_fields=["enabled_modules"])
    return jc_a


def deposit(
    customer: CustomerProfile, actor: User, *, kind: str = "grant", electronic: bool | None = None
) -> Notice:
    if electronic is not None:
        services.consent_set(request=None, customer=customer, electronic=electronic)
    return services.notice_deposit(
        request=None,
        actor=actor,
        customer=customer,
        data=services.NoticeInput(kind=kind, dated=date(2026, 3, 2), data=make_pdf()),
    )


@pytest.fixture
def caseworker(staff_a: dict[Role, User]) -> User:
    return staff_a[Role.CASEWORKER]
