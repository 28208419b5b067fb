#!/usr/bin/env bash
# Upgrade without downtime (issue 20, item 7): the previous release's code must work on
# the schema the new code migrates to, because during a rolling upgrade it does.
#
#   DATABASE_URL=postgres://user@host:5432/name tools/upgrade_check.sh
#
# 1. The previous release: the newest tag release-* reachable from HEAD, else the commit
#    in deploy/previous-release. Its tree is unpacked into var/upgrade/ (git archive).
# 2. A fresh PostgreSQL database test_<name>_upgrade is migrated with THIS tree's code.
# 3. The previous release's own smoke tests run on it (pytest-django --reuse-db: their
#    migrate finds nothing to do, their code meets the new schema): demo data loaded
#    through the old services (writes across the apps), pages rendered, health answered.
# The database is dropped at the end. Old code runs with this tree's virtualenv: a
# release that changes dependencies is checked with the new ones.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must point at PostgreSQL (postgres://user@host:5432/name)}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "DATABASE_URL must be a postgres:// URL; got ${DATABASE_URL%%://*}://..." >&2; exit 2 ;;
esac
PY="$PWD/.venv/bin/python"
SMOKE_TESTS=${UPGRADE_SMOKE_TESTS:-"tests/test_demo.py tests/test_public_pages.py tests/test_health.py"}

ref=$(git tag --merged HEAD --sort=-v:refname --list 'release-*' | head -n 1)
if [ -z "$ref" ]; then
  ref=$(grep -v '^#' deploy/previous-release | grep -m 1 -E '^[0-9a-f]{7,40}$' || true)
fi
if [ -z "$ref" ] || ! git cat-file -e "${ref}^{commit}" 2>/dev/null; then
  echo "previous release '${ref:-?}' not found: tag release-* or deploy/previous-release (a shallow clone?)" >&2
  exit 2
fi
if [ "$(git rev-parse "${ref}^{commit}")" = "$(git rev-parse HEAD)" ]; then
  echo "== upgrade check: HEAD is the previous release itself; nothing to check"
  exit 0
fi
old="$PWD/var/upgrade/$(git rev-parse --short "${ref}^{commit}")"
rm -rf "$old" && mkdir -p "$old"
git archive "$ref" | tar -x -C "$old"
new_migrations=$(comm -13 <(cd "$old" && ls src/openjobcenter/*/migrations/0*.py | sort) \
  <(ls src/openjobcenter/*/migrations/0*.py | sort) | wc -l)
echo "== upgrade check: previous release $(git rev-parse --short "$ref"), $new_migrations new migration(s) since"

# test_<name>_upgrade: the name pytest-django gives the test database of <name>_upgrade.
base_url="${DATABASE_URL%/*}"
name="${DATABASE_URL##*/}"; name="${name%%\?*}"
old_url="$base_url/${name}_upgrade"
db="test_${name}_upgrade"
admin() {
  "$PY" - "$base_url/postgres" "$1" <<'PYEOF'
import sys
from urllib.parse import unquote, urlsplit

import psycopg

url, statement = urlsplit(sys.argv[1]), sys.argv[2]
with psycopg.connect(
    dbname="postgres", user=unquote(url.username or "") or None,
    password=unquote(url.password or "") or None, host=url.hostname or None,
    port=url.port or None, autocommit=True,
) as conn:
    conn.execute(statement)
PYEOF
}
admin "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
admin "CREATE DATABASE \"$db\""
trap 'admin "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"' EXIT

started=$SECONDS
# The new release's migrations, as its migrate process type runs them.
env -u REDIS_URL OJC_ENV=development DATABASE_URL="$base_url/$db" \
  "$PY" -m openjobcenter.manage migrate_safely -v 0
echo "   new schema migrated ($((SECONDS - started)) s)"

tests=()
for t in $SMOKE_TESTS; do
  if [ -e "$old/$t" ]; then tests+=("$t"); else echo "   (the previous release has no $t)"; fi
done
[ "${#tests[@]}" -gt 0 ] || { echo "no smoke tests in the previous release" >&2; exit 2; }
# The old tree's package first on the path (ahead of this tree's editable install), its
# own pytest configuration and conftest; no coverage of old code.
(
  cd "$old"
  env -u COVERAGE_PROCESS_START -u COVERAGE_FILE -u REDIS_URL \
    DATABASE_URL="$old_url" PYTHONPATH="$old/src" \
    "$PY" -m pytest -n 0 -q --reuse-db "${tests[@]}"
)
echo "   the previous release's smoke tests passed on the new schema ($((SECONDS - started)) s)"
rm -rf "$old"
