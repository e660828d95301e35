#!/usr/bin/env bash
# Release build of the desktop app and its Debian package (target/release/bundle/deb/*.deb).
# About 10 minutes on 2 cores from clean (release SQLCipher, OpenSSL and WebKit bindings).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd ui && npm run --silent build)
(cd src-tauri && ../ui/node_modules/.bin/tauri build --bundles deb --ci)
ls -l target/release/bundle/deb/
