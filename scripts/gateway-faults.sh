#!/usr/bin/env bash
# Load and fault test of the callback gateway on 127.0.0.1 (scripts/gateway-faults.py), SECONDS of load
# per run with resends from 4 client processes:
#   SQLite — WeChat Pay APIv3, Alipay and UnionPay callbacks, the gateway SIGKILLed and restarted twice;
#   PostgreSQL — Alipay on one node, the database also stopped cleanly and later as after a crash; then
#   three nodes on one database forwarding to one HIS, two of them SIGKILLed in turn, the database
#   stopped twice and the HIS down for a while.
# Every callback acknowledged must be recorded, none twice, after the channel's retries all exactly
# once; with three nodes every event must also reach the HIS, a second time only under the same
# Idempotency-Key. Prints one JSON line per run; exits non-zero if a check fails.
# Usage: scripts/gateway-faults.sh [SECONDS]   (default 300; the APIv3 run at most 200, as its
#        notifications are signed once, at the start, and go stale after 5 minutes)
# Environment: HISPAY_FAULTS_DIR keeps the files; HISPAY_FAULTS_BUILD=debug uses the debug build
# `swift build` made (the test suite's short run) instead of building in release.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
dir="${HISPAY_FAULTS_DIR:-$(mktemp -d /tmp/hispay-faults.XXXXXX)}"
mkdir -p "$dir"
if [ "${HISPAY_FAULTS_BUILD:-release}" = debug ]; then
  bin=.build/debug
else
  bash scripts/install-deps.sh --tests >&2
  swift build -c release --product hispay >&2
  swift build -c release --product hispay-bench >&2
  bin=.build/release
fi
# Signed notifications of each channel, distinct order numbers: more than the gateway can take in SECONDS.
HISPAY_BENCH_ONLY=none "$bin/hispay-bench" --out "$dir" --callbacks $((seconds * 200)) --rows 10 >/dev/null
status=0
run() {  # run STORE NAME SECONDS [PGDIR] with HISPAY_FAULTS_* set by the caller
  python3 scripts/gateway-faults.py "$dir" "$bin/hispay" "$1" "$3" ${4:+"$4"} | tee "$dir/$2.json" || status=1
}
HISPAY_FAULTS_CHANNEL=wechatpay run "sqlite:$dir/faults-wechatpay.db" sqlite-wechatpay $((seconds < 200 ? seconds : 200))
HISPAY_FAULTS_CHANNEL=alipay run "sqlite:$dir/faults-alipay.db" sqlite-alipay "$seconds"
HISPAY_FAULTS_CHANNEL=unionpay run "sqlite:$dir/faults-unionpay.db" sqlite-unionpay "$seconds"
read -r url pgdir < <(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop "$pgdir"' EXIT
HISPAY_FAULTS_CHANNEL=alipay run "$url" postgres-alipay "$seconds" "$pgdir"
psql -q "$url" -c "CREATE DATABASE nodes" >/dev/null
HISPAY_FAULTS_CHANNEL=alipay HISPAY_FAULTS_NODES=3 run "${url%/*}/nodes" postgres-three-nodes "$seconds" "$pgdir"
exit $status
