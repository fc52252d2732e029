#!/usr/bin/env bash
# Makes sure Debian's headless-capable Chromium is at /usr/bin/chromium for the browser test
# (tests/e2e/test_browser.py drives it with Playwright's executable_path; no browser download).
# Installs it with apt-get when it is missing and we are root; otherwise says what to do.
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present) at $CHROMIUM"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing at $CHROMIUM and we are not root: run 'sudo apt-get install -y chromium'" >&2
  exit 1
fi

echo "chromium missing: installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
"$CHROMIUM" --version
