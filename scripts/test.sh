#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs the whole test suite, with a throwaway PostgreSQL
# server on 127.0.0.1 for the store's tests (stopped and removed when the suite ends) and Python gmssl in
# .build/test-venv for the mobile-pay known-answer tests; then a short run of the gateway's load and
# fault test; then the store,
# transport, callback-centre and gateway tests again under ThreadSanitizer (a build of their own).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
read -r url dir < <(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop "$dir"' EXIT
export HISPAY_TEST_POSTGRES_URL="$url"
# Python gmssl, the second implementation the NHSA mobile-pay envelope is checked against.
if [ ! -x .build/test-venv/bin/python ]; then python3 -m venv .build/test-venv; fi
.build/test-venv/bin/pip install -q gmssl==3.2.2
export HISPAY_TEST_PYTHON="$PWD/.build/test-venv/bin/python"
swift build            # also builds the hispay and hispay-bench executables the CLI tests run
swift test
# The gateway's load and fault test, short (10 s per run, about 2 minutes): SQLite with WeChat Pay APIv3,
# Alipay and UnionPay callbacks, PostgreSQL on one node and on three; the long run is in the README.
HISPAY_FAULTS_BUILD=debug bash scripts/gateway-faults.sh 10 >/dev/null
bash scripts/docs.sh   # DocC for every public module, failing on any warning
bash scripts/sanitize.sh thread 'HISPayStoreTests|HospitalCardTests|HISPayCurlTests|NotificationCentreTests|AddingAChannel|Serve|ReconcilerTests|aesGCMContextsReused'
