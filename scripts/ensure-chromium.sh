#!/usr/bin/env bash
# Debian's Chromium for the browser suite (npm run e2e:ui): installed with apt-get when /usr/bin/chromium is missing,
# a no-op otherwise. playwright-core drives it; nothing downloads a browser of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "[ensure-chromium] installing Debian's chromium (apt-get, about a minute) ..."
log="$(cd "$(dirname "$0")/.." && pwd)/.e2e/logs/ensure-chromium.log"
mkdir -p "$(dirname "$log")"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# apt's and debconf's chatter ("delaying package configuration ...") goes to the log; shown only on failure.
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation; } >"$log" 2>&1; then
	tail -20 "$log" >&2
	echo "[ensure-chromium] apt-get failed; the whole output is in $log" >&2
	exit 1
fi
# The version from the browser itself: Debian's /usr/bin/chromium wrapper prints "[: …: unexpected operator" when
# /dev/shm is mounted twice (its /etc/chromium.d/dev-shm check reads two numbers); harmless, but it reads as an error.
echo "[ensure-chromium] $( (/usr/lib/chromium/chromium --version || /usr/bin/chromium --version) 2>/dev/null | tail -1)"
