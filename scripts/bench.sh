#!/usr/bin/env bash
# The desktop figures of issue 3 over a generated office, each beside its baseline from the same
# run: subject search and the home page beside bare SQLite (jiaowu-bench), and cold start beside
# an empty Tauri window under Xvfb (cold_start). Not part of the test command: generating 3,000
# subjects takes ~6 min here and the figures need release builds.
#   BENCH_SUBJECTS=300 ./scripts/bench.sh      # a smaller office
set -euo pipefail
cd "$(dirname "$0")/.."
subjects="${BENCH_SUBJECTS:-3000}"
db="target/bench/office-${subjects}.db"
(cd ui && npm run --silent build)
cargo build --locked --release -p jiaowu-bench -p jiaowu-acceptance --bin jiaowu-bench --bin cold_start
cargo build --locked --release -p jiaowu-desktop --features custom-protocol --bin jiaowu-desktop --example empty_window
./target/release/jiaowu-bench --subjects "$subjects" --years 3 --db "$db" --runs 15
xvfb-run -a -s "-screen 0 1366x768x24" ./target/release/cold_start --db "$db" --runs 7
