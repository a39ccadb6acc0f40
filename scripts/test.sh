#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build            # also builds the hispay executable the CLI tests run
swift test
