#!/usr/bin/env bash
# Regenerates the test-made UnionPay chain for callback tests: root → middle → UnionPay signing
# certificates (valid, wrong CN owner, test-environment CN) and one signing certificate from a rogue
# root. Root and middle are valid 2024-01-01 … 2124-01-01, signing certificates 2025-01-01 … 2035-01-01
# (tests inject times inside and after that); test use only.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/ca.cnf" <<CNF
[ ca ]
default_ca = fixed
[ fixed ]
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
CNF
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$tmp/ca.ext"
printf 'keyUsage=critical,digitalSignature\n' > "$tmp/leaf.ext"

# issue OUT KEY SUBJECT EXT START END [ISSUER_CERT ISSUER_KEY]; self-signed without an issuer.
issue() {
  : > "$tmp/index.txt"; openssl rand -hex 8 > "$tmp/serial"
  openssl req -newkey rsa:2048 -nodes -keyout "$2" -out "$tmp/req.csr" -utf8 -subj "$3"
  if [ $# -ge 8 ]; then
    openssl ca -batch -config "$tmp/ca.cnf" -preserveDN -utf8 -notext -startdate "$5" -enddate "$6" \
      -in "$tmp/req.csr" -cert "$7" -keyfile "$8" -out "$1" -extfile "$4"
  else
    openssl ca -batch -config "$tmp/ca.cnf" -preserveDN -utf8 -notext -startdate "$5" -enddate "$6" \
      -selfsign -in "$tmp/req.csr" -keyfile "$2" -out "$1" -extfile "$4"
  fi
}
long=(20240101000000Z 21240101000000Z)
leaf=(20250101000000Z 20350101000000Z)
issue root.pem "$tmp/root.key" "/C=CN/O=HISPay Test/CN=HISPay Test UnionPay Root" "$tmp/ca.ext" "${long[@]}"
issue middle.pem "$tmp/middle.key" "/C=CN/O=HISPay Test/CN=HISPay Test UnionPay Middle" "$tmp/ca.ext" "${long[@]}" root.pem "$tmp/root.key"
issue signer.pem signer.key "/C=cn/O=HISPay Test/CN=041@8310000000083040@中国银联股份有限公司@00016495" "$tmp/leaf.ext" "${leaf[@]}" middle.pem "$tmp/middle.key"
issue wrong-owner.pem wrong-owner.key "/C=cn/O=HISPay Test/CN=041@8310000000083040@某某支付有限公司@00016495" "$tmp/leaf.ext" "${leaf[@]}" middle.pem "$tmp/middle.key"
issue test-env.pem test-env.key "/C=cn/O=HISPay Test/CN=041@Z12@00040000:SIGN@00000062" "$tmp/leaf.ext" "${leaf[@]}" middle.pem "$tmp/middle.key"
issue "$tmp/rogue-root.pem" "$tmp/rogue-root.key" "/CN=Rogue Root" "$tmp/ca.ext" "${long[@]}"
issue rogue.pem rogue.key "/C=cn/O=HISPay Test/CN=041@8310000000083040@中国银联股份有限公司@00016495" "$tmp/leaf.ext" "${leaf[@]}" "$tmp/rogue-root.pem" "$tmp/rogue-root.key"
