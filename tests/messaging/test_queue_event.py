"""The staff work queue's live updates: a change the queue counts sends ``queue`` to the
sockets of that job centre's staff (whose session used the second factor), with nothing
in it, and to nobody else: not to another job centre's staff, not to customers."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation
from openjobcenter.tenants.models import Jobcenter
from tests.home import world
from tests.messaging.conftest import WS, session_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customers_message_reaches_only_that_job_centres_staff(
    chat_jc: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    conversation: Conversation,
) -> None:
    sessions = {
        "caseworker": session_of(staff_a[Role.CASEWORKER], mfa=True),
        "reception": session_of(staff_a[Role.RECEPTION], mfa=True),
        "other_jc": session_of(staff_b[Role.ADMIN], mfa=True),
        "customer": session_of(customer.user),
    }

    async def scenario() -> None:
        sockets = {name: WS(session, skip=()) for name, session in sessions.items()}
        for socket in sockets.values():
            assert await socket.connect()
        await database_sync_to_async(services.message_send)(
            conversation=conversation, author=customer.user, body="Noch eine Frage."
        )
        for name in ("caseworker", "reception"):
            assert await sockets[name].receive_until("queue") == {"type": "queue"}, name
        for name in ("other_jc", "customer"):
            # Other events may come (the customer's own home); never "queue".
            while not await sockets[name].nothing(0.5):
                assert (await sockets[name].receive())["type"] != "queue", name
        for socket in sockets.values():
            await socket.close()

    async_to_sync(scenario)()


def test_each_kind_of_change_reaches_the_staff_socket(
    chat_jc: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    """A document request (and the document that answers it) and a move request, besides
    messages (above): each sends ``queue`` once it is committed."""
    world.enable_modules(chat_jc)
    caseworker = session_of(staff_a[Role.CASEWORKER], mfa=True)
    advisor = staff_a[Role.JOB_ADVISOR]

    def request_change() -> None:
        from openjobcenter.appointments import services as appts

        booked = world.add_appointment(customer, advisor, hours=30)
        appts.appointment_request_change(
            request=None,
            customer=customer,
            appointment=booked,
            reason="illness",
            message="",
            cancel=False,
        )

    def check_in() -> None:
        from openjobcenter.appointments import services_staff as appts_staff

        soon = world.add_appointment(customer, advisor, hours=0.2)
        appts_staff.appointment_check_in(
            request=None, actor=staff_a[Role.RECEPTION], appointment=soon
        )

    async def scenario() -> None:
        socket = WS(caseworker, skip=())
        assert await socket.connect()
        for change in (lambda: world.add_request(customer), request_change, check_in):
            await database_sync_to_async(change)()
            assert await socket.receive_until("queue") == {"type": "queue"}
        await socket.close()

    async_to_sync(scenario)()
