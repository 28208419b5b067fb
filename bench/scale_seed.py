"""Seeding of ``bench/scale.py``: an installation of 50 job centres, grown in place.

Everything is bulk SQL into the real tables (``bench.seed.series``: one
``INSERT … SELECT generate_series`` per table and job centre, no Python per row), with
the foreign keys pointing at rows that exist: customers get contiguous user and profile
ids per batch, so every dependent row names its customer as ``first + (i * prime) % n``.

Distribution at 700,000 (``sizes``): three big cities (49,122, 40,935 and 32,748
customers), then job centres falling from about 20,500 to 4,100 customers; a
smaller total scales every job centre alike, so 70,000 is the same installation at a
tenth. Per customer: 1.2 applications (a fifth drafts, the rest filed or submitted in
every status, some assigned), 4 documents (metadata only, no file bodies; 5 % received and
not yet checked), 0.1 document requests, 0.5 conversations of 6 messages each (a fifth
waiting for staff), 0.3 appointments (past and coming, some move requests), a verified
primary e-mail address (allauth) and a password hash computed once and shared. Surnames
follow German frequencies roughly (Müller about 3 %), so a name search finds realistic
numbers of rows. Seven staff per job centre (six caseworkers with a second factor,
one team lead).

``grow(total)`` adds to each job centre what it lacks for its share of ``total``; run
again with a larger total, the same database grows (the measurements compare).
"""

from __future__ import annotations

import time
from typing import Any

from bench.seed import series

JOBCENTRES = 50
STAFF_PER_JC = 7
STAFF_PASSWORD = "Skalierung-Personal-2026"  # noqa: S105 - throw-away bench database
CUSTOMER_PASSWORD = "Skalierung-Kunde-2026"  # noqa: S105 - throw-away bench database
TOTP_SECRET = "BENCHSECRETFORPERSONASABCDEFG234"  # noqa: S105 - throw-away bench database
# Roughly German frequencies: the first entries repeat, so Müller is about 3 % of rows.
SURNAMES = [
    "Müller", "Müller", "Schmidt", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
    "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter",
    "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
    "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter",
    "Yılmaz", "Kaya", "Nowak", "Kowalski", "Popescu", "Ivanova", "Haddad", "Rahimi",
    "Al-Hassan", "Bondarenko", "Kovalenko", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters",
    "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel",
]  # fmt: skip
FIRST_NAMES = [
    "Anna", "Maria", "Fatma", "Olena", "Sabine", "Julia", "Laura", "Aylin", "Katarzyna",
    "Thomas", "Michael", "Andreas", "Ahmad", "Mehmet", "Oleksandr", "Stefan", "Jan", "Lukas",
]  # fmt: skip
STATUSES = [
    "draft",
    "draft",
    "filed",
    "received",
    "received",
    "received",
    "in_progress",
    "documents_requested",
    "decided",
    "complete",
]


def sizes(total: int) -> list[int]:
    """Customers per job centre for ``total`` customers in all (sums to ``total``)."""
    weights = [60.0, 50.0, 40.0] + [25.0 - 20.0 * k / (JOBCENTRES - 4) for k in range(47)]
    scale = total / sum(weights)
    out = [int(w * scale) for w in weights]
    out[-1] += total - sum(out)
    return out


def _sql_array(values: list[str]) -> str:
    return "(ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "])"


def name_sql(user: str) -> tuple[str, str]:
    """SQL expressions for (first name, surname) of the user id expression ``user``."""
    first = f"{_sql_array(FIRST_NAMES)}[(({user}) * 7) % {len(FIRST_NAMES)} + 1]"
    last = f"{_sql_array(SURNAMES)}[(({user}) * 31) % {len(SURNAMES)} + 1]"
    return first, last


