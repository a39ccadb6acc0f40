#!/usr/bin/env bash
# Installs what HISPay needs on Debian/Ubuntu: OpenSSL 3, libcurl and zlib headers, pkg-config,
# python3 (the loopback test server) and, with --tests, a PostgreSQL server (the store's tests) and
# Python's venv, with
# --bench what scripts/bench.sh needs. The
# Swift 6.3 toolchain itself must already be on PATH.
set -euo pipefail

packages=(libssl-dev libcurl4-openssl-dev zlib1g-dev pkg-config)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
# --tests: the store's PostgreSQL and Python's venv for the second SM2/SM4 implementation (gmssl).
if [ "${1:-}" = "--tests" ]; then
  packages+=(postgresql)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || packages+=(python3-venv)
fi
# --bench: the benchmark's PostgreSQL, GNU time, the openssl CLI and Python's venv for the peers.
if [ "${1:-}" = "--bench" ]; then
  packages+=(postgresql time openssl)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || packages+=(python3-venv)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "hispay: installing ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "hispay: the Swift 6.3 toolchain is required (https://www.swift.org/install/linux/)" >&2
  exit 1
fi
