#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/**/*.browser.test.ts) when it is missing.
# Idempotent: does nothing when /usr/bin/chromium is already there. Never downloads a browser
# build of its own (no `playwright install`): playwright-core drives this system chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium
/usr/bin/chromium --version