def execute(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


def ensure_jobcentres() -> list[dict[str, Any]]:
    """The 50 job centres, each with topics, an appointment type and its staff (made once)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth.hashers import make_password

    from openjobcenter.accounts.models import Role, StaffMembership, User
    from openjobcenter.appointments.models import AppointmentType
    from openjobcenter.messaging import services as chat
    from openjobcenter.messaging.models import Topic
    from openjobcenter.tenants.models import Jobcenter

    staff_hash = make_password(STAFF_PASSWORD)
    out = []
    for k in range(1, JOBCENTRES + 1):
        slug = f"skala-{k:02d}"
        jobcenter = Jobcenter.objects.filter(slug=slug).first()
        if jobcenter is None:
            jobcenter = Jobcenter.objects.create(
                slug=slug,
                name=f"Jobcenter Skala {k:02d}",
                kind="joint" if k % 3 else "municipal",
                enabled_modules=[
                    "calculator",
                    "applications",
                    "documents",
                    "messaging",
                    "appointments",
                ],
            )
            chat.topics_ensure_defaults(jobcenter=jobcenter)
            AppointmentType.objects.create(
                jobcenter=jobcenter, name="Beratung", duration_min=30, channels=["in_person"]
            )
            for s in range(STAFF_PER_JC):
                user = User.objects.create(
                    email=f"team{s}-{slug}@scale.example.org",
                    password=staff_hash,
                    first_name="Team",
                    last_name=f"{s} {slug}",
                )
                EmailAddress.objects.create(
                    user=user, email=user.email, verified=True, primary=True
                )
                TOTP.activate(user, TOTP_SECRET)
                role = Role.TEAM_LEAD if s == STAFF_PER_JC - 1 else Role.CASEWORKER
                StaffMembership.objects.create(user=user, jobcenter=jobcenter, role=role)
        staff = list(
            StaffMembership.objects.filter(jobcenter=jobcenter)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        out.append(
            {
                "pk": jobcenter.pk,
                "slug": slug,
                "staff": staff,
                "topics": list(
                    Topic.objects.filter(jobcenter=jobcenter).values_list("pk", flat=True)
                ),
                "appt_type": AppointmentType.objects.filter(jobcenter=jobcenter)
                .values_list("pk", flat=True)
                .first(),
            }
        )
    return out


def counts() -> dict[str, int]:
    tables = {
        "customers": "accounts_customerprofile",
        "applications": "applications_application",
        "documents": "documents_document",
        "conversations": "messaging_conversation",
        "messages": "messaging_message",
        "appointments": "appointments_appointment",
        "audit entries": "core_auditentry",
    }
    out = {}
    for name, table in tables.items():
        try:
            out[name] = int(execute(f'SELECT count(*) FROM "{table}"')[0][0])  # noqa: S608
        except Exception:
            from django.db import connection

            connection.rollback() if not connection.get_autocommit() else None
    return out


def next_id(table: str) -> int:
    return int(execute(f'SELECT COALESCE(max(id), 0) + 1 FROM "{table}"')[0][0])  # noqa: S608


def grow_jobcentre(jc: dict[str, Any], add: int, customer_hash: str) -> None:
    """``add`` more customers of ``jc`` with their applications, documents, chats, …"""
    from allauth.account.models import EmailAddress

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.applications.models import Application
    from openjobcenter.appointments.models import Appointment
    from openjobcenter.documents.models import Document, DocumentRequest, RequestItem
    from openjobcenter.messaging.models import Conversation, Message

    if add <= 0:
        return
    n, pk = add, jc["pk"]
    staff = jc["staff"][:-1] or jc["staff"]  # caseworkers
    staff_arr = "(ARRAY" + str(staff) + ")"
    first_user = next_id("accounts_user")
    user = f"{first_user} + i - 1"
    first, last = name_sql(user)
    series(
        User,
        n,
        {
            "id": user,
            "email": f"'kunde' || ({user}) || '@scale.example.org'",
            "password": "'" + customer_hash.replace("'", "''") + "'",
            "first_name": first,
            "last_name": last,
            "is_active": "true",
            "date_joined": "now() - (i % 900) * interval '1 day'",
        },
    )
    series(
        EmailAddress,
        n,
        {
            "user_id": user,
            "email": f"'kunde' || ({user}) || '@scale.example.org'",
            "verified": "true",
            "primary": "true",
        },
    )
    first_profile = next_id("accounts_customerprofile")
    series(
        CustomerProfile,
        n,
        {
            "id": f"{first_profile} + i - 1",
            "user_id": user,
            "jobcenter_id": str(pk),
            "customer_number": f"'S' || ({user})",
            "city": "'Musterstadt'",
            "advisor_id": f"CASE WHEN i % 10 = 0 THEN {staff_arr}[i % {len(staff)} + 1] ELSE NULL END",
        },
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('accounts_customerprofile', 'id'), "
        "(SELECT max(id) FROM accounts_customerprofile))"
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), "
        "(SELECT max(id) FROM accounts_user))"
    )
    # Customer k (0-based) of this batch: profile first_profile + k, user first_user + k.
    k = f"((i * 7919) % {n})"
    cust, cust_user = f"{first_profile} + {k}", f"{first_user} + {k}"
    cf, cl = name_sql(cust_user)
    apps = n * 6 // 5
    status = f"{_sql_array(STATUSES)}[i % 10 + 1]"
    base = next_id("applications_application")
    series(
        Application,
        apps,
        {
            "jobcenter_id": str(pk),
            "customer_id": cust,
            "kind": "CASE WHEN i % 4 = 0 THEN 'continuation' ELSE 'initial' END",
            "status": f"CASE WHEN i % 10 = 2 THEN 'draft' ELSE {status} END",
            "reference": f"'EA-S' || lpad(({base} + i)::text, 9, '0')",
            "form_key": "'initial'",
            "form_version": "1",
            "filed_at": "CASE WHEN i % 10 < 2 THEN NULL ELSE now() - (i % 400) * interval '1 day' END",
            "submitted_at": "CASE WHEN i % 10 < 3 THEN NULL ELSE now() - (i % 400) * interval '1 day' + interval '1 hour' END",
            "submitted_data": "CASE WHEN i % 10 < 3 THEN NULL ELSE '{\"answers\": {}}'::jsonb END",
            "assignee_id": f"CASE WHEN i % 10 IN (6, 7) THEN {staff_arr}[i % {len(staff)} + 1] ELSE NULL END",
            "customer_name": f"{cf} || ' ' || {cl}",
            "customer_number": f"'S' || ({cust_user})",
            "created_at": "now() - (i % 400) * interval '1 day' - interval '2 days'",
            "updated_at": "now() - (i % 400) * interval '1 day'",
        },
    )
    kinds = _sql_array(
        [
            "payslip",
            "bank_statement",
            "rent_statement",
            "sick_note",
            "identity_document",
            "tenancy_agreement",
            "medical_certificate",
            "other",
        ]
    )
    series(
        Document,
        n * 4,
        {
            "jobcenter_id": str(pk),
            "customer_id": f"{first_profile} + ((i * 7919) % {n})",
            "kind": f"{kinds}[i % 8 + 1]",
            "state": "CASE WHEN i % 20 = 0 THEN 'received' ELSE 'accepted' END",
            "page_count": "1 + i % 3",
            "size_bytes": "40000 + (i % 500) * 1000",
            "submitted_at": "now() - (i % 700) * interval '1 day'",
            "created_at": "now() - (i % 700) * interval '1 day'",
        },
    )
    first_request = next_id("documents_documentrequest")
    series(
        DocumentRequest,
        max(1, n // 10),
        {
            "id": f"{first_request} + i - 1",
            "jobcenter_id": str(pk),
            "customer_id": cust,
            "created_by_id": f"{staff_arr}[i % {len(staff)} + 1]",
            "deadline": "current_date + (i % 60 - 30)",
            "created_at": "now() - (i % 60) * interval '1 day'",
        },
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('documents_documentrequest', 'id'), "
        "(SELECT max(id) FROM documents_documentrequest))"
    )
    series(
        RequestItem,
        max(1, n // 10),
        {
            "request_id": f"{first_request} + i - 1",
            "kind": "'payslip'",
            "fulfilled_at": "CASE WHEN i % 3 = 0 THEN NULL ELSE now() END",
        },
    )
    convs = max(1, n // 2)
    topics = jc["topics"]
    first_conv = next_id("messaging_conversation")
    series(
        Conversation,
        convs,
        {
            "id": f"{first_conv} + i - 1",
            "jobcenter_id": str(pk),
            # Every second customer has one (customers 0, 2, 4, … of the batch).
            "customer_id": f"{first_profile} + ((i - 1) * 2) % {n}",
            "topic_id": f"(ARRAY{topics})[i % {len(topics)} + 1]",
            "subject": "'Frage zu meinem Antrag ' || i",
            "status": "CASE WHEN i % 5 = 0 THEN 'open' ELSE 'answered' END",
            "created_at": "now() - (i % 300) * interval '1 day'",
            "last_message_at": "now() - (i % 300) * interval '1 day' + interval '3 hours'",
        },
    )
    execute(
        "SELECT setval(pg_get_serial_sequence('messaging_conversation', 'id'), "
        "(SELECT max(id) FROM messaging_conversation))"
    )
    series(
        Message,
        convs * 6,
        {
            "conversation_id": f"{first_conv} + (i - 1) / 6",
            # The last of six is the customer's in a waiting conversation (i % 5 = 0).
            "side": "CASE WHEN (i - 1) % 2 = 0 THEN 'customer' ELSE 'staff' END",
            "author_id": f"CASE WHEN (i - 1) % 2 = 0 THEN NULL ELSE {staff_arr}[i % {len(staff)} + 1] END",
            "body": "'Guten Tag, ich habe eine Frage zu meinem Bescheid (Nachricht ' || i || ').'",
            "created_at": "now() - (((i - 1) / 6) % 300) * interval '1 day' + ((i - 1) % 6) * interval '30 minutes'",
        },
    )
    execute(
        "UPDATE messaging_conversation c SET last_message_id = m.last, "
        "staff_read_upto = CASE WHEN c.status = 'open' THEN m.last - 1 ELSE m.last END "
        "FROM (SELECT conversation_id, max(id) AS last FROM messaging_message "
        "WHERE conversation_id BETWEEN %s AND %s GROUP BY conversation_id) m "
        "WHERE c.id = m.conversation_id",
        [first_conv, first_conv + convs - 1],
    )
    room = next_id("appointments_appointment")
    # Slot j (counted over the job centre's appointments, so a later batch goes on):
    # staff j % S, day (j / S) % 240 from 180 days ago, half hour (j / S / 240) % 24 from 8:00.
    done = int(
        execute("SELECT count(*) FROM appointments_appointment WHERE jobcenter_id = %s", [pk])[0][0]
    )
    s_n = len(staff)
    j = f"({done} + i - 1)"
    start = (
        f"date_trunc('day', now()) + (({j} / {s_n}) % 240 - 180) * interval '1 day' "
        f"+ (480 + (({j} / {s_n} / 240) % 24) * 30) * interval '1 minute'"
    )
    series(
        Appointment,
        max(1, n * 3 // 10),
        {
            "jobcenter_id": str(pk),
            "type_id": str(jc["appt_type"]),
            "customer_id": cust,
            "staff_id": f"{staff_arr}[{j} % {s_n} + 1]",
            "channel": "'in_person'",
            "starts_at": start,
            "ends_at": f"{start} + interval '30 minutes'",
            "status": "CASE WHEN i % 40 = 0 THEN 'change_requested' ELSE 'confirmed' END",
            "change_requested_at": "CASE WHEN i % 40 = 0 THEN now() - interval '1 day' ELSE NULL END",
            "video_room": f"'skala-' || ({room} + i)",
            "created_at": "now() - interval '200 days'",
            "updated_at": "now() - interval '200 days'",
        },
    )


def grow(total: int, *, log: Any = print) -> dict[str, Any]:
    """Grow the installation to ``total`` customers (each job centre to its share)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    started = time.perf_counter()
    execute("SET synchronous_commit = off")
    jcs = ensure_jobcentres()
    have = dict(
        execute("SELECT jobcenter_id, count(*) FROM accounts_customerprofile GROUP BY jobcenter_id")
    )
    customer_hash = make_password(CUSTOMER_PASSWORD)  # once: every customer shares it
    for jc, want in zip(jcs, sizes(total), strict=True):
        add = want - int(have.get(jc["pk"], 0))
        grow_jobcentre(jc, add, customer_hash)
    seeded_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rows = counts()
    log(
        f"seeded to {total:,} customers in {seeded_s:.0f} s (+ ANALYZE "
        f"{time.perf_counter() - started - seeded_s:.0f} s): "
        + ", ".join(f"{v:,} {k}" for k, v in rows.items())
    )
    return {"jobcentres": jcs, "rows": rows, "seed_s": round(seeded_s, 1)}
