#!/usr/bin/env bash
# The container image as an operator runs it (issue 20): build it, then run each process
# type from it against this machine's PostgreSQL and Redis with a read-only root file
# system, as the non-root user, and check what an orchestrator checks.
#
#   tools/image_check.sh            # builds openjobcenter:check, runs the checks
#   IMAGE=openjobcenter:0.1.0 SKIP_BUILD=1 tools/image_check.sh
#
# Needs a Docker daemon. PYTHON_IMAGE overrides the base (default: the Dockerfile's
# python:3.11-slim-bookworm). Without access to a registry (this project's CI machines),
# BASE_FROM_DEBOOTSTRAP=1 builds an equivalent base from Debian's packages (debootstrap:
# Debian's python3 3.11, venv) and uses it. Behind a TLS-inspecting proxy, CA_BUNDLE names
# the CA file pip must trust (passed as a build secret, never stored in the image).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-openjobcenter:check}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres}
DB=${IMAGE_CHECK_DB:-ojc_image_check}
REDIS=${IMAGE_CHECK_REDIS:-redis://127.0.0.1:6379/14}
PORT=${IMAGE_CHECK_PORT:-18080}
DOCKER=${DOCKER:-docker}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build_args=()
  if [ "${BASE_FROM_DEBOOTSTRAP:-0}" = 1 ]; then
    base=$(DOCKER=$DOCKER tools/debian_base.sh)
    build_args+=(--build-arg "PYTHON_IMAGE=$base")
  elif [ -n "${PYTHON_IMAGE:-}" ]; then
    build_args+=(--build-arg "PYTHON_IMAGE=$PYTHON_IMAGE")
  fi
  if [ -n "${CA_BUNDLE:-}" ]; then
    build_args+=(--secret "id=ca,src=$CA_BUNDLE")
  fi
  echo "== build $IMAGE"
  DOCKER_BUILDKIT=1 $DOCKER build --network host "${build_args[@]}" -f deploy/Dockerfile -t "$IMAGE" .
fi

psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
cleanup() {
  $DOCKER rm -f ojc-check-web ojc-check-worker ojc-check-scheduler >/dev/null 2>&1 || true
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

key=$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
env_args=(
  -e "DATABASE_URL=${PG_ADMIN%/*}/$DB" -e "REDIS_URL=$REDIS"
  -e "SECRET_KEY=$secret" -e "DOCUMENTS_MASTER_KEY=$key"
  -e "ALLOWED_HOSTS=127.0.0.1,localhost" -e "SITE_URL=https://localhost"
  -e "EMAIL_HOST=127.0.0.1" -e "PORT=$PORT"
)
# What Kubernetes' restricted profile and the compose file give the container: a
# read-only root, writable /tmp and data folder, no capabilities, no new privileges.
run_args=(--network host --read-only --tmpfs /tmp:rw,size=256m --tmpfs /var/lib/openjobcenter:rw
  --cap-drop ALL --security-opt no-new-privileges "${env_args[@]}")

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== the image runs as the non-root user"
uid=$($DOCKER run --rm --entrypoint id "$IMAGE" -u)
[ "$uid" = 10001 ] || fail "runs as uid $uid"

echo "== check --deploy in the production configuration"
$DOCKER run --rm "${run_args[@]}" "$IMAGE" check

echo "== migrate (the process type a Helm hook runs), twice: the second finds nothing to do"
$DOCKER run --rm "${run_args[@]}" "$IMAGE" migrate
$DOCKER run --rm "${run_args[@]}" "$IMAGE" migrate
psql "${PG_ADMIN%/*}/$DB" -Atc "SELECT count(*) FROM tenants_jobcenter" | grep -qx 0 \
  || fail "the production start loaded data (demo data must never load)"

echo "== web, worker and scheduler"
$DOCKER run -d --name ojc-check-web "${run_args[@]}" "$IMAGE" web >/dev/null
$DOCKER run -d --name ojc-check-worker "${run_args[@]}" "$IMAGE" worker >/dev/null
$DOCKER run -d --name ojc-check-scheduler "${run_args[@]}" "$IMAGE" scheduler >/dev/null
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { $DOCKER logs ojc-check-web | tail -30; fail "/healthz"; }
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")
[ "$ready" = 200 ] || { curl -s "http://127.0.0.1:$PORT/readyz"; $DOCKER logs ojc-check-web | tail -30; fail "/readyz answered $ready"; }
# Pages as the TLS proxy in front passes them on (X-Forwarded-Proto: https).
proxied=(-H "X-Forwarded-Proto: https" -H "Host: localhost")
home=$(curl -s "${proxied[@]}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")
[ "$home" = 200 ] || fail "/ answered $home"
static=$(curl -s "${proxied[@]}" "http://127.0.0.1:$PORT/" | grep -o '/static/[^"]*\.css' | head -1)
[ -n "$static" ] && [ "$(curl -s "${proxied[@]}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$static")" = 200 ] \
  || fail "the hashed static files are not served ($static)"
metrics=$(curl -s "${proxied[@]}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/metrics")
echo "   /healthz 200, /readyz 200, / 200, $static 200, /metrics $metrics"

echo "== the root file system is read-only, the app's files cannot be changed"
if $DOCKER exec ojc-check-web sh -c 'echo x > /app/src/openjobcenter/x' 2>/dev/null; then
  fail "wrote below /app"
fi
sleep 5
for name in ojc-check-worker ojc-check-scheduler; do
  [ "$($DOCKER inspect -f '{{.State.Running}}' $name)" = true ] || { $DOCKER logs $name | tail -20; fail "$name stopped"; }
done
health=$($DOCKER inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' ojc-check-web)
echo "   worker and scheduler running; web health check: ${health:-none yet}"
echo "== image check passed ($IMAGE, $($DOCKER image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
