#!/usr/bin/env bash
# CI setup for the HTML report's browser tests (test/views/report): Debian's chromium, driven by
# playwright-core. Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "views-report: /usr/bin/chromium missing and apt-get unavailable; the browser tests will skip" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "views-report: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
