#!/usr/bin/env bash
# Builds local/python:3.11-slim-bookworm, the stand-in for python:3.11-slim-bookworm, from
# Debian's packages (debootstrap: Debian 12's python3 3.11 and venv), for machines that
# reach Debian but no container registry (this project's CI). Does nothing when the image
# exists. Used by tools/image_check.sh (the app image) and tools/compose_check.sh (the
# service images of deploy/compose.local-images.yaml).
#
#   tools/debian_base.sh            # prints the image name
set -euo pipefail
DOCKER=${DOCKER:-docker}
base=${DEBIAN_BASE_IMAGE:-local/python:3.11-slim-bookworm}
if ! $DOCKER image inspect "$base" >/dev/null 2>&1; then
  root=$(mktemp -d)
  debootstrap --variant=minbase --include=python3,python3-venv,python-is-python3,ca-certificates \
    bookworm "$root" http://deb.debian.org/debian >/dev/null
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | $DOCKER import - "$base" >/dev/null
  rm -rf "$root"
fi
echo "$base"
