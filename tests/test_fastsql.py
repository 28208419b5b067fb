"""``core.fastsql``: the hot writes without the ORM's compiler store exactly the rows
that ``save()`` and ``update()`` would have stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core import fastsql
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, Message, Topic
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(jc_a: Jobcenter, customer: CustomerProfile) -> Conversation:
    jc_a.enabled_modules = [*jc_a.enabled_modules, "messaging"]
    jc_a.save()
    services.topics_ensure_defaults(jobcenter=jc_a)
    topic = Topic.objects.filter(jobcenter=jc_a).first()
    return services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(subject="Frage", body="Hallo", topic=topic),
    )


def _row(model: type[Message] | type[AuditEntry], pk: int) -> dict[str, object]:
    row = model_to_dict(model.objects.get(pk=pk))
    row.pop("id", None)
    return row


def test_insert_stores_what_save_stores(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    before = timezone.now()
    by_orm = Message(
        conversation=conversation, author=customer.user, side="customer", body="ä \"'; --"
    )
    by_orm.save(force_insert=True)
    fast = Message(
        conversation=conversation, author=customer.user, side="customer", body="ä \"'; --"
    )
    fastsql.insert(fast)
    assert fast.pk is not None and fast.pk > by_orm.pk
    assert not fast._state.adding and fast._state.db == "default"
    assert fast.created_at is not None and fast.created_at >= before  # auto_now_add
    orm_row, fast_row = _row(Message, by_orm.pk), _row(Message, fast.pk)
    assert fast_row == orm_row  # every column, defaults included
    assert Message.objects.get(pk=fast.pk).created_at == fast.created_at


def test_insert_audit_entry_and_null_foreign_keys(jc_a: Jobcenter) -> None:
    entry = AuditEntry(
        jobcenter=jc_a, action=AuditAction.READ, object_type="chat_message", object_id="7"
    )
    fastsql.insert(entry)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.subject_id, stored.ip_address) == (None, None, None)
    assert stored.jobcenter_id == jc_a.pk and stored.object_id == "7"
    assert abs(stored.at - timezone.now()) < timedelta(minutes=1)


def test_insert_with_a_given_id_or_without_reading_it_back(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    """The chat's pipelined send: the message's id taken beforehand, the audit entry's
    not read back. The rows are the ones ``save()`` writes."""
    by_orm = Message(conversation=conversation, author=customer.user, side="customer", body="a")
    by_orm.save(force_insert=True)
    given = by_orm.pk + 1000
    fast = Message(
        pk=given, conversation=conversation, author=customer.user, side="customer", body="a"
    )
    fastsql.insert(fast)
    assert fast.pk == given and not fast._state.adding
    assert _row(Message, given) == _row(Message, by_orm.pk)
    entry = AuditEntry(action=AuditAction.CREATE, object_type="chat_message", object_id="9")
    fastsql.insert(entry, read_pk=False)
    assert entry.pk is None and not entry._state.adding
    stored = AuditEntry.objects.get(object_type="chat_message", object_id="9")
    assert stored.action == AuditAction.CREATE and stored.jobcenter_id is None


def test_update_by_field_names_and_attnames(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    when = timezone.now() - timedelta(hours=1)
    changed = fastsql.update(
        Conversation,
        conversation.pk,
        {"status": "answered", "last_message_at": when, "assignee_id": customer.user.pk},
    )
    assert changed == 1
    conversation.refresh_from_db()
    assert conversation.status == "answered"
    assert conversation.last_message_at == when
    assert conversation.assignee_id == customer.user.pk
    assert fastsql.update(Conversation, conversation.pk + 1000, {"status": "closed"}) == 0
    with pytest.raises(TypeError):  # a reverse relation is no column
        fastsql.update(Conversation, conversation.pk, {"messages": 1})


def test_along_rows_if_new_are_written_once(conversation: Conversation) -> None:
    """``IfNew`` along rows (an outbox row, a hand-off delivery) are written only when no
    row with their unique key exists, on PostgreSQL in the statement itself, elsewhere
    one by one; the statement's own write happens either way."""
    from openjobcenter.core.models import OutboxItem

    first = OutboxItem(topic="test.along", key="k", payload={"n": 1})
    entry = AuditEntry(action=AuditAction.UPDATE, object_type="along-test", object_id="1")
    changed = fastsql.update(
        Conversation, conversation.pk, {"status": "answered"}, along=(fastsql.IfNew(first), entry)
    )
    assert changed == 1
    again = OutboxItem(topic="test.along", key="k", payload={"n": 2})
    fastsql.update(
        Conversation, conversation.pk, {"status": "closed"}, along=(fastsql.IfNew(again),)
    )
    rows = list(OutboxItem.objects.filter(topic="test.along").values_list("payload", flat=True))
    assert rows == [{"n": 1}], "the second row with the same key was not written"
    conversation.refresh_from_db()
    assert conversation.status == "closed"
    assert AuditEntry.objects.filter(object_type="along-test", object_id="1").count() == 1


def test_reserve_keys_gives_the_rows_their_keys_beforehand(conversation: Conversation) -> None:
    from openjobcenter.core.models import OutboxItem, OutgoingMail

    mail = OutgoingMail(sealed=b"x")
    item = OutboxItem(topic="test.reserve", key="k", payload={})
    reserved = fastsql.reserve_keys([mail, item])
    assert reserved == fastsql.writes_along()
    if not reserved:  # SQLite: no sequences, nothing reserved
        assert mail.pk is None
        assert item.pk is None
        return
    assert mail.pk is not None and item.pk is not None
    fastsql.update(Conversation, conversation.pk, {"status": "answered"}, along=(mail, item))
    assert OutgoingMail.objects.get(pk=mail.pk).token == mail.token
    assert OutboxItem.objects.get(pk=item.pk).topic == "test.reserve"
    # The sequences moved on: the next row made by the ORM does not collide.
    later = OutboxItem.objects.create(topic="test.reserve", key="later", payload={})
    assert later.pk > item.pk


def test_insert_from_takes_columns_from_a_row_of_the_same_statement(
    customer: CustomerProfile, customer2: CustomerProfile, jc_a: Jobcenter
) -> None:
    """``insert_from`` writes the row ``insert`` would, but with the named columns from
    another query's row; none where its condition holds for no row."""
    from django.db import connection

    from openjobcenter.accounts.models import User

    entry = AuditEntry(jobcenter=jc_a, action=AuditAction.READ, object_type="x", detail="ä'; --")
    sql, params = fastsql.insert_from(
        entry,
        source="person",
        taken={"actor_id": "id", "subject_label": "email"},
        where="person.is_active",
    )
    users = connection.ops.quote_name(User._meta.db_table)
    query = f"SELECT id, email, is_active FROM {users} WHERE id = %s"  # noqa: S608
    statement = f"WITH person AS ({query}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(statement, [customer.user.pk, *params])
    written = AuditEntry.objects.get(object_type="x")
    assert (written.actor_id, written.subject_label) == (customer.user.pk, customer.user.email)
    assert (written.subject_id, written.actor_label) == (None, "")
    assert (written.jobcenter_id, written.detail, written.action) == (jc_a.pk, "ä'; --", "read")
    assert written.at == entry.at  # auto_now_add, set when the values were taken
    type(customer2.user).objects.filter(pk=customer2.user.pk).update(is_active=False)
    with connection.cursor() as cursor:
        cursor.execute(statement, [customer2.user.pk, *params])
    assert AuditEntry.objects.filter(object_type="x").count() == 1
    with pytest.raises(TypeError):
        fastsql.insert_from(entry, source="person", taken={"nobody_id": "id"})
