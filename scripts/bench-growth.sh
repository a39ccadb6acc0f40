#!/usr/bin/env bash
# The gateway on PostgreSQL after a year of callbacks: records and reads on an empty store, then on one
# holding ROWS events (default 10,000,000) spread over the past 365 days in monthly partitions, as a
# store installed a year ago holds them (the migration's catch-all partition is replaced by one per
# month). Both runs post the same 20,000 signed Alipay notifications (+20 % resends) from 8 client
# processes (scripts/bench-gateway.py) and read the new events back through GET /events, on 127.0.0.1.
# Prints one JSON line per store. Usage: scripts/bench-growth.sh [ROWS]   (about 15 minutes for 10M)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-10000000}"
dir="${HISPAY_BENCH_DIR:-$(mktemp -d /tmp/hispay-growth.XXXXXX)}"
mkdir -p "$dir"
swift build -c release --product hispay >&2
swift build -c release --product hispay-bench >&2
HISPAY_BENCH_ONLY=none .build/release/hispay-bench --out "$dir" --callbacks 20000 --rows 10 >/dev/null
head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$dir/internal-token"; chmod 600 "$dir/internal-token"
read -r url pgdir < <(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop "$pgdir"' EXIT
base="${url%/*}"

serve() {  # serve DATABASE NAME: starts hispay serve, sets $pid $public $internal
  .build/release/hispay serve --create --port 0 --internal-port 0 --internal-token-file "$dir/internal-token" --config "$dir/hispay.json" \
    --store "$base/$1" --rate-limit 0 --no-resolver >"$dir/serve-$2.out" 2>"$dir/serve-$2.err" &
  pid=$!
  for _ in $(seq 600); do grep -q listening "$dir/serve-$2.out" 2>/dev/null && break; sleep 0.1; done
  public=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["listening"])' "$dir/serve-$2.out")
  internal=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["internal"])' "$dir/serve-$2.out")
}

for name in empty preloaded; do
  psql -q "$url" -c "CREATE DATABASE $name" >/dev/null
  serve "$name" "$name-setup"  # migrates the new database
  kill "$pid"; wait "$pid" 2>/dev/null || true
  after=0
  if [ "$name" = preloaded ]; then
    echo "preloading $rows events over the past year in monthly partitions" >&2
    started=$(date +%s)
    python3 - "$rows" <<'PY' | psql -q -v ON_ERROR_STOP=1 "$base/$name" >/dev/null
import datetime, sys
rows = int(sys.argv[1])
beijing = datetime.timezone(datetime.timedelta(hours=8))
now = datetime.datetime.now(beijing)
millis = lambda moment: int(moment.timestamp() * 1000)
first = now - datetime.timedelta(days=365)
month = first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
print("SELECT 'DROP TABLE ' || c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'hispay_events'::regclass \\gexec")
while month <= now:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    print("CREATE TABLE hispay_events_%s PARTITION OF hispay_events FOR VALUES FROM (%d) TO (%d);" % (month.strftime("%Y%m"), millis(month), millis(following)))
    month = following
start, step = millis(first), (millis(now) - millis(first)) // rows
# Alipay payments as the gateway records them, spread evenly over the year, then their keys.
print("""INSERT INTO hispay_events (cursor, merchant, channel, dedup_key, kind, out_trade_no, transaction_id, amount_fen, merchant_id,
    occurred_at, fields, received_at)
SELECT nextval('hispay_events_cursor_seq'), 'sandbox', 'alipay', 'alipay:PRE' || g || ':TRADE_SUCCESS', 'paymentSucceeded', 'PRE' || g,
    '2026' || lpad(g::text, 24, '0'), 1230, '2088102177846880', %d + g * %d, '{"trade_status":"TRADE_SUCCESS"}', %d + g * %d
FROM generate_series(1::bigint, %d) AS g;""" % (start, step, start, step, rows))
print("INSERT INTO hispay_event_keys (merchant, channel, dedup_key, cursor, received_at) SELECT merchant, channel, dedup_key, cursor, received_at FROM hispay_events;")
print("VACUUM ANALYZE;")
PY
    after=$(psql -tA "$base/$name" -c "SELECT MAX(cursor) FROM hispay_events")
    echo "preloaded in $(( $(date +%s) - started )) s; $(psql -tA "$base/$name" -c "SELECT pg_size_pretty(pg_database_size('$name'))")" >&2
  fi
  serve "$name" "$name"
  python3 scripts/bench-gateway.py "$dir" "$public" "$internal" 0.2 8 "$after" |
    python3 -c 'import json,sys; r = json.loads(sys.stdin.read()); r["store"], r["preloaded"] = sys.argv[1], int(sys.argv[2]); print(json.dumps(r))' "$name" "$after"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
