#!/bin/sh
# The signatures: freshclam when asked to (CLAMAV_FRESHCLAM=1) and reachable, else, when
# the volume holds none, the EICAR test signature only (a CI stand-in; README.md).
set -eu
db=/var/lib/clamav
if [ "${CLAMAV_FRESHCLAM:-0}" = 1 ]; then
  freshclam --foreground --stdout || echo "freshclam failed; using what $db holds" >&2
fi
if ! ls "$db"/*.cvd "$db"/*.cld "$db"/*.hdb >/dev/null 2>&1; then
  echo "no signatures in $db: loading the EICAR test signature only" >&2
  cp /usr/local/share/clamav-test/eicar.hdb /usr/local/share/clamav-test/eicar.ndb "$db/"
fi
exec clamd --config-file=/etc/clamav/clamd.conf
