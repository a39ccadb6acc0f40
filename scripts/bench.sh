#!/usr/bin/env bash
# HISPay's benchmarks against the peers and the machine's limit, in one run (release build, single
# thread where it applies): raw crypto against `openssl speed`; request signing and callback handling
# per channel against python-alipay-sdk, wechatpayv3, wechatpy and gmssl (installed from PyPI into a
# throw-away virtual environment) on the same inputs; statement parsing per format; reconciliation of
# a generated 1,000,000 + 1,000,000-row day against DuckDB's join of the same files; and the callback
# gateway (`hispay serve`) under load from a second process on 127.0.0.1, with SQLite and with
# PostgreSQL. Prints a table; writes DIR/bench.json (DIR is printed; HISPAY_BENCH_DIR chooses it).
# Usage: scripts/bench.sh [ROWS]   (ROWS for the reconciliation day compared with DuckDB, default 1000000)
# HISPAY_BENCH_SIZES: the day sizes for the time-and-memory curve (default "100000 ROWS"; add
# 10000000 for the 10M day). HISPAY_BUILD_DIR: SwiftPM's scratch path (default .build).
# HISPAY_BENCH_MARKDOWN=FILE also writes the results as BENCHMARKS.md-style text and FILE's chart (.png).
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
bash scripts/install-deps.sh --bench
dir="${HISPAY_BENCH_DIR:-$(mktemp -d /tmp/hispay-bench.XXXXXX)}"
mkdir -p "$dir"
echo "hispay bench: files in $dir" >&2
build="${HISPAY_BUILD_DIR:-.build}"
export HISPAY_BUILD_DIR="$build"
swift build -c release --product hispay-bench --scratch-path "$build" >/dev/null
swift build -c release --product hispay --scratch-path "$build" >/dev/null

echo "== HISPay" >&2
"$build/release/hispay-bench" --out "$dir" --callbacks 5000

echo "== the same callbacks through hispay notify verify --batch (process start and output included)" >&2
python3 - "$dir" "$build/release/hispay" <<'PY'
import json, subprocess, sys, time
directory, hispay = sys.argv[1], sys.argv[2]
first = json.loads(open(directory + "/callback.wechatpay.v3.jsonl").readline())
now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(first["headers"]["Wechatpay-Timestamp"])))
results = []
for name, channel in (("wechatpay.v3", "wechatpay"), ("wechatpay.v2", "wechatpay-v2"), ("alipay", "alipay"), ("unionpay", "unionpay"),
                      ("mobilepay", "insurance")):
    path = "%s/callback.%s.jsonl" % (directory, name)
    count = sum(1 for _ in open(path))
    start = time.perf_counter()
    out = subprocess.run([hispay, "notify", "verify", "--config", directory + "/hispay.json", "--channel", channel, "--batch", path, "--now", now],
                         capture_output=True, text=True, check=True).stdout
    seconds = time.perf_counter() - start
    verified = sum(1 for line in out.splitlines() if json.loads(line).get("ok"))
    if verified != count:
        raise SystemExit("notify verify --batch verified %d of %d %s callbacks" % (verified, count, name))
    results.append({"name": "batch." + name, "operations": count, "seconds": seconds})
    print("%-30s %12.0f /s" % ("batch." + name, count / seconds), file=sys.stderr)
json.dump(results, open(directory + "/batch.json", "w"), indent=1)
PY

echo "== peers (PyPI, throw-away virtual environment)" >&2
python3 -m venv "$dir/venv"
"$dir/venv/bin/pip" install -q python-alipay-sdk==3.4.0 wechatpayv3==2.0.4 wechatpy==1.8.18 gmssl==3.2.2 duckdb==2.0.0 matplotlib==3.11.2
"$dir/venv/bin/python" scripts/bench-peers.py "$dir"

echo "== openssl speed (single thread)" >&2
{
  openssl speed -seconds 2 -mr rsa2048 sm2
  for cipher in sha256 sm3 sm4-cbc; do openssl speed -seconds 2 -mr -bytes 8192 -evp "$cipher"; done
  # -aead: a whole message each time (key and IV set, 13 bytes of associated data, encrypt, tag), as AESGCM.seal does.
  openssl speed -seconds 2 -mr -aead -bytes 8192 -evp aes-256-gcm
} 2>/dev/null | grep '^+F' >"$dir/openssl.txt"

echo "== gateway under load (SQLite, then PostgreSQL)" >&2
gateway() {
  local store="$1" name="$2"
  [ -f "$dir/internal-token" ] || { head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/internal-token"; chmod 600 "$dir/internal-token"; }
  # --rate-limit 0: the load comes from one loopback address, far over the per-source default.
  "$build/release/hispay" serve --create --port 0 --internal-port 0 --internal-token-file "$dir/internal-token" --config "$dir/hispay.json" --store "$store" --rate-limit 0 \
    >"$dir/serve-$name.out" 2>"$dir/serve-$name.err" &
  local pid=$!
  for _ in $(seq 100); do grep -q listening "$dir/serve-$name.out" 2>/dev/null && break; sleep 0.1; done
  local url internal
  url=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listening"])' "$dir/serve-$name.out")
  internal=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["internal"])' "$dir/serve-$name.out")
  python3 scripts/bench-gateway.py "$dir" "$url" "$internal" 0.2 8 >"$dir/gateway-$name.json"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
gateway "sqlite:$dir/gateway.db" sqlite
pg="$(bash scripts/postgres.sh)"
trap 'bash scripts/postgres.sh stop "$(echo "$pg" | cut -d" " -f2)"' EXIT
gateway "$(echo "$pg" | cut -d" " -f1)" postgres

echo "== reconciliation, against DuckDB's join of the same files" >&2
peak() { python3 -c 'import re,sys; print(round(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[1]).read()).group(1)) / 1024, 1))' "$1"; }
for size in ${HISPAY_BENCH_SIZES:-100000 $rows}; do
  echo "   $size + $size" >&2
  bash scripts/bench-reconcile.sh "$size" "$dir/day-$size" >/dev/null
  cp "$dir/day-$size/reconcile.json" "$dir/reconcile-$size.json"
  if [ "$size" = "$rows" ]; then
    # The same day on one CPU (reading and matching threads sharing it), and DuckDB on every CPU.
    HISPAY_BENCH_PIN=0 bash scripts/bench-reconcile.sh "$size" "$dir/day-$size" >/dev/null
    cp "$dir/day-$size/reconcile.json" "$dir/reconcile-1cpu.json"
    "$dir/venv/bin/python" scripts/bench-duckdb.py "$dir/day-$size" "$(nproc)" >"$dir/duckdb-all.json"
  fi
  /usr/bin/time -v -o "$dir/duckdb-time-$size.txt" "$dir/venv/bin/python" scripts/bench-duckdb.py "$dir/day-$size" >"$dir/duckdb-$size.json"
  python3 - "$dir/duckdb-$size.json" "$(peak "$dir/duckdb-time-$size.txt")" "$size" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
result["peakRSSMiB"], result["rows"] = float(sys.argv[2]), int(sys.argv[3])
json.dump(result, open(sys.argv[1], "w"))
PY
  rm -f "$dir/day-$size"/*.csv
done
cp "$dir/reconcile-$rows.json" "$dir/reconcile.json"
cp "$dir/duckdb-$rows.json" "$dir/duckdb.json"

echo "== results" >&2
if [ -n "${HISPAY_BENCH_MARKDOWN:-}" ]; then
  "$dir/venv/bin/python" scripts/bench-report.py "$dir" --markdown "$HISPAY_BENCH_MARKDOWN"
else
  python3 scripts/bench-report.py "$dir"
fi
