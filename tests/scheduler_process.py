"""``run_scheduler`` with one more job, due every second, for the takeover test
(``tests/test_scheduler_leader.py``): ``python -m tests.scheduler_process --tick 0.2``."""

from __future__ import annotations

import sys

import django

TICK_JOB = "test.tick"


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command

    from openjobcenter.core import scheduler
    from openjobcenter.core.tasks import prune_task_results

    scheduler.register(TICK_JOB, 1, prune_task_results.enqueue)
    call_command("run_scheduler", *argv)


if __name__ == "__main__":
    main(sys.argv[1:])
