#!/usr/bin/env bash
# Renders a reconciliation report.html in headless Chromium (Debian's package, installed if missing),
# checks that every number the rendered page shows equals report.json's, and saves a screenshot.
# Usage: scripts/check-report-html.sh DIR   (DIR: the --out directory of `hispay reconcile`)
set -euo pipefail
dir="$(cd "$1" && pwd)"
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
flags=(--headless=new --disable-gpu --no-first-run)
[ "$(id -u)" -eq 0 ] && flags+=(--no-sandbox)
chromium "${flags[@]}" --dump-dom "file://$dir/report.html" >"$dir/rendered.html" 2>/dev/null
chromium "${flags[@]}" --window-size=1280,1600 --screenshot="$dir/report.png" "file://$dir/report.html" >/dev/null 2>&1
python3 - "$dir" <<'PY'
import json, re, sys
directory = sys.argv[1]
report = json.load(open(directory + "/report.json"))
rendered = open(directory + "/rendered.html", encoding="utf-8").read()
shown = dict(re.findall(r'data-field="([^"]+)">([^<]*)<', rendered))
def yuan(fen):
    sign = "-" if fen < 0 else ""
    return "%s%d.%02d" % (sign, abs(fen) // 100, abs(fen) % 100)
expected = {"date": report["date"]}
for key, value in report["summary"].items():
    expected["summary." + key] = str(value)
for total in report["totals"]:
    prefix = "totals.%s.%s." % (total["channel"], total["kind"])
    for key in ("hisCount", "channelCount"):
        expected[prefix + key] = str(total[key])
    for key in ("hisAmount", "channelAmount", "fee", "matchedAmount"):
        expected[prefix + key] = yuan(total[key])
    # Every bucket, and each side's total = the sum of its buckets.
    for side, buckets, amount in (("his", total["hisBuckets"], total["hisAmount"]), ("channel", total["channelBuckets"], total["channelAmount"])):
        bucket_prefix = "buckets.%s.%s.%s." % (total["channel"], total["kind"], side)
        expected[bucket_prefix + "total"] = yuan(amount)
        for name, bucket in buckets.items():
            expected[bucket_prefix + name] = yuan(bucket["amount"])
        if sum(bucket["amount"] for bucket in buckets.values()) != amount:
            print("report.json: %s %s %s buckets do not add up to %d" % (total["channel"], total["kind"], side, amount))
            sys.exit(1)
wrong = {key: (shown.get(key), value) for key, value in expected.items() if shown.get(key) != value}
rows = rendered.count("<tr data-kind=")
if wrong or rows != len(report["discrepancies"]):
    print("report.html disagrees with report.json:", wrong, "discrepancy rows", rows, "vs", len(report["discrepancies"]))
    sys.exit(1)
print("report.html renders in Chromium and its %d numbers and %d discrepancy rows equal report.json's (screenshot: %s/report.png)"
      % (len(expected), rows, directory))
PY
