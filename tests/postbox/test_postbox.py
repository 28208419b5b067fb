"""The postbox through its pages and services: consent kept apart, deposit with and
without consent, refusals that store nothing, retrieval, post, objection, question."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.home.staff_queue import StaffContext
from openjobcenter.messaging.models import Conversation
from openjobcenter.notifications.models import PendingNotification
from openjobcenter.postbox import services
from openjobcenter.postbox.home import NewNoticeProvider, PostQueueProvider
from openjobcenter.postbox.models import Channel, ConsentChange, Notice, NoticeConsent, Objection
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa
from tests.postbox.conftest import deposit, make_pdf

pytestmark = pytest.mark.usefixtures("postbox_on", "after_commit_at_once")


def _customer_client(customer: CustomerProfile) -> Client:
    client = Client()
    client.force_login(customer.user)
    return client


def _queue(jc: Jobcenter, user: User, role: Role) -> int:
    items = PostQueueProvider().queue(
        StaffContext(jobcenter=jc, user=user, roles=frozenset({role}))
    )
    return sum(i.count for i in items)


# --- Consent ------------------------------------------------------------------------------


def test_consent_defaults_to_post_and_is_given_and_withdrawn_by_the_customer(
    customer: CustomerProfile,
) -> None:
    client = _customer_client(customer)
    url = f"/{customer.jobcenter.slug}/mein-bereich/profil/einwilligungen/"
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "per Post (Sie haben nichts anderes gewählt)" in text
    assert "Unterlagen hochladen und Nachrichten schreiben" in text
    assert "Hinweise per E-Mail oder Push" in text

    assert client.post(url, {"notices": "electronic"}).status_code == 302
    assert NoticeConsent.objects.get(customer=customer).electronic is True
    assert "zugestimmt am" in client.get(url).content.decode()
    assert client.post(url, {"notices": "post"}).status_code == 302
    assert NoticeConsent.objects.get(customer=customer).electronic is False
    assert list(
        ConsentChange.objects.filter(customer=customer)
        .order_by("at")
        .values_list("given", flat=True)
    ) == [True, False]
    details = list(
        AuditEntry.objects.filter(object_type="postbox_consent", action="update")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert details == ["electronic notices given", "electronic notices withdrawn"]


def test_consent_form_refuses_an_unknown_choice_in_german(customer: CustomerProfile) -> None:
    client = _customer_client(customer)
    url = f"/{customer.jobcenter.slug}/mein-bereich/profil/einwilligungen/"
    answer = client.post(url, {"notices": "fax"})
    assert answer.status_code == 422
    assert not NoticeConsent.objects.exists()


def test_staff_cannot_change_consent_and_see_it_read_only_on_the_case_view(
    customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    services.consent_set(request=None, customer=customer, electronic=True)
    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    url = f"/{customer.jobcenter.slug}/mein-bereich/profil/einwilligungen/"
    assert staff.post(url, {"notices": "post"}).status_code == 404
    assert NoticeConsent.objects.get(customer=customer).electronic is True
    case = staff.get(f"/{customer.jobcenter.slug}/staff/kunden/{customer.pk}/").content.decode()
    assert "Bescheide und Einwilligungen" in case
    assert "elektronisch (eingewilligt am" in case
    assert "Nur die Person selbst kann ihre Einwilligungen ändern." in case


# --- Deposit --------------------------------------------------------------------------------


def _deposit_page(client: Client, customer: CustomerProfile, **files: bytes) -> Any:
    data = files.get("data", make_pdf())
    return client.post(
        f"/{customer.jobcenter.slug}/staff/postfach/kunden/{customer.pk}/",
        {
            "kind": "grant",
            "dated": "2026-03-02",
            "application": "",
            "file": SimpleUploadedFile("b.pdf", data, content_type="application/pdf"),
        },
    )


def test_deposit_with_consent_tells_the_customer_without_social_data(
    customer: CustomerProfile, caseworker: User
) -> None:
    services.consent_set(request=None, customer=customer, electronic=True)
    staff = login_with_mfa(Client(), caseworker)
    answer = _deposit_page(staff, customer)
    assert answer.status_code == 302
    notice = Notice.objects.get(customer=customer)
    assert notice.channel == Channel.ELECTRONIC
    assert notice.notified_at is not None
    # Sealed at rest: the stored blob is not the PDF.
    from openjobcenter.documents.storage import documents_storage

    with documents_storage().open(notice.file_name, "rb") as fh:
        assert not fh.read().startswith(b"%PDF")
    pending = PendingNotification.objects.get(user=customer.user)
    assert pending.event == "postbox.new_notice"
    from openjobcenter.notifications.services import render_payload

    payload = render_payload(customer.user, pending.event, pending.url)
    assert payload.body == "Ein neues Schreiben liegt für Sie bereit."
    items = NewNoticeProvider().items(customer)
    assert [i.title for i in items] == ["Ein neues Schreiben liegt für Sie bereit"]
    assert AuditEntry.objects.filter(object_type="notice", action="create").count() == 1


def test_withdrawal_takes_effect_for_the_next_notice(
    customer: CustomerProfile, caseworker: User
) -> None:
    first = deposit(customer, caseworker, electronic=True)
    second = deposit(customer, caseworker, electronic=False)
    first.refresh_from_db()
    assert (first.channel, second.channel) == (Channel.ELECTRONIC, Channel.POST)
    assert not PendingNotification.objects.filter(ref=f"notice:{second.pk}").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a pdf", "Das ist keine PDF-Datei."),
        (make_pdf(encrypt=True), "verschlüsselt"),
        (make_pdf(js=True), "aktive Inhalte"),
        (make_pdf(aa=True), "aktive Inhalte"),
        (b"%PDF-1.7\n garbage", "beschädigt"),
        (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "zu groß"),
    ],
)
def test_refused_files_store_nothing(
    customer: CustomerProfile, caseworker: User, data: bytes, message: str
) -> None:
    from openjobcenter.documents.storage import documents_storage

    storage = documents_storage()
    before = (
        storage.listdir(f"{customer.jobcenter.storage_id}/notices")[1]
        if storage.exists(f"{customer.jobcenter.storage_id}/notices")
        else []
    )
    staff = login_with_mfa(Client(), caseworker)
    answer = _deposit_page(staff, customer, data=data)
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert not Notice.objects.exists()
    after = (
        storage.listdir(f"{customer.jobcenter.storage_id}/notices")[1]
        if storage.exists(f"{customer.jobcenter.storage_id}/notices")
        else []
    )
    assert after == before


@pytest.mark.parametrize(
    ("role", "status"), [(Role.JOB_ADVISOR, 403), (Role.RECEPTION, 403), (Role.ADMIN, 403)]
)
def test_roles_without_the_permission_cannot_deposit(
    customer: CustomerProfile, staff_a: dict[Role, User], role: Role, status: int
) -> None:
    staff = login_with_mfa(Client(), staff_a[role])
    assert _deposit_page(staff, customer).status_code == status
    assert not Notice.objects.exists()


def test_other_job_centres_staff_get_404(
    customer: CustomerProfile, staff_b: dict[Role, User], customer_b: CustomerProfile
) -> None:
    staff = login_with_mfa(Client(), staff_b[Role.CASEWORKER])
    # B's caseworker through B's URL with A's customer: not found.
    answer = staff.post(
        f"/{customer_b.jobcenter.slug}/staff/postfach/kunden/{customer.pk}/",
        {"kind": "grant", "dated": "2026-03-02", "file": SimpleUploadedFile("b.pdf", make_pdf())},
    )
    assert answer.status_code == 404
    assert _deposit_page(staff, customer).status_code == 404
    assert not Notice.objects.exists()


# --- Customer's postbox ----------------------------------------------------------------


def test_list_detail_and_retrieval(customer: CustomerProfile, caseworker: User) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    client = _customer_client(customer)
    base = f"/{customer.jobcenter.slug}/mein-bereich/postfach/"
    listing = client.get(base).content.decode()
    assert "Bewilligung" in listing
    assert "neu" in listing
    detail = client.get(f"{base}{notice.pk}/").content.decode()
    assert "Bekannt gegeben am" in detail
    assert "Widerspruch möglich bis" in detail
    assert "Postrechtsmodernisierungsgesetz" in detail
    pdf = client.get(f"{base}{notice.pk}/schreiben.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    notice.refresh_from_db()
    assert notice.retrieved_at is not None
    assert AuditEntry.objects.filter(
        object_type="notice", object_id=str(notice.pk), detail="retrieved (first)"
    ).exists()
    assert NewNoticeProvider().items(customer) == []


def test_other_customers_get_404(
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    caseworker: User,
) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    for other, slug in (
        (customer2, customer.jobcenter.slug),
        (customer_b, customer_b.jobcenter.slug),
    ):
        client = _customer_client(other)
        base = f"/{slug}/mein-bereich/postfach/{notice.pk}/"
        for url in (base, f"{base}schreiben.pdf", f"{base}widerspruch/", f"{base}frage/"):
            assert client.get(url).status_code == 404, url
    notice.refresh_from_db()
    assert notice.retrieved_at is None


def test_without_consent_marked_for_post_then_a_stamped_copy(
    customer: CustomerProfile, caseworker: User
) -> None:
    notice = deposit(customer, caseworker)
    assert notice.channel == Channel.POST
    assert _queue(customer.jobcenter, caseworker, Role.CASEWORKER) == 1
    client = _customer_client(customer)
    base = f"/{customer.jobcenter.slug}/mein-bereich/postfach/"
    assert client.get(f"{base}{notice.pk}/").status_code == 404  # not before it was sent
    staff = login_with_mfa(Client(), caseworker)
    outgoing = staff.get(f"/{customer.jobcenter.slug}/staff/postfach/postausgang/").content.decode()
    assert "keine Einwilligung" in outgoing
    assert (
        staff.post(f"/{customer.jobcenter.slug}/staff/postfach/{notice.pk}/per-post/").status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.posted_at is not None
    assert _queue(customer.jobcenter, caseworker, Role.CASEWORKER) == 0
    assert "Kopie" in client.get(base).content.decode()
    copy = client.get(f"{base}{notice.pk}/schreiben.pdf")
    assert copy.status_code == 200
    with pikepdf.open(io.BytesIO(copy.content)) as pdf:
        page = pdf.pages[0]
        streams = (
            page.obj.Contents
            if isinstance(page.obj.Contents, pikepdf.Array)
            else [page.obj.Contents]
        )
        text = b"".join(s.read_bytes() for s in streams)
    assert b"(KOPIE) Tj" in text
    notice.refresh_from_db()
    assert notice.retrieved_at is None  # a copy is no retrieval


def test_not_retrieved_within_ten_days_goes_to_the_post_queue(
    customer: CustomerProfile, caseworker: User, staff_a: dict[Role, User]
) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    assert _queue(customer.jobcenter, caseworker, Role.CASEWORKER) == 0
    Notice.objects.filter(pk=notice.pk).update(notified_at=timezone.now() - timedelta(days=11))
    assert _queue(customer.jobcenter, caseworker, Role.CASEWORKER) == 1
    # The item is benefit data behind the permission: job advisors and reception see none.
    assert _queue(customer.jobcenter, staff_a[Role.JOB_ADVISOR], Role.JOB_ADVISOR) == 0
    assert _queue(customer.jobcenter, staff_a[Role.RECEPTION], Role.RECEPTION) == 0


# --- Answers ---------------------------------------------------------------------------------


def test_objection_with_receipt(customer: CustomerProfile, caseworker: User) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    client = _customer_client(customer)
    url = f"/{customer.jobcenter.slug}/mein-bereich/postfach/{notice.pk}/widerspruch/"
    empty = client.post(url, {"reasons": "", "confirm": "on"})
    assert empty.status_code == 422
    assert "Bitte schreiben Sie, warum Sie widersprechen." in empty.content.decode()
    assert not Objection.objects.exists()
    assert client.post(url, {"reasons": "Die Miete fehlt.", "confirm": "on"}).status_code == 302
    filed = Objection.objects.get()
    assert filed.reasons == "Die Miete fehlt."
    receipt = client.get(
        f"/{customer.jobcenter.slug}/mein-bereich/postfach/widerspruch/{filed.pk}/eingangsbestaetigung.pdf"
    )
    assert receipt.status_code == 200
    assert receipt.content.startswith(b"%PDF")
    other = _customer_client(
        CustomerProfile.objects.create(
            user=User.objects.create_user(email="x@example.org", password="x"),
            jobcenter=customer.jobcenter,
        )
    )
    assert (
        other.get(
            f"/{customer.jobcenter.slug}/mein-bereich/postfach/widerspruch/{filed.pk}/eingangsbestaetigung.pdf"
        ).status_code
        == 404
    )


def test_no_objection_against_an_invitation(customer: CustomerProfile, caseworker: User) -> None:
    notice = deposit(customer, caseworker, kind="invitation", electronic=True)
    client = _customer_client(customer)
    url = f"/{customer.jobcenter.slug}/mein-bereich/postfach/{notice.pk}/widerspruch/"
    assert client.post(url, {"reasons": "x", "confirm": "on"}).status_code == 302
    assert not Objection.objects.exists()


def test_question_opens_one_linked_conversation(
    customer: CustomerProfile, caseworker: User
) -> None:
    from openjobcenter.messaging.services import topics_ensure_defaults

    topics_ensure_defaults(jobcenter=customer.jobcenter)
    notice = deposit(customer, caseworker, electronic=True)
    client = _customer_client(customer)
    url = f"/{customer.jobcenter.slug}/mein-bereich/postfach/{notice.pk}/frage/"
    assert client.post(url, {"body": "Was heißt Zeile 3?"}).status_code == 302
    assert client.post(url, {"body": "Und Zeile 4?"}).status_code == 302
    conversation = Conversation.objects.get(customer=customer)
    assert conversation.subject.startswith("Frage zum Schreiben vom 02.03.2026")
    assert conversation.messages.count() == 2
    notice.refresh_from_db()
    assert notice.question_conversation_id == conversation.pk


def test_queue_and_home_providers_make_a_fixed_number_of_queries(
    customer: CustomerProfile, caseworker: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ctx = StaffContext(
        jobcenter=customer.jobcenter, user=caseworker, roles=frozenset({Role.CASEWORKER})
    )
    counts = []
    for n in (1, 5):
        for _ in range(n):
            deposit(customer, caseworker)
            deposit(customer, caseworker, electronic=True)
        with CaptureQueriesContext(connection) as queue:
            PostQueueProvider().queue(ctx)
        with CaptureQueriesContext(connection) as home:
            NewNoticeProvider().items(customer)
        counts.append((len(queue.captured_queries), len(home.captured_queries)))
        services.consent_set(request=None, customer=customer, electronic=False)
    assert counts[0] == counts[1]
    assert counts[0][0] <= 2


def test_objections_per_notice_are_capped(customer: CustomerProfile, caseworker: User) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    for _ in range(services.MAX_OBJECTIONS):
        services.objection_submit(request=None, customer=customer, notice=notice, reasons="x")
    with pytest.raises(services.PostboxError, match="schon mehrere Widersprüche"):
        services.objection_submit(request=None, customer=customer, notice=notice, reasons="x")
    assert Objection.objects.count() == services.MAX_OBJECTIONS


def test_an_electronic_notice_sent_by_post_later_is_a_copy(
    customer: CustomerProfile, caseworker: User
) -> None:
    notice = deposit(customer, caseworker, electronic=True)
    assert services.notice_mark_posted(request=None, actor=caseworker, notice=notice)
    client = _customer_client(customer)
    copy = client.get(f"/{customer.jobcenter.slug}/mein-bereich/postfach/{notice.pk}/schreiben.pdf")
    assert copy.status_code == 200
    notice.refresh_from_db()
    assert notice.retrieved_at is None
    assert not services.notice_mark_posted(request=None, actor=caseworker, notice=notice)
