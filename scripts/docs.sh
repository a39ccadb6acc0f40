#!/usr/bin/env bash
# Builds the DocC documentation of every public module (swift-docc-plugin) and fails on any DocC
# warning: an unresolved symbol link, a topic naming a symbol that does not exist. The archives land
# in .build/plugins/Swift-DocC/outputs/<Module>.doccarchive.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=(HISPay HISPayCore HISPayCrypto HISPayCurl HISPayCompression WeChatPay Alipay UnionPay MedicalInsurance HospitalCard
         HISPayStore HISPayService HISPayGateway Reconciliation HISPayTesting)
args=()
for module in "${modules[@]}"; do args+=(--target "$module"); done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift package --disable-sandbox generate-documentation "${args[@]}" --warnings-as-errors 2>&1 | tee "$log"
# DocC's own diagnostics (SwiftPM's notes about dependencies' unhandled files are not ours).
if grep -E "^(warning|error): " "$log" | grep -vE "found [0-9]+ file\(s\) which are unhandled"; then
    echo "docs: DocC reported the problems above" >&2
    exit 1
fi
echo "docs: ${#modules[@]} modules documented without warnings"
