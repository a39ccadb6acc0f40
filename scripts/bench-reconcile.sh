#!/usr/bin/env bash
# Reconciliation benchmark: generates a day of ROWS WeChat Pay statement rows in the published bill
# layout and ROWS HIS ledger rows (default 1,000,000 each), runs a release build of
# `hispay reconcile` on them and prints rows per second and peak memory (GNU time's max RSS).
# Usage: scripts/bench-reconcile.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
dir="$(mktemp -d /tmp/hispay-bench.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
swift build -c release --product hispay >/dev/null
python3 scripts/bench-reconcile.py "$rows" "$dir"
ls -l "$dir"/wechat.csv "$dir"/ledger.csv | awk '{print "input:", $9, $5, "bytes"}'
start=$(date +%s.%N)
/usr/bin/time -v -o "$dir/time.txt" .build/release/hispay reconcile --date 2026-11-22 --ledger "$dir/ledger.csv" \
  --statement "wechatpay=$dir/wechat.csv" --out "$dir/out" >"$dir/summary.json"
end=$(date +%s.%N)
seconds=$(python3 -c "print(round($end - $start, 2))")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
python3 - "$rows" "$seconds" "$rss" "$dir/summary.json" <<'PY'
import json, sys
rows, seconds, rss = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
summary = json.load(open(sys.argv[4]))["summary"]
print(json.dumps({"statementRows": rows, "ledgerRows": rows, "seconds": seconds,
                  "rowsPerSecond": round(2 * rows / seconds), "peakRSSMiB": round(rss / 1024, 1), "summary": summary}, sort_keys=True))
PY
