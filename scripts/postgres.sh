#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the tests on 127.0.0.1 only (trust authentication, data in
# a temporary directory; TLS on, with Tests/HISPayTestSupport/Fixtures/tls's server certificate) and prints
# its URL and directory. Two roles are for the tests of a store's options: hispay_password must give its
# password (SCRAM), `hispay-test-password`; hispay_tls may connect only over TLS. Stop and remove it with: scripts/postgres.sh
# stop DIR; for fault tests, `down DIR [fast|immediate]` stops it keeping the data and `up DIR` restarts it.
set -euo pipefail

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "hispay: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  # initdb and postgres refuse to run as root: use the postgres account then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $(cat "$1/port") -k $1 -c max_connections=200 -c ssl=on" start >/dev/null
}

case "${1:-}" in
  stop)  # stop the server and remove its data
    as_owner "$bin/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$2"
    exit 0 ;;
  down)  # stop the server, keeping its data: MODE fast (clean shutdown) or immediate (as after a crash)
    as_owner "$bin/pg_ctl" -D "$2/data" -m "${3:-fast}" -w stop >/dev/null
    exit 0 ;;
  up)    # start a server stopped with `down` again, on the same port
    start "$2"
    exit 0 ;;
esac

dir="$(mktemp -d /tmp/hispay-pg.XXXXXX)"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port="${HISPAY_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
as_owner "$bin/initdb" -D "$dir/data" -U hispay -A trust -E UTF8 --no-locale >/dev/null
# The first matching line decides: hispay_password authenticates by password, hispay_tls only over
# TLS, everyone else is trusted.
{ echo "host all hispay_password 127.0.0.1/32 scram-sha-256"
  echo "hostssl all hispay_tls 127.0.0.1/32 trust"
  echo "host all hispay_tls 127.0.0.1/32 reject"
  cat "$dir/data/pg_hba.conf"; } >"$dir/hba" && mv "$dir/hba" "$dir/data/pg_hba.conf"
# TLS with the test suite's server certificate (CN and IP SAN 127.0.0.1, by Fixtures/tls/ca.pem).
tls="$(cd "$(dirname "$0")/.." && pwd)/Tests/HISPayTestSupport/Fixtures/tls"
cp "$tls/server.pem" "$dir/data/server.crt" && cp "$tls/server.key" "$dir/data/server.key" && chmod 600 "$dir/data/server.key"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir/data/pg_hba.conf" "$dir/data/server.crt" "$dir/data/server.key"
echo "$port" >"$dir/port"
start "$dir"
as_owner "$bin/psql" -q -h 127.0.0.1 -p "$port" -U hispay -d postgres \
  -c "CREATE ROLE hispay_password LOGIN PASSWORD 'hispay-test-password'; CREATE ROLE hispay_tls LOGIN; GRANT ALL ON SCHEMA public TO hispay_password, hispay_tls" >/dev/null
echo "postgres://hispay@127.0.0.1:$port/postgres $dir"
