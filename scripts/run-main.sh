#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs HISPay's main job on embedded defaults: for now
# the CLI's self-check of the crypto layer (published vectors) and the libcurl transport (loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --product hispay
.build/debug/hispay self-check "$@"
