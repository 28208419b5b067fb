"""The people of the multi-node test (``tests/test_multinode.py``), written into its own
database by a process of its own: ``python -m tests.multinode_seed`` with the nodes'
environment. Prints one JSON line: the conversation, and which task each periodic job
enqueues (``null`` for a job that runs inside the scheduler itself)."""

from __future__ import annotations

import json
import sys

import django


def main() -> None:
    django.setup()
    from openjobcenter.accounts.models import Role
    from openjobcenter.core import scheduler
    from openjobcenter.messaging import services
    from openjobcenter.messaging.models import Topic
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter
    from tests.conftest import make_customer, make_staff
    from tests.messaging.conftest import enable

    load_jobcenters()
    jobcenter = Jobcenter.objects.get(slug="fulda")
    enable(jobcenter)
    services.topics_ensure_defaults(jobcenter=jobcenter)
    customer = make_customer(jobcenter, "kunde@example.org", "A-1001")
    make_staff(jobcenter, Role.CASEWORKER, "caseworker@a.example.org")
    conversation = services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Frage zum Bescheid",
            body="Hallo, ich habe eine Frage.",
            topic=Topic.objects.filter(jobcenter=jobcenter).order_by("position").first(),
        ),
    )
    jobs = {
        job.name: getattr(getattr(job.enqueue, "__self__", None), "module_path", None)
        for job in scheduler.registered()
    }
    sys.stdout.write(json.dumps({"conversation": conversation.pk, "jobs": jobs}) + "\n")


if __name__ == "__main__":
    main()
