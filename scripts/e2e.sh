#!/usr/bin/env bash
# End-to-end lane: builds the UI and the desktop app, makes a demo office with the CLI, and drives
# the real app under Xvfb through tauri-driver + WebKitWebDriver. Screenshots land in
# target/e2e-artifacts/ for review.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd ui && npm run --silent build)
cargo build --locked -p jiaowu-desktop -p jiaowu-cli
demo="$PWD/target/e2e-demo"
rm -rf "$demo" target/e2e-artifacts && mkdir -p "$demo"
JIAOWU_DB="$demo/office.db" JIAOWU_USER=demo JIAOWU_PASSWORD=demo2026 JIAOWU_TODAY=2026-11-23 \
  ./target/debug/jiaowu demo --seed 42 --subjects 40 > /dev/null
JIAOWU_DEMO_DB="$demo/office.db" xvfb-run -a -s "-screen 0 1366x768x24" \
  cargo test --locked -p jiaowu-acceptance --test desktop --test desktop_sync -- --test-threads=1
ls target/e2e-artifacts
