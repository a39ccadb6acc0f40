#!/usr/bin/env bash
# Regenerates the test-made TLS material used by the loopback transport tests:
# a test CA, a server certificate for 127.0.0.1, a client certificate it issued (mTLS), and a
# client certificate from an unrelated CA (must be refused). Valid for 100 years; test use only.
set -euo pipefail
cd "$(dirname "$0")"
days=36500
ext() { printf '%s\n' "$@" > "$tmp/ext.cnf"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days $days -subj "/CN=HISPay Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -x509 -newkey rsa:2048 -nodes -keyout rogue-ca.key -out rogue-ca.pem -days $days -subj "/CN=Rogue Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

openssl req -newkey rsa:2048 -nodes -keyout server.key -out "$tmp/server.csr" -subj "/CN=127.0.0.1"
ext "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth"
openssl x509 -req -in "$tmp/server.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days $days -extfile "$tmp/ext.cnf"

openssl req -newkey rsa:2048 -nodes -keyout client.key -out "$tmp/client.csr" -subj "/CN=his-node-1"
ext "extendedKeyUsage=clientAuth"
openssl x509 -req -in "$tmp/client.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days $days -extfile "$tmp/ext.cnf"

openssl req -newkey rsa:2048 -nodes -keyout rogue-client.key -out "$tmp/rogue.csr" -subj "/CN=intruder"
openssl x509 -req -in "$tmp/rogue.csr" -CA rogue-ca.pem -CAkey rogue-ca.key -CAcreateserial -out rogue-client.pem -days $days -extfile "$tmp/ext.cnf"

rm -f ca.key rogue-ca.key ./*.srl

# The client certificate as PKCS#12 (password = the test merchant id), as WeChat Pay v2 issues apiclient_cert.p12.
openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12 -passout pass:10000100 -name his-node-1
