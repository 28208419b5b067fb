#!/usr/bin/env bash
# deploy/compose.yaml brought up as an operator does and checked (issue 20): the app image
# and the service images built locally (deploy/compose.local-images.yaml: Debian's
# PostgreSQL, Redis, ClamAV, coturn and moto as the S3 API, for machines without a
# container registry), `up`, health of every service, /healthz, /readyz, the start page,
# a customer's upload stored in the S3 store and processed by the worker, a test virus
# refused by ClamAV, a STUN answer from coturn; then `down -v`.
#
#   tools/compose_check.sh                      # builds everything, runs the check
#   SKIP_BUILD=1 tools/compose_check.sh         # the images exist already
#   KEEP=1 tools/compose_check.sh               # leave the stack running (down -v yourself)
#
# COMPOSE picks the Compose command (default: `docker compose` when present, else Debian's
# `docker-compose` 1.29). Behind a TLS-inspecting proxy, CA_BUNDLE names the CA file pip
# must trust (a build secret, never stored in an image). The builds need BuildKit: with
# Docker 23+ the buildx plugin, or Debian's docker.io (DOCKER=/usr/bin/docker).
# Not in .ci/run: the first build takes 10-15 minutes on the 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKER=${DOCKER:-docker}
IMAGE=${IMAGE:-openjobcenter:compose-check}
PORT=${COMPOSE_CHECK_PORT:-18090}
PROJECT=${COMPOSE_CHECK_PROJECT:-ojc-compose-check}
WAIT_S=${COMPOSE_CHECK_WAIT_S:-600}
PYTHON=${PYTHON:-.venv/bin/python}
if [ -z "${COMPOSE:-}" ]; then
  if $DOCKER compose version >/dev/null 2>&1; then COMPOSE="$DOCKER compose"; else COMPOSE=docker-compose; fi
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
started=$(date +%s)
phase() { echo "== [$(( $(date +%s) - started )) s] $*"; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  secret=()
  [ -n "${CA_BUNDLE:-}" ] && secret=(--secret "id=ca,src=$CA_BUNDLE")
  base=$(DOCKER=$DOCKER tools/debian_base.sh)
  phase "build $IMAGE (FROM $base)"
  DOCKER_BUILDKIT=1 $DOCKER build -q --network host "${secret[@]}" --build-arg "PYTHON_IMAGE=$base" \
    -f deploy/Dockerfile -t "$IMAGE" . >/dev/null
  for service in postgres:local/ojc-postgres:15 redis:local/ojc-redis:7 clamav:local/ojc-clamav:1 \
      coturn:local/ojc-coturn:4 s3:local/ojc-s3:moto; do
    phase "build ${service#*:}"
    DOCKER_BUILDKIT=1 $DOCKER build -q --network host "${secret[@]}" --build-arg "BASE=$base" \
      -t "${service#*:}" "deploy/local-images/${service%%:*}" >/dev/null
  done
fi

# deploy/.env as an operator fills it in: every required value, fresh secrets.
work=$(mktemp -d)
token() { python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; }
cat > "$work/.env" <<EOT
COMPOSE_PROJECT_NAME=$PROJECT
OJC_IMAGE=$IMAGE
OJC_HTTP_BIND=127.0.0.1:$PORT
SECRET_KEY=$(token)
ALLOWED_HOSTS=localhost
SITE_URL=https://localhost
EMAIL_HOST=127.0.0.1
POSTGRES_PASSWORD=$(token)
DOCUMENTS_MASTER_KEY=$(python3 -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')
S3_SECRET_KEY=$(token)
TURN_SECRET=$(token)
VIDEO_ICE_SERVERS=turn:localhost:3478
EOT
compose() { $COMPOSE -p "$PROJECT" -f deploy/compose.yaml -f deploy/compose.local-images.yaml --env-file "$work/.env" "$@"; }
teardown() {
  status=$?
  if [ $status -ne 0 ]; then
    echo "--- logs (last 40 lines per service)" >&2
    compose logs --no-color --tail 40 >&2 || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    echo "KEEP=1: the stack runs on; remove it with: $COMPOSE -p $PROJECT -f deploy/compose.yaml -f deploy/compose.local-images.yaml --env-file $work/.env down -v"
  else
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
  exit $status
}
trap teardown EXIT

phase "compose config (both files, the env file); without SECRET_KEY it refuses, naming it"
compose config -q
grep -v '^SECRET_KEY=' "$work/.env" > "$work/incomplete.env"
if refused=$($COMPOSE -p "$PROJECT" -f deploy/compose.yaml --env-file "$work/incomplete.env" config -q 2>&1); then
  fail "compose accepted an env file without SECRET_KEY"
fi
grep -q "set SECRET_KEY in deploy/.env" <<<"$refused" || fail "the refusal does not name SECRET_KEY: $refused"

phase "up -d ($COMPOSE)"
compose up -d --no-build

container() { compose ps -a -q "$1"; }
state() { $DOCKER inspect -f '{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1"; }

phase "wait for migrate and s3-buckets to finish, every service healthy or running"
deadline=$(( $(date +%s) + WAIT_S ))
while :; do
  pending=()
  for one_shot in migrate s3-buckets; do
    id=$(container $one_shot)
    read -r status code _ <<<"$(state "$id")"
    if [ "$status" = exited ] && [ "$code" != 0 ]; then fail "$one_shot exited with $code"; fi
    [ "$status" = exited ] || pending+=("$one_shot:$status")
  done
  for service in postgres redis clamav web; do
    read -r status _ health <<<"$(state "$(container $service)")"
    [ "$health" = healthy ] || pending+=("$service:${health:-$status}")
  done
  for service in worker scheduler s3 coturn; do
    id=$(container $service)
    [ -n "$id" ] || { pending+=("$service:not created"); continue; }
    read -r status _ <<<"$(state "$id")"
    [ "$status" = running ] || pending+=("$service:$status")
  done
  [ ${#pending[@]} -eq 0 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || fail "not ready after ${WAIT_S} s: ${pending[*]}"
  sleep 5
done
echo "   migrate and s3-buckets exited 0; postgres, redis, clamav, web healthy; worker, scheduler, s3, coturn running"

phase "health, readiness and the start page through the published port"
base_url="http://127.0.0.1:$PORT"
proxied=(-H "X-Forwarded-Proto: https" -H "Host: localhost")
code=$(curl -s -o /dev/null -w '%{http_code}' "$base_url/healthz")
[ "$code" = 200 ] || fail "/healthz answered $code"
ready=$(curl -s -w ' %{http_code}' "$base_url/readyz")
[ "${ready##* }" = 200 ] || fail "/readyz answered $ready"
home=$(curl -s "${proxied[@]}" -o "$work/home.html" -w '%{http_code}' "$base_url/")
[ "$home" = 200 ] || fail "/ answered $home"
grep -q '<html lang="de"' "$work/home.html" || fail "the start page is not the German start page"
static=$(grep -o '/static/[^"]*\.css' "$work/home.html" | head -1)
[ "$(curl -s "${proxied[@]}" -o /dev/null -w '%{http_code}' "$base_url$static")" = 200 ] \
  || fail "the hashed static files are not served ($static)"
echo "   /healthz 200, /readyz 200 ${ready% *}, / 200 (German), $static 200"

phase "a job centre and a customer (manage shell in a one-off web container)"
password=$(token)
compose run --rm --no-deps -T -e "CHECK_PASSWORD=$password" web manage shell -c '
import os
from allauth.account.models import EmailAddress
from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.tenants.models import Jobcenter, JobcenterKind
jc = Jobcenter.objects.create(slug="pruefung", name="Jobcenter Prüfstand", kind=JobcenterKind.JOINT, enabled_modules=["documents"])
user = User.objects.create_user(email="kunde@pruefung.example", password=os.environ["CHECK_PASSWORD"], first_name="Karla", last_name="Kundin")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
CustomerProfile.objects.create(user=user, jobcenter=jc, city="Fulda")
print("   job centre", jc.slug, "and customer", user.pk, "created; password hash:", user.password.split("$")[0])
'

phase "log in, upload, worker, download, virus, TURN"
$PYTHON tools/compose_http_check.py "$base_url" kunde@pruefung.example "$password" pruefung

phase "the files are in the S3 store, none on the data volume"
objects=$(compose run --rm --no-deps -T --entrypoint /opt/moto/bin/python s3-buckets -c '
import os, boto3
s3 = boto3.client("s3", endpoint_url="http://s3:8333", aws_access_key_id="ojc",
                  aws_secret_access_key=os.environ["S3_SECRET_KEY"], region_name="eu-central-1")
print(s3.list_objects_v2(Bucket="ojc-documents").get("KeyCount", 0))
' | tail -1)
[ "${objects:-0}" -gt 0 ] || fail "no object in the documents bucket"
local_files=$(compose exec -T web sh -c 'find /var/lib/openjobcenter -type f | wc -l' | tr -d '\r ')
[ "$local_files" = 0 ] || fail "$local_files files on the web container's data volume"
echo "   $objects objects in ojc-documents, 0 files on the data volume"

phase "web, worker and scheduler still running after the work"
for service in web worker scheduler; do
  read -r status _ <<<"$(state "$(container $service)")"
  [ "$status" = running ] || fail "$service is $status"
done
phase "compose check passed ($COMPOSE, $IMAGE)"
