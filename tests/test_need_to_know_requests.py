"""Need-to-know on document requests (issue 18.5): a request's items are shown by their
kind's category. Where the person may only know that such documents exist (a job advisor
and a doctor's certificate), the list and the request's page say "1 Unterlage aus einem
geschützten Bereich" without kind, reason or answer; the compose page offers only kinds
the person may read, and a posted kind outside them is refused with nothing stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openjobcenter.documents.models import DocumentRequest
from openjobcenter.documents.services import RequestItemInput, document_request_create
from openjobcenter.tenants.models import Jobcenter
from tests.need_to_know_world import (
    DOCUMENT_ROLES,
    EXPECTED,
    FIN_DOC,
    HEALTH_DOC,
    JOBCENTERS,
    C,
    E,
    World,
    w,
    world,
)

__all__ = ["w", "world"]  # the fixtures, used by name

# Per item: the kind, its label, the world object of the same category.
ITEMS = (
    ("sick_note", "Arbeitsunfähigkeitsbescheinigung", HEALTH_DOC),
    ("payslip", "Lohn- oder Gehaltsabrechnung", FIN_DOC),
)
GENERAL_LABEL = "Personalausweis oder Pass"


def _reason(jc: str, kind: str) -> str:
    return f"Grundwort{kind.replace('_', '')}{jc}"


def _request(w: World, jc: str) -> DocumentRequest:
    return document_request_create(
        request=None,
        jobcenter=Jobcenter.objects.get(slug=jc),
        customer=w.customers[jc],
        items=[
            *(RequestItemInput(kind=kind, reason=_reason(jc, kind)) for kind, _l, _o in ITEMS),
            RequestItemInput(kind="identity_document", reason="Identität"),
        ],
        deadline=timezone.localdate() + timedelta(days=14),
        explanation="Bitte senden Sie uns die Unterlagen.",
    )


@pytest.mark.parametrize(("jc", "role"), [(jc, r) for jc in JOBCENTERS for r in DOCUMENT_ROLES])
def test_request_items_by_category(w: World, jc: str, role: str) -> None:
    doc_request = _request(w, jc)
    client = w.clients[(jc, role)]
    detail = client.get(f"/{jc}/staff/unterlagen/anforderung/{doc_request.pk}/")
    listing = client.get(f"/{jc}/staff/unterlagen/kunde/{w.customers[jc].pk}/")
    assert detail.status_code == 200
    assert listing.status_code == 200
    protected = 0
    for response in (detail, listing):
        page = response.content.decode()
        assert GENERAL_LABEL in page  # general: everyone with documents work reads it
        for kind, label, obj in ITEMS:
            seen = EXPECTED[(jc, role, obj)]
            assert (label in page) == (seen == C), (kind, role)
            assert (_reason(jc, kind) in page) == (seen == C and response is detail), kind
        protected = sum(1 for _k, _l, obj in ITEMS if EXPECTED[(jc, role, obj)] == E)
        if protected:
            assert f'data-protected="{protected}"' in page
            words = "Unterlage" if protected == 1 else "Unterlagen"
            assert f"{protected} {words} aus einem geschützten Bereich" in page
            assert "Inhalt nur für: Leistungssachbearbeitung" in page
        else:
            assert "geschützten Bereich" not in page
    # The job advisor of A knows of both (health and financial): the case for the count.
    if (jc, role) == ("fulda", "job_advisor"):
        assert protected == 2


@pytest.mark.parametrize(("jc", "role"), [(jc, r) for jc in JOBCENTERS for r in DOCUMENT_ROLES])
def test_compose_offers_only_readable_kinds(w: World, jc: str, role: str) -> None:
    customer = w.customers[jc]
    client = w.clients[(jc, role)]
    url = f"/{jc}/staff/unterlagen/kunde/{customer.pk}/anfordern/"
    page = client.get(url).content.decode()
    assert 'value="identity_document"' in page
    for kind, _label, obj in ITEMS:
        offered = f'value="{kind}"' in page
        assert offered == (EXPECTED[(jc, role, obj)] == C), (kind, role)
    before = DocumentRequest.objects.filter(customer=customer).count()
    posted = client.post(
        url,
        {
            "kinds": ["sick_note"],
            "deadline": (timezone.localdate() + timedelta(days=14)).isoformat(),
            "submit_key": f"k-{jc}-{role}",
        },
    )
    if EXPECTED[(jc, role, HEALTH_DOC)] == C:
        assert posted.status_code == 302
        assert DocumentRequest.objects.filter(customer=customer).count() == before + 1
    else:
        assert posted.status_code == 422
        assert DocumentRequest.objects.filter(customer=customer).count() == before


def test_other_job_centre_gets_404_for_a_request(w: World) -> None:
    doc_request = _request(w, "fulda")
    response = w.clients[("wiesbaden", "admin")].get(
        f"/wiesbaden/staff/unterlagen/anforderung/{doc_request.pk}/"
    )
    assert response.status_code == 404
    assert _reason("fulda", "sick_note") not in response.content.decode()
