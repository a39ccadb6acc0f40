#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine and runs HISPay's main job on embedded defaults: the
# end-to-end demo — a hospital day against the built-in channel simulator, callbacks through the
# gateway into a SQLite store in a temporary directory, reconciled at the end — after the CLI's
# self-check of the crypto layer and the transport.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --product hispay
.build/debug/hispay self-check >/dev/null
.build/debug/hispay demo "$@"
