#!/usr/bin/env bash
# Load and fault test of the callback gateway on 127.0.0.1 (scripts/gateway-faults.py): SECONDS of load
# with resends from 4 client processes, on SQLite (the gateway SIGKILLed and restarted twice) and on
# PostgreSQL (also the database stopped cleanly, and later as after a crash, for 15 s each); then every
# callback acknowledged must be recorded, none twice, and after the channel's retries all exactly once.
# Prints one JSON line per store; exits non-zero if a check fails.
# Usage: scripts/gateway-faults.sh [SECONDS]   (default 300; HISPAY_FAULTS_DIR keeps the files)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
bash scripts/install-deps.sh --tests >&2
dir="${HISPAY_FAULTS_DIR:-$(mktemp -d /tmp/hispay-faults.XXXXXX)}"
mkdir -p "$dir"
swift build -c release --product hispay >&2
swift build -c release --product hispay-bench >&2
# Signed Alipay notifications, distinct order numbers: more than the gateway can take in SECONDS.
HISPAY_BENCH_ONLY=callback.alipay .build/release/hispay-bench --out "$dir" --callbacks $((seconds * 200)) --rows 10 >/dev/null
status=0
python3 scripts/gateway-faults.py "$dir" .build/release/hispay "sqlite:$dir/faults.db" "$seconds" | tee "$dir/sqlite.json" || status=1
read -r url pgdir < <(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop "$pgdir"' EXIT
python3 scripts/gateway-faults.py "$dir" .build/release/hispay "$url" "$seconds" "$pgdir" | tee "$dir/postgres.json" || status=1
exit $status
