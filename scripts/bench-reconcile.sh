#!/usr/bin/env bash
# Reconciliation benchmark: generates a day of ROWS WeChat Pay statement rows in the published bill
# layout and ROWS HIS ledger rows (default 1,000,000 each), runs a release build of
# `hispay reconcile` on them and prints rows per second and peak memory (GNU time's max RSS) as one
# JSON line. With DIR the files and the result (DIR/reconcile.json) are kept there.
# HISPAY_BENCH_PIN=CPUS runs it under `taskset -c CPUS` (e.g. 0: one CPU, so the reading thread and the
# matching one share it). Usage: scripts/bench-reconcile.sh [ROWS] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
if [ -n "${2:-}" ]; then
  dir="$2"
  mkdir -p "$dir"
  [ -f "$dir/ledger.csv" ] && [ -f "$dir/wechat.csv" ] && [ "$(($(wc -l <"$dir/ledger.csv") - 1))" = "$rows" ] && keep=1
else
  dir="$(mktemp -d /tmp/hispay-bench.XXXXXX)"
  trap 'rm -rf "$dir"' EXIT
fi
build="${HISPAY_BUILD_DIR:-.build}"
swift build -c release --product hispay --scratch-path "$build" >/dev/null
[ -n "${keep:-}" ] || python3 scripts/bench-reconcile.py "$rows" "$dir"  # files of this size already there are reused
start=$(date +%s.%N)
pin=()
if [ -n "${HISPAY_BENCH_PIN:-}" ]; then pin=(taskset -c "$HISPAY_BENCH_PIN"); fi
/usr/bin/time -v -o "$dir/time.txt" "${pin[@]}" "$build/release/hispay" reconcile --date 2026-11-22 --ledger "$dir/ledger.csv" \
  --statement "wechatpay=$dir/wechat.csv" --out "$dir/out" >"$dir/summary.json"
end=$(date +%s.%N)
python3 - "$rows" "$start" "$end" "$dir" <<'PY'
import json, re, sys
rows, start, end, directory = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(directory + "/time.txt").read()).group(1))
result = {"statementRows": rows, "ledgerRows": rows, "inputBytes": sum(__import__("os").path.getsize(directory + f) for f in ("/wechat.csv", "/ledger.csv")),
          "seconds": round(end - start, 2), "rowsPerSecond": round(2 * rows / (end - start)), "peakRSSMiB": round(rss / 1024, 1),
          "summary": json.load(open(directory + "/summary.json"))["summary"]}
json.dump(result, open(directory + "/reconcile.json", "w"), sort_keys=True)
print(json.dumps(result, sort_keys=True))
PY
