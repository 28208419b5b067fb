"""Proofs close the loop (issue 17, item 3): a proof sent from the application's proof list
or in answer to a request is linked to what it answers, and both lists say "erhalten am …
(Eingangsbestätigung)" instead of asking again, on the customer's and on the staff side.
Stale links get a page saying what happened; a second tap on "Senden" sends nothing twice.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.applications.models import Application
from openjobcenter.applications.proof_status import proof_ref, proof_rows
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import proof_links, services
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import enable_module, make_application
from tests.conftest import login_with_mfa
from tests.documents.conftest import empty_table, photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")

TENANCY = "Mietvertrag"


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable_module(customer.jobcenter)
    return make_application(customer)


def c_url(name: str, jc: Jobcenter, **kw: Any) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": jc.slug, **kw})


def proofs_page(client: Client, app: Application) -> str:
    response = client.get(c_url("application_proofs", app.jobcenter, pk=app.pk))
    assert response.status_code == 200
    return response.content.decode()


def tenancy_block(page: str) -> str:
    """The list entry of the tenancy agreement (from its heading to the next entry)."""
    start = page.index(f"<h2>{TENANCY}")
    end = page.find('<li class="panel">', start)
    return page[start : end if end != -1 else len(page)]


def send_link(page: str) -> str:
    block = tenancy_block(page)
    match = re.search(r'href="([^"]*nachweise/senden/[^"]*)"', block)
    assert match, block
    return match.group(1).replace("&amp;", "&")


def upload_from_list(client: Client, app: Application, data: bytes | None = None) -> Document:
    """What the customer does: tap the proof's link, then send the photo on the form."""
    to_form = client.get(send_link(proofs_page(client, app)))
    assert to_form.status_code == 302
    form = client.get(to_form["Location"])
    assert form.status_code == 200
    token = parse_qs(urlparse(to_form["Location"]).query)["proof"][0]
    assert f'value="{token}"' in form.content.decode()  # carried by the plain form
    response = client.post(
        c_url("document_upload", app.jobcenter),
        {"kind": "tenancy_agreement", "proof": token, "uploads": [upload(data or photo(1))]},
    )
    assert response.status_code == 302
    return Document.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_upload_from_the_proof_list_shows_it_received(
    customer_client: Client, app: Application, staff_a: Any, client: Client
) -> None:
    before = tenancy_block(proofs_page(customer_client, app))
    assert "Jetzt hochladen" in before  # the reproduction: asked for, nothing linked yet

    doc = upload_from_list(customer_client, app)

    assert doc.state == DocumentState.RECEIVED
    assert doc.proof_for == proof_ref(app, "tenancy_agreement", None)
    after = tenancy_block(proofs_page(customer_client, app))
    today = timezone.localdate().strftime("%d.%m.%Y").lstrip("0")
    assert "erhalten am" in after
    assert "Jetzt hochladen" not in after
    receipt = c_url("document_receipt", app.jobcenter, pk=doc.pk)
    assert receipt in after and "Eingangsbestätigung" in after
    assert customer_client.get(receipt).status_code == 200
    # The other proofs are still asked for.
    assert "Jetzt hochladen" in proofs_page(customer_client, app)
    assert AuditEntry.objects.filter(
        object_type="document", object_id=str(doc.pk), detail__contains="for=application:"
    ).exists()

    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    body = staff.get(f"/{app.jobcenter.slug}/staff/antraege/{app.pk}/").content.decode()
    entry = body[body.index(f"<strong>{TENANCY}</strong>") :]
    entry = entry[: entry.index("</li>")]
    assert "erhalten am" in entry
    assert reverse("staff:document", kwargs={"jc": app.jobcenter.slug, "pk": doc.pk}) in entry
    assert "fehlt noch" in body  # the proofs not sent yet
    del today


def test_a_plain_upload_of_the_same_kind_links_nothing(
    customer_client: Client, app: Application
) -> None:
    customer_client.post(
        c_url("document_upload", app.jobcenter),
        {"kind": "tenancy_agreement", "uploads": [upload(photo(1))]},
    )
    assert Document.objects.get().proof_for == ""
    assert "Jetzt hochladen" in tenancy_block(proofs_page(customer_client, app))


def test_refused_document_does_not_count_and_offers_to_send_again(
    customer_client: Client, app: Application
) -> None:
    doc = upload_from_list(customer_client, app, empty_table())
    assert doc.state == DocumentState.REFUSED
    block = tenancy_block(proofs_page(customer_client, app))
    assert "erhalten am" not in block
    assert "konnte nicht verwendet werden" in block
    assert "keine Seite zu erkennen" in block
    assert "Noch einmal senden" in block
    # Sending again works and then counts.
    again = upload_from_list(customer_client, app)
    assert again.pk != doc.pk and again.state == DocumentState.RECEIVED
    assert "erhalten am" in tenancy_block(proofs_page(customer_client, app))


