"""The "Mitmachen" panel: explicit consent, withdrawal, invitations through the
notifications without social data, deletion with the account."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.feedback.models import Feedback, PanelInvitation, PanelMembership
from openjobcenter.notifications.models import PendingNotification
from openjobcenter.retention import registry
from openjobcenter.retention.services_account import account_deletion_request
from openjobcenter.tenants.models import Jobcenter

URL = "/fulda/mein-bereich/mitmachen/"


def test_joining_needs_the_consent_box(
    feedback_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    response = customer_client.post(URL, {})
    assert response.status_code == 400
    assert "Bitte bestätigen Sie Ihre Einwilligung." in response.content.decode()
    assert not PanelMembership.objects.exists()
    response = customer_client.post(URL, {"consent": "on"}, follow=True)
    assert "Willkommen im Mitmachen-Panel!" in response.content.decode()
    membership = PanelMembership.objects.get(customer=customer)
    assert membership.active
    entry = AuditEntry.objects.get(object_type="feedback_panel_consent", action="create")
    assert entry.detail.startswith("given v1 ")


def test_withdrawal_is_dated_audited_and_linked_from_the_profile(
    feedback_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    customer_client.post(URL, {"consent": "on"})
    profile = customer_client.get("/fulda/mein-bereich/profil/").content.decode()
    assert URL in profile
    response = customer_client.post(URL, {"action": "leave"}, follow=True)
    html = response.content.decode()
    assert "Ihre Einwilligung ist widerrufen" in html
    assert "widerrufen" in html
    membership = PanelMembership.objects.get(customer=customer)
    assert membership.withdrawn_at is not None
    assert AuditEntry.objects.filter(
        object_type="feedback_panel_consent", action="update", detail__startswith="withdrawn"
    ).exists()


def test_panel_member_feedback_is_flagged_but_not_linked(
    feedback_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    customer_client.post(URL, {"consent": "on"})
    customer_client.post("/fulda/rueckmeldung/", {"page": "tenant:home", "answer": "no"})
    row = Feedback.objects.get()
    assert row.panel is True
    assert not any(
        f.is_relation and f.related_model is not Jobcenter for f in Feedback._meta.concrete_fields
    )


def test_invitation_notifies_active_members_with_fixed_text_only(
    feedback_on: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    from openjobcenter.feedback.services import panel_join, panel_leave

    panel_join(request=None, customer=customer)
    panel_join(request=None, customer=customer2)
    panel_leave(request=None, customer=customer2)
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    message = "Bitte probieren Sie den neuen Rechner aus, Frau Muster"
    response = lead.post(
        "/fulda/staff/rueckmeldungen/panel/", {"path": "/fulda/vorabcheck/", "message": message}
    )
    assert response.status_code == 302
    invitation = PanelInvitation.objects.get()
    assert (invitation.page, invitation.recipients) == ("tenant:self_check", 1)
    pending = PendingNotification.objects.get()
    assert pending.user == customer.user
    assert pending.event == "feedback.panel_invitation"
    assert message not in pending.url and "vorabcheck" not in pending.url
    # The message is on the member's own page, after login.
    lead.logout()
    lead.force_login(customer.user)
    assert message in lead.get(URL).content.decode()


@pytest.mark.parametrize(
    "path", ["/wiesbaden/vorabcheck/", "/fulda/staff/", "https://x.example/", "/nix/"]
)
def test_invitation_to_a_foreign_or_staff_page_is_refused(
    feedback_on: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
    path: str,
) -> None:
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    response = lead.post("/fulda/staff/rueckmeldungen/panel/", {"path": path, "message": "Hallo"})
    assert response.status_code == 400
    assert "Kundenseite Ihres Jobcenters" in response.content.decode()
    assert not PanelInvitation.objects.exists()


def test_account_deletion_removes_the_panel_entry(
    feedback_on: Jobcenter, customer: CustomerProfile
) -> None:
    from openjobcenter.feedback.services import panel_join

    customer.user.set_password("geheim-123-geheim")
    customer.user.save()
    panel_join(request=None, customer=customer)
    created = account_deletion_request(request=None, profile=customer, password="geheim-123-geheim")
    assert not PanelMembership.objects.exists()
    assert created.deleted_now.get("feedback_panel") == 1


def test_retention_rules_are_registered_and_delete_withdrawn_entries(
    feedback_on: Jobcenter, customer: CustomerProfile
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openjobcenter.feedback.services import panel_join, panel_leave

    keys = {r.key for r in registry.rules()}
    assert {"feedback.entries", "feedback.panel"} <= keys
    panel_join(request=None, customer=customer)
    panel_leave(request=None, customer=customer)
    rule = registry.get("feedback.panel")
    PanelMembership.objects.update(withdrawn_at=timezone.now() - timedelta(days=40))
    due = list(rule.due(feedback_on, rule.cutoff(rule.default)).values_list("pk", flat=True))
    assert len(due) == 1
    assert rule.delete(due) == 1
    assert not PanelMembership.objects.exists()
