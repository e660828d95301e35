#!/usr/bin/env bash
# Idempotent set-up of a Debian 12 machine for building and testing 矫务通: build dependencies,
# WebKitGTK for the desktop shell, Xvfb + WebKitWebDriver + tauri-driver for end-to-end tests,
# CJK fonts, the UI's npm packages. Commands verified in ../shared/build-notes.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

APT_PKGS=(
  build-essential pkg-config perl make   # SQLCipher and OpenSSL are compiled from source
  sqlite3                                # a test checks the plain shell cannot read our file
  libwebkit2gtk-4.1-dev                  # the Tauri desktop shell (pulls GTK, libsoup, JSC)
  xvfb xauth webkit2gtk-driver           # the real app headless, driven over WebDriver
  fonts-noto-cjk                         # Chinese glyphs in the WebView, screenshots and PDFs
  fonts-hanazono                         # 花園明朝: rare name characters (CJK Ext. B+) in PDFs
  poppler-utils                          # pdftotext / pdftoppm read the printed forms back
  postgresql                             # the county store's PostgreSQL backend is tested for real
)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update
  # The image's docker-clean hook can delete downloaded .debs between dpkg runs when apt splits
  # an install; rerunning finishes it (build-notes.md §1).
  for attempt in 1 2 3; do
    if $SUDO apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"; then
      break
    fi
    [ "$attempt" = 3 ] && { echo "apt-get install failed 3 times" >&2; exit 1; }
    echo "apt-get install failed (attempt $attempt), retrying" >&2
  done
fi

rustup component add rustfmt clippy >/dev/null 2>&1 || true

# tauri-driver 2.x: crates.io's newest is a 3.0 alpha (build-notes.md §4).
if ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --version '^2' --locked
fi

# The UI's packages, exactly as locked.
if [ -f ui/package-lock.json ]; then
  (cd ui && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; })
fi