def test_new_copy_needed_asks_again(
    customer_client: Client, app: Application, staff_a: Any
) -> None:
    from django.test import RequestFactory

    doc = upload_from_list(customer_client, app)
    request = RequestFactory().post("/")
    request.user = staff_a[Role.CASEWORKER]
    services.document_review(
        request=request,
        document=doc,
        state=DocumentState.NEW_COPY_NEEDED,
        reason="Die zweite Seite fehlt.",
        base_version=0,
    )
    block = tenancy_block(proofs_page(customer_client, app))
    assert "Die zweite Seite fehlt." in block
    assert "Noch einmal senden" in block
    assert "erhalten am" not in block


def test_stale_proof_link_says_it_arrived(customer_client: Client, app: Application) -> None:
    link = send_link(proofs_page(customer_client, app))
    doc = upload_from_list(customer_client, app)
    response = customer_client.get(link)  # the old link, e.g. from a second tab
    assert response.status_code == 200
    body = response.content.decode()
    assert "Diesen Nachweis haben wir schon" in body
    assert c_url("document_receipt", app.jobcenter, pk=doc.pk) in body


def test_proof_no_longer_asked_for_says_so(customer_client: Client, app: Application) -> None:
    response = customer_client.get(
        c_url("application_proof_send", app.jobcenter, pk=app.pk) + "?kind=pregnancy_certificate"
    )
    assert response.status_code == 200
    assert "Dieser Nachweis wird nicht mehr gebraucht" in response.content.decode()
    assert not Document.objects.exists()


