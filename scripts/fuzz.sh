#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser and verifier that takes untrusted bytes (the targets of
# Tests/Fuzzing/HISPayFuzzing, listed by `hispay-fuzz --list`) with libFuzzer and AddressSanitizer.
# Each target starts from its committed seeds (Tests/Fuzzing/corpus/TARGET) and runs for SECONDS;
# its new corpus, log and any crash inputs go to DIR/TARGET. Prints one JSON line per target
# (executions, rate, coverage, crashes) and exits non-zero if any target crashed.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (default 600 s, every target; HISPAY_FUZZ_JOBS targets
#        at once, default 2; HISPAY_FUZZ_DIR keeps the results, default a new /tmp directory)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
bash scripts/install-deps.sh
runtime=$(ls -d "$(dirname "$(readlink -f "$(command -v swiftc)")")"/../lib/clang/*/lib/linux | head -1)
swift build -c release --product hispay-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp -Xswiftc -DHISPAY_FUZZ \
  -Xlinker "$runtime/libclang_rt.fuzzer_no_main-x86_64.a" -Xlinker -lstdc++ >&2
fuzzer=.build-fuzz/release/hispay-fuzz
targets=("$@")
if ((${#targets[@]} == 0)); then mapfile -t targets < <("$fuzzer" --list | cut -f1); fi
out="${HISPAY_FUZZ_DIR:-$(mktemp -d /tmp/hispay-fuzz.XXXXXX)}"
mkdir -p "$out"
echo "hispay fuzz: ${#targets[@]} targets, $seconds s each, results in $out" >&2
export SWIFT_BACKTRACE=enable=no  # the backtracer reads memory ASan reports as overflows
export ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}"  # the Swift runtime's one-time caches read as leaks

fuzz() {
  local target="$1" dir="$out/$1"
  mkdir -p "$dir/corpus" "$dir/tmp"
  local started=$SECONDS
  # The config and ledger targets write their files under TMPDIR: keep them with the results.
  TMPDIR="$dir/tmp" "$fuzzer" "$target" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$dir/" "$dir/corpus" "Tests/Fuzzing/corpus/$target" >"$dir/log" 2>&1 || true
  python3 - "$target" "$dir" $((SECONDS - started)) <<'PY'
import glob, json, re, sys
target, directory, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = open(directory + "/log", errors="replace").read()
stat = lambda name: int((re.search(r"stat::%s:\s+(\d+)" % name, log) or [0, 0])[1])
coverage = re.findall(r"cov: (\d+) ft: (\d+)", log)
crashes = sorted(glob.glob(directory + "/crash-*") + glob.glob(directory + "/timeout-*") + glob.glob(directory + "/oom-*"))
print(json.dumps({"target": target, "seconds": seconds, "executions": stat("number_of_executed_units"),
                  "executionsPerSecond": stat("average_exec_per_sec"), "coverage": int(coverage[-1][0]) if coverage else 0,
                  "features": int(coverage[-1][1]) if coverage else 0, "corpus": len(glob.glob(directory + "/corpus/*")),
                  "crashes": crashes}))
PY
}

jobs="${HISPAY_FUZZ_JOBS:-2}"
for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
  fuzz "$target" >"$out/$target.json" &
done
wait
cat "$out"/*.json | tee "$out/summary.jsonl"
! grep -q '"crashes": \["' "$out/summary.jsonl"
