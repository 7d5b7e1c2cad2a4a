#!/usr/bin/env bash
# Installs Debian's Chromium, Noto CJK fonts and poppler-utils (pdftotext, for the
# print tests) when they are missing.
# Playwright drives this Chromium through executable_path: its own browser
# download cannot reach its host from here.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftotext ] && fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing chromium, fonts-noto-cjk and poppler-utils from Debian ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null
