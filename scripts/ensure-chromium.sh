#!/usr/bin/env bash
# Debian's Chromium for the browser suite (npm run e2e:ui): installed with apt-get when /usr/bin/chromium is missing,
# a no-op otherwise. playwright-core drives it; nothing downloads a browser of its own.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "[ensure-chromium] installing Debian's chromium (apt-get) ..."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
/usr/bin/chromium --version
