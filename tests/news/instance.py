"""One instance of the platform for the federation test (``test_federation_instances.py``):
``python -m tests.news.instance <command> ...`` in the instance's environment (its own
SQLite database, media folder and ``SITE_URL``).

Commands: ``setup`` (migrate, job centres, news switched on), ``follow <slug> <actor>``
(the job centre follows a remote actor), ``publish <slug> <text>`` (a post, through the
service the staff page calls), ``state <slug>`` (followers, following, staff inbox as JSON).
The deliveries these cause are run by ``manage.py db_worker --batch`` afterwards, like the
worker of a real installation.
"""

from __future__ import annotations

import json
import sys

import django


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from openjobcenter.accounts.models import Role
    from openjobcenter.news import services
    from openjobcenter.news.models import Follower, Following, InboxItem, Post, SeenActivity
    from openjobcenter.tenants.demo import load_jobcenters
    from openjobcenter.tenants.models import Jobcenter

    command, *args = argv
    if command == "setup":
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        load_jobcenters()
        for jc in Jobcenter.objects.filter(slug__in=["fulda", "wiesbaden"]):
            jc.enabled_modules = sorted({*jc.enabled_modules, "news"})
            jc.save()
        return
    jobcenter = Jobcenter.objects.get(slug=args[0])
    if command == "follow":
        services.remote_follow(jobcenter=jobcenter, actor_id=args[1])
    elif command == "publish":
        from openjobcenter.accounts.models import StaffMembership, User

        author = User.objects.filter(email="lead@example.test").first()
        if author is None:
            author = User.objects.create_user(email="lead@example.test", password=None)
            StaffMembership.objects.create(user=author, jobcenter=jobcenter, role=Role.TEAM_LEAD)
        post = services.post_create(
            request=None,
            jobcenter=jobcenter,
            author=author,
            data=services.PostInput(
                text=args[1],
                link="",
                image=None,
                image_alt="",
                published_at=timezone.now(),
                expires_at=None,
            ),
        )
        sys.stdout.write(json.dumps({"post": post.pk}) + "\n")
    elif command == "state":
        sys.stdout.write(
            json.dumps(
                {
                    "followers": list(
                        Follower.objects.filter(jobcenter=jobcenter).values_list(
                            "actor_id", flat=True
                        )
                    ),
                    "following": list(
                        Following.objects.filter(jobcenter=jobcenter).values(
                            "actor_id", "accepted_at"
                        )
                    ),
                    "inbox": [
                        {"kind": i.kind, "actor": i.actor_id, "text": i.text, "object": i.object_id}
                        for i in InboxItem.objects.filter(jobcenter=jobcenter)
                    ],
                    "posts": Post.objects.filter(jobcenter=jobcenter).count(),
                    "seen": SeenActivity.objects.count(),
                },
                default=str,
            )
            + "\n"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
