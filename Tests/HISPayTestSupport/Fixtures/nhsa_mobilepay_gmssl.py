#!/usr/bin/env python3
"""A second, independent implementation of the NHSA mobile-payment envelope, on Python gmssl
(SM2/SM3/SM4), for the known-answer tests of HISPay's MobilePayEnvelope.

It follows the platform utility as public hospital-side code copies it
(newtouch-cloud/openhis-itaii openhis-server/openhis-ybapp/src/main/java/com/openhis/utils/
HseEncAndDecUtil.java and SignUtil.java): SM4 key K2 = first 16 characters of upper-case hex of
SM4-ECB-PKCS7(appId[:16], appSecret); the sign text covers every top-level field except signData,
encData and extra, with data the plain business object (nested objects sorted, scalars as strings,
empty values dropped), entries "k=v&" sorted case-insensitively, then "key=" + appSecret; the
signature is raw r||s SM3withSM2 under the SM2 user ID the caller names (the appSecret, or the
GM/T 0009 default 1234567812345678).

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"op": "verify", "appId", "appSecret", "publicKey" (base64 04||X||Y), "envelope": {...}}
    -> {"plaintext": "<decrypted JSON>", "signText": "...", "verifiedUnder": "appSecret" | "standard" | null}
  {"op": "seal", "appId", "appSecret", "privateKey" (base64 scalar), "publicKey" (base64, own),
   "id": "appSecret" | "standard", "fields": {top-level fields}, "plaintext": "<business JSON>"}
    -> {"envelope": {...}, "signText": "..."}
"""
import base64
import binascii
import decimal
import json
import secrets
import sys

from gmssl import func, sm2, sm3
from gmssl.sm4 import SM4_DECRYPT, SM4_ENCRYPT, CryptSM4

STANDARD_ID = b"1234567812345678"
UNSIGNED = {"signData", "encData", "extra"}


def sm4(key, data, mode):
    cipher = CryptSM4()
    cipher.set_key(key, mode)
    return cipher.crypt_ecb(data)


def data_key(app_id, app_secret):
    first = sm4(app_id[:16].encode(), app_secret.encode(), SM4_ENCRYPT)
    return first.hex().upper()[:16].encode()


def nested(value):
    """A nested value as SignUtil's treeParams/treeJsonArray renders it: sorted, scalars as strings."""
    if isinstance(value, dict):
        kept = [(k, v) for k, v in sorted(value.items()) if v is not None and v != "" and v != []]
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + nested(v) for k, v in kept) + "}"
    if isinstance(value, list):
        return "[" + ",".join(nested(v) for v in value if v != "") + "]"
    return json.dumps(scalar(value), ensure_ascii=False)


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sign_text(fields, app_secret):
    entries = []
    for key, value in fields.items():
        if key in UNSIGNED or value is None or value == "":
            continue
        text = nested(value) if isinstance(value, (dict, list)) else scalar(value)
        if text in ("{}", "[]"):
            continue
        entries.append(f"{key}={text}&")
    return "".join(sorted(entries, key=str.lower)) + "key=" + app_secret


def digest(message, user_id, public_hex):
    """e = SM3(Z || M), Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)."""
    table = sm2.default_ecc_table
    z = (len(user_id) * 8).to_bytes(2, "big") + user_id + binascii.a2b_hex(table["a"] + table["b"] + table["g"] + public_hex)
    za = sm3.sm3_hash(func.bytes_to_list(z))
    return binascii.a2b_hex(sm3.sm3_hash(func.bytes_to_list(binascii.a2b_hex(za) + message)))


def point_hex(b64):
    return base64.b64decode(b64).hex()[2:]  # drop the 04 prefix


def ids(app_secret):
    return {"appSecret": app_secret.encode(), "standard": STANDARD_ID}


def verify(request):
    envelope = request["envelope"]
    key = data_key(request["appId"], request["appSecret"])
    plain = sm4(key, binascii.a2b_hex(envelope["encData"]), SM4_DECRYPT)
    data = json.loads(plain.decode(), parse_float=decimal.Decimal)
    fields = {k: v for k, v in envelope.items()}
    fields["data"] = data
    text = sign_text(fields, request["appSecret"])
    public_hex = point_hex(request["publicKey"])
    crypt = sm2.CryptSM2(private_key="00", public_key=public_hex)
    signature = base64.b64decode(envelope["signData"]).hex()
    under = None
    for name, user_id in ids(request["appSecret"]).items():
        if crypt.verify(signature, digest(text.encode(), user_id, public_hex)):
            under = name
            break
    return {"plaintext": plain.decode(), "signText": text, "verifiedUnder": under}


def seal(request):
    data = json.loads(request["plaintext"], parse_float=decimal.Decimal)
    fields = dict(request["fields"])
    fields["data"] = data
    text = sign_text(fields, request["appSecret"])
    private_hex = "%064x" % int.from_bytes(base64.b64decode(request["privateKey"]), "big")
    public_hex = point_hex(request["publicKey"])
    crypt = sm2.CryptSM2(private_key=private_hex, public_key=public_hex)
    e = digest(text.encode(), ids(request["appSecret"])[request["id"]], public_hex)
    signature = None
    while signature is None:
        signature = crypt.sign(e, secrets.token_hex(32))
    key = data_key(request["appId"], request["appSecret"])
    envelope = dict(request["fields"])
    envelope["encData"] = sm4(key, request["plaintext"].encode(), SM4_ENCRYPT).hex().upper()
    envelope["signData"] = base64.b64encode(bytes.fromhex(signature)).decode()
    return {"envelope": envelope, "signText": text}


if __name__ == "__main__":
    request = json.load(sys.stdin, parse_float=decimal.Decimal)
    answer = verify(request) if request["op"] == "verify" else seal(request)
    json.dump(answer, sys.stdout, ensure_ascii=False, default=str)
