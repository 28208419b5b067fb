"""A representative whose mandate covers notices is told of a new notice like the
customer (§ 13 SGB X) and retrieves it acting for the customer; one who may only read,
or whose mandate ended, is not told."""

from __future__ import annotations

import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.mandates import services
from openjobcenter.notifications.models import PendingNotification
from openjobcenter.postbox.models import Notice
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_user
from tests.mandates.conftest import acting_client, grant
from tests.postbox.conftest import deposit, postbox_on  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("postbox_on", "mandates_on", "after_commit_at_once")


def _accepted(customer: CustomerProfile, rep: User, jc: Jobcenter, scopes: list[str]) -> object:
    _mandate, code = grant(customer, scopes)
    return services.mandate_accept(request=None, user=rep, jobcenter=jc, code=code)


def test_a_representative_for_notices_is_told_and_retrieves_the_notice(
    customer: CustomerProfile, rep_user: User, staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    mandate = _accepted(customer, rep_user, jc_a, ["notices"])
    reader = make_user("nur-lesen@example.org", "Nur", "Lesen")
    _accepted(customer, reader, jc_a, ["read"])
    notice = deposit(customer, staff_a[Role.CASEWORKER], electronic=True)

    told = set(
        PendingNotification.objects.filter(event="postbox.new_notice").values_list(
            "user_id", flat=True
        )
    )
    assert told == {customer.user.pk, rep_user.pk}
    client = acting_client(rep_user, mandate)  # type: ignore[arg-type]
    page = client.get(f"/{jc_a.slug}/mein-bereich/postfach/")
    assert page.status_code == 200
    download = client.get(f"/{jc_a.slug}/mein-bereich/postfach/{notice.pk}/schreiben.pdf")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")


def test_an_ended_mandate_is_not_told(
    customer: CustomerProfile, rep_user: User, staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    mandate = _accepted(customer, rep_user, jc_a, ["notices"])
    services.mandate_revoke(request=None, mandate=mandate, actor=customer.user)  # type: ignore[arg-type]
    deposit(customer, staff_a[Role.CASEWORKER], electronic=True)
    told = PendingNotification.objects.filter(event="postbox.new_notice")
    assert list(told.values_list("user_id", flat=True)) == [customer.user.pk]
    assert Notice.objects.get(customer=customer).notified_at is not None
