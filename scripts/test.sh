#!/usr/bin/env bash
# The README's test command: format, lints with warnings denied, then every test of the fast lane
# (domain rules, the encrypted store, use cases, the jiaowu CLI including the SIGKILL test).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (warnings denied)"
cargo clippy --locked --all-targets -- -D warnings
echo "== cargo test"
cargo test --locked
