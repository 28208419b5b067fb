#!/bin/bash
# Healthy when clamd answers PING with PONG (the name the official image's check has).
set -eu
exec 3<>/dev/tcp/127.0.0.1/3310
printf 'zPING\0' >&3
IFS= read -r -d '' answer <&3 || true
[ "$answer" = PONG ]
