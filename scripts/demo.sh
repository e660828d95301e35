#!/usr/bin/env bash
# The README's first command: build the jiaowu CLI, create a demo office with about 60 subjects and
# two years of records in ./demo-data (account demo / password demo2026), then show this month's
# duties. Rerun it any time; it starts from a fresh demo database each run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p jiaowu-cli
export JIAOWU_DB="$PWD/demo-data/office.db" JIAOWU_USER=demo JIAOWU_PASSWORD=demo2026
rm -rf demo-data && mkdir -p demo-data
./target/release/jiaowu demo --seed 42
./target/release/jiaowu obligations
echo
echo "演示数据库：$JIAOWU_DB（账号 demo，密码 demo2026）。继续使用，例如："
echo "  JIAOWU_DB=$JIAOWU_DB JIAOWU_USER=demo JIAOWU_PASSWORD=demo2026 ./target/release/jiaowu subject list"
