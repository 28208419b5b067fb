#!/bin/sh
# The container's process types (docs/operations.md). None of them loads demo data:
# the demo loader refuses OJC_ENV=production, and no command here calls it.
set -eu
command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
  web)
    # HTTP and WebSockets; the migrations ran before (the migrate process type, a Helm
    # hook). OJC_MIGRATE_ON_START=true lets a single-node install migrate here instead,
    # still one node at a time (an advisory lock).
    if [ "${OJC_MIGRATE_ON_START:-false}" = "true" ]; then
      exec python -m openjobcenter.serve --web-only --migrate "$@"
    fi
    exec python -m openjobcenter.serve --web-only "$@" ;;
  worker)
    # Polls every 0.2 s when idle (as openjobcenter.serve does; django-tasks' default is 1 s).
    exec python -m openjobcenter.manage db_worker --queue-name '*' --interval 0.2 "$@" ;;
  scheduler)
    # Exactly one replica: it enqueues the periodic jobs.
    exec python -m openjobcenter.manage run_scheduler "$@" ;;
  migrate)
    # Migrations (an advisory lock: one node at a time) and the cache table.
    exec python -m openjobcenter.manage migrate_safely "$@" ;;
  check)
    exec python -m openjobcenter.manage check --deploy --fail-level WARNING "$@" ;;
  manage)
    exec python -m openjobcenter.manage "$@" ;;
  *)
    echo "unknown command '$command': use web, worker, scheduler, migrate, check or manage" >&2
    exit 64 ;;
esac