def test_another_customer_cannot_link_to_someone_elses_proof(
    app: Application, customer2: CustomerProfile, client: Client
) -> None:
    """A token made for the owner (leaked, or guessed) is a 404 for anyone else, and
    nothing is stored; the proof-list link itself is a 404 for them too."""
    token = proof_links.sign(app.customer, proof_ref(app, "tenancy_agreement", None))
    client.force_login(customer2.user)
    send = c_url("application_proof_send", app.jobcenter, pk=app.pk) + "?kind=tenancy_agreement"
    assert client.get(send).status_code == 404
    assert client.get(c_url("document_upload", app.jobcenter) + f"?proof={token}").status_code == (
        404
    )
    response = client.post(
        c_url("document_upload", app.jobcenter),
        {"kind": "tenancy_agreement", "proof": token, "uploads": [upload(photo(1))]},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()
    assert not proof_links.documents_for(app.customer, "application:").exists()


def test_tampered_token_is_refused(customer_client: Client, app: Application) -> None:
    token = proof_links.sign(app.customer, proof_ref(app, "tenancy_agreement", None))
    forged = token.replace("tenancy", "payslip")
    response = customer_client.post(
        c_url("document_upload", app.jobcenter),
        {"kind": "tenancy_agreement", "proof": forged + "x", "uploads": [upload(photo(1))]},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_double_tap_on_send_sends_once(customer_client: Client, app: Application) -> None:
    form = customer_client.get(c_url("document_upload", app.jobcenter)).content.decode()
    once = re.search(r'name="once" value="([^"]+)"', form)
    assert once
    data = {"kind": "payslip", "once": once.group(1)}
    first = customer_client.post(
        c_url("document_upload", app.jobcenter), {**data, "uploads": [upload(photo(1))]}
    )
    second = customer_client.post(
        c_url("document_upload", app.jobcenter), {**data, "uploads": [upload(photo(1))]}
    )
    doc = Document.objects.get()
    assert first["Location"] == second["Location"] == c_url("document", app.jobcenter, pk=doc.pk)
    assert doc.pages.count() == 1
    page = customer_client.get(second["Location"]).content.decode()
    assert "schon gesendet" in page


def test_double_tap_after_pages_sent_one_by_one(customer_client: Client, jc_a: Jobcenter) -> None:
    """The JS path: the draft is sent twice; the second shows it instead of a 404."""
    draft = customer_client.post(
        c_url("document_page_upload", jc_a), {"file": upload(photo(1)), "kind": "payslip"}
    ).json()["draft"]
    body = {"kind": "payslip", "draft": draft}
    assert customer_client.post(c_url("document_upload", jc_a), body).status_code == 302
    again = customer_client.post(c_url("document_upload", jc_a), body)
    assert again.status_code == 302
    assert again["Location"] == c_url("document", jc_a, pk=draft)
    assert Document.objects.count() == 1


def _request(customer: CustomerProfile) -> DocumentRequest:
    return services.document_request_create(
        request=None,
        jobcenter=customer.jobcenter,
        customer=customer,
        items=[
            RequestItemInput(kind="payslip", reason="Einkommen Oktober"),
            RequestItemInput(kind="bank_statement"),
        ],
        deadline=timezone.localdate() + timedelta(days=10),
        explanation="",
    )


def test_request_items_show_received_on_both_sides(
    customer_client: Client, customer: CustomerProfile, staff_a: Any
) -> None:
    req = _request(customer)
    payslip = req.items.get(kind="payslip")
    jc = customer.jobcenter
    customer_client.post(
        c_url("document_upload", jc),
        {"kind": "payslip", "item": payslip.pk, "uploads": [upload(photo(1))]},
    )
    doc = Document.objects.get()
    listing = customer_client.get(c_url("documents", jc)).content.decode()
    assert "erhalten am" in listing
    assert c_url("document_receipt", jc, pk=doc.pk) in listing
    assert "Jetzt senden" in listing  # the bank statement is still open
    assert f"item={payslip.pk}" not in listing

    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    for path in (
        reverse("staff:document_request", kwargs={"jc": jc.slug, "pk": req.pk}),
        reverse("staff:customer_documents", kwargs={"jc": jc.slug, "customer": customer.pk}),
    ):
        body = staff.get(path).content.decode()
        assert "erhalten am" in body, path
        assert "fehlt noch" in body, path
        assert reverse("staff:document", kwargs={"jc": jc.slug, "pk": doc.pk}) in body


def test_refused_answer_to_a_request_keeps_it_open(
    customer_client: Client, customer: CustomerProfile
) -> None:
    req = _request(customer)
    payslip = req.items.get(kind="payslip")
    jc = customer.jobcenter
    customer_client.post(
        c_url("document_upload", jc),
        {"kind": "payslip", "item": payslip.pk, "uploads": [upload(empty_table())]},
    )
    payslip.refresh_from_db()
    assert payslip.fulfilled_at is None
    listing = customer_client.get(c_url("documents", jc)).content.decode()
    assert "konnte nicht verwendet werden" in listing
    assert f"item={payslip.pk}" in listing  # send again, still answering the request


def test_stale_request_link_says_it_arrived(
    customer_client: Client, customer: CustomerProfile
) -> None:
    req = _request(customer)
    payslip = req.items.get(kind="payslip")
    jc = customer.jobcenter
    link = c_url("document_upload", jc) + f"?kind=payslip&item={payslip.pk}"
    customer_client.post(
        c_url("document_upload", jc),
        {"kind": "payslip", "item": payslip.pk, "uploads": [upload(photo(1))]},
    )
    doc = Document.objects.get()
    page = customer_client.get(link)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Diese Unterlage haben wir schon" in body
    assert c_url("document_receipt", jc, pk=doc.pk) in body
    # The form sent again from an old tab: the same page, nothing stored.
    again = customer_client.post(
        c_url("document_upload", jc),
        {"kind": "payslip", "item": payslip.pk, "uploads": [upload(photo(2))]},
    )
    assert again.status_code == 409
    assert "Diese Unterlage haben wir schon" in again.content.decode()
    assert Document.objects.count() == 1


def test_someone_elses_request_item_is_not_a_stale_page(
    client: Client, customer: CustomerProfile, customer2: CustomerProfile
) -> None:
    req = _request(customer)
    item = req.items.get(kind="payslip")
    item.fulfilled_at = timezone.now()
    item.save()
    client.force_login(customer2.user)
    page = client.get(c_url("document_upload", customer.jobcenter) + f"?item={item.pk}")
    assert page.status_code == 200
    assert "Diese Unterlage haben wir schon" not in page.content.decode()
    response = client.post(
        c_url("document_upload", customer.jobcenter),
        {"kind": "payslip", "item": item.pk, "uploads": [upload(photo(1))]},
    )
    assert response.status_code == 422
    assert not Document.objects.exists()


def test_proof_rows_service(customer: CustomerProfile, app: Application) -> None:
    rows = {row.proof.kind_key: row for row in proof_rows(app)}
    assert rows["tenancy_agreement"].document is None
    doc = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="tenancy_agreement"
    )
    Document.objects.filter(pk=doc.pk).update(proof_for=proof_ref(app, "tenancy_agreement", None))
    rows = {row.proof.kind_key: row for row in proof_rows(app)}
    assert rows["tenancy_agreement"].received
    assert not rows["bank_statement"].received


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "received on"), ("ar", "استُلم في"), ("uk", "отримано")],
)
def test_received_in_every_language(
    customer_client: Client, app: Application, language: str, text: str
) -> None:
    upload_from_list(customer_client, app)
    app.customer.user.preferred_language = language
    app.customer.user.save()
    page = customer_client.get(c_url("application_proofs", app.jobcenter, pk=app.pk))
    assert text in page.content.decode()
