#!/usr/bin/env bash
# The README's first command: set up, build, create a demo office (about 60 subjects, two years of
# records, some overdue leaves and shortfalls) in ./demo-data, and start the desktop app on it
# (account demo / password demo2026). Without a display it prints this month's duties instead.
# The demo database is made once; delete ./demo-data (or pass --fresh) for a new one.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --locked -p jiaowu-cli -p jiaowu-desktop
export JIAOWU_DB="$PWD/demo-data/office.db" JIAOWU_USER=demo JIAOWU_PASSWORD=demo2026
if [ "${1:-}" = "--fresh" ] || [ ! -f "$JIAOWU_DB" ]; then
  rm -rf demo-data && mkdir -p demo-data
  ./target/debug/jiaowu demo --seed 42
fi
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  echo "启动矫务通（演示账号 demo，密码 demo2026）…"
  JIAOWU_DEMO=1 exec ./target/debug/jiaowu-desktop
fi
echo "没有图形显示环境，改为在命令行列出本月应办事项："
./target/debug/jiaowu obligations --show open | head -60 || true
echo
echo "演示数据库：$JIAOWU_DB（账号 demo，密码 demo2026）。有显示器时再次运行本命令即打开桌面程序。"
