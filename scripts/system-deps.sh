#!/usr/bin/env bash
# Installs the Debian packages the service and its tests need, only when something is missing.
# puppeteer's own browser download cannot work on these machines: the system Chromium is used instead. PDFs are
# printed by chromium-headless-shell (PRINTER); full Chromium is the fallback printer and drives the console's tests.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromium-headless-shell >/dev/null || missing+=(chromium-headless-shell)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v qpdf >/dev/null || missing+=(qpdf)
command -v openssl >/dev/null || missing+=(openssl)
command -v fc-cache >/dev/null || missing+=(fontconfig)
command -v docker-compose >/dev/null || missing+=(docker-compose)
/usr/bin/python3 -c 'import docx' 2>/dev/null || missing+=(python3-docx)
# LibreOffice prints the DOCX in test/integration/docx-libreoffice.test.ts (Writer only, without the GUI).
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "system-deps: not root and no sudo; install these Debian packages: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
