#!/usr/bin/env bash
# Runs the test suite, or the tests matching FILTER, under a sanitizer: `address` (AddressSanitizer)
# or `thread` (ThreadSanitizer), in a build folder of its own (.build-address, .build-thread), with the
# same throwaway PostgreSQL on 127.0.0.1 as scripts/test.sh. A sanitizer report fails the run.
# Usage: scripts/sanitize.sh address|thread [FILTER]
#   e.g. scripts/sanitize.sh thread 'HISPayStoreTests|HISPayCurlTests|NotificationCentreTests'
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer="${1:?usage: scripts/sanitize.sh address|thread [FILTER]}"
case "$sanitizer" in address|thread) ;; *) echo "hispay: the sanitizer is address or thread" >&2; exit 2 ;; esac
bash scripts/install-deps.sh --tests
read -r url dir < <(bash scripts/postgres.sh)
trap 'bash scripts/postgres.sh stop "$dir"' EXIT
export HISPAY_TEST_POSTGRES_URL="$url"
# halt_on_error: a report is a failure, not a line in a log. LeakSanitizer is off: the Swift runtime's
# one-time caches read as leaks.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:${ASAN_OPTIONS:-}"
swift build --build-tests --sanitize="$sanitizer" --scratch-path ".build-$sanitizer"
filter=()
if [ -n "${2:-}" ]; then filter=(--filter "$2"); fi
# A sanitizer that halts inside a thread holding a lock can leave the test process hung rather than
# dead: the run is bounded (HISPAY_SANITIZE_TIMEOUT seconds, default 1800) so it fails, not stalls CI.
timeout --kill-after=30 "${HISPAY_SANITIZE_TIMEOUT:-1800}" \
  swift test --skip-build --sanitize="$sanitizer" --scratch-path ".build-$sanitizer" "${filter[@]}"
