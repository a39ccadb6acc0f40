#!/usr/bin/env python3
"""The peers' side of `scripts/bench.sh`: the same workloads as `hispay-bench`, on the inputs it wrote
to DIR (keys.json and the callback batches), with what a HIS team would pick instead —
python-alipay-sdk, wechatpayv3, wechatpy and gmssl. Single thread, each workload repeated for at
least a second after one warm-up run. Writes DIR/peers.json. Usage: bench-peers.py DIR"""
import base64
import json
import os
import sys
import time
import urllib.parse

directory = sys.argv[1]
keys = json.load(open(os.path.join(directory, "keys.json")))
results = []


def measure(name, operations, body, nbytes=None):
    body()
    rounds, start = 0, time.perf_counter()
    while True:
        body()
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= 1.0:
            break
    result = {"name": name, "operations": operations * rounds, "seconds": elapsed}
    if nbytes:
        result["bytes"] = nbytes * rounds
    results.append(result)
    print("%-30s %12.0f /s" % (name, operations * rounds / elapsed), flush=True)


def batch(name):
    with open(os.path.join(directory, name + ".jsonl"), encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


# python-alipay-sdk: RSA2 request signing and notification verification.
from alipay import AliPay  # noqa: E402

alipay = AliPay(appid=keys["alipayAppId"], app_private_key_string=keys["alipayAppPrivateKey"],
                alipay_public_key_string=keys["alipayPublicKey"], sign_type="RSA2")
request = {"app_id": keys["alipayAppId"], "method": "alipay.trade.precreate", "charset": "utf-8", "sign_type": "RSA2",
           "timestamp": "2026-11-22 10:00:00", "version": "1.0", "notify_url": "https://his.example/notify/alipay",
           "biz_content": '{"out_trade_no":"REG20261122001","total_amount":"12.30","subject":"挂号费"}'}
measure("sign.alipay.rsa2", 100, lambda: [alipay.sign_data(dict(request)) for _ in range(100)])
alipay_callbacks = batch("callback.alipay")


def alipay_verify():
    for callback in alipay_callbacks:
        data = {k: v[0] for k, v in urllib.parse.parse_qs(callback["body"], keep_blank_values=True).items()}
        signature = data.pop("sign")
        if not alipay.verify(data, signature):
            raise SystemExit("python-alipay-sdk refused a valid notification")


measure("callback.alipay", len(alipay_callbacks), alipay_verify)

# wechatpayv3: request signing and APIv3 callback verification + decryption (public-key mode).
from wechatpayv3 import WeChatPay, WeChatPayType  # noqa: E402
from wechatpayv3.utils import load_private_key, rsa_sign  # noqa: E402

merchant_key = load_private_key(keys["wechatMerchantPrivateKey"])
wxpay = WeChatPay(wechatpay_type=WeChatPayType.NATIVE, mchid=keys["wechatMchId"], private_key=keys["wechatMerchantPrivateKey"],
                  cert_serial_no="5AND80X000000000000000000000000000000001", apiv3_key=keys["wechatApiV3Key"], appid=keys["wechatAppId"],
                  public_key=keys["wechatPlatformPublicKey"], public_key_id=json.loads(open(os.path.join(directory, "callback.wechatpay.v3.jsonl")).readline())["headers"]["Wechatpay-Serial"])
body = ('{"appid":"wx2421b1c4370ec43b","mchid":"1900000001","description":"挂号费","out_trade_no":"REG20261122001",'
        '"notify_url":"https://his.example/notify/wechatpay","amount":{"total":1230,"currency":"CNY"}}')
measure("sign.wechatpay.v3", 100,
        lambda: [rsa_sign(merchant_key, "POST\n/v3/pay/transactions/native\n1795312800\nN%d\n%s\n" % (i, body)) for i in range(100)])
wechat_callbacks = batch("callback.wechatpay.v3")


def wechat_v3():
    for callback in wechat_callbacks:
        if wxpay.callback(callback["headers"], callback["body"]) is None:
            raise SystemExit("wechatpayv3 refused a valid callback")


measure("callback.wechatpay.v3", len(wechat_callbacks), wechat_v3)

# wechatpy: APIv2 MD5 signing and payment-notification parsing + verification.
from wechatpy.pay import WeChatPay as WeChatPayV2  # noqa: E402
from wechatpy.pay.utils import calculate_signature  # noqa: E402

v2 = WeChatPayV2(appid=keys["wechatAppId"], api_key=keys["wechatApiV2Key"], mch_id=keys["wechatMchId"])
v2_request = {"appid": keys["wechatAppId"], "mch_id": keys["wechatMchId"], "nonce_str": "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "body": "挂号费",
              "out_trade_no": "REG20261122001", "total_fee": "1230", "spbill_create_ip": "127.0.0.1", "notify_url": "https://his.example/notify",
              "trade_type": "NATIVE"}
measure("sign.wechatpay.v2.md5", 10000, lambda: [calculate_signature(v2_request, keys["wechatApiV2Key"]) for _ in range(10000)])
v2_callbacks = batch("callback.wechatpay.v2")
measure("callback.wechatpay.v2", len(v2_callbacks), lambda: [v2.parse_payment_result(c["body"]) for c in v2_callbacks])

# UnionPay has no maintained Python SDK on PyPI: `cryptography` doing the steps UnionPay's own SDKs do
# for every back notification — parse the form, load signPubKeyCert, check it against the middle and
# root certificates (signatures, validity, owner 中国银联股份有限公司 or the test owner), then verify
# SHA256withRSA over the SHA-256 hex of the sorted fields.
import datetime  # noqa: E402
import hashlib  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402

middle = x509.load_pem_x509_certificate(open(os.path.join(directory, "sandbox_unionpay_middle.pem"), "rb").read())
root = x509.load_pem_x509_certificate(open(os.path.join(directory, "sandbox_unionpay_root.pem"), "rb").read())
unionpay_callbacks = batch("callback.unionpay")
unionpay_now = datetime.datetime.fromtimestamp(int(keys.get("now", time.time())), datetime.timezone.utc)


def issued_by(certificate, issuer):
    issuer.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), certificate.signature_hash_algorithm)


def unionpay_verify():
    for callback in unionpay_callbacks:
        fields = {k: v[0] for k, v in urllib.parse.parse_qs(callback["body"], keep_blank_values=True).items()}
        certificate = x509.load_pem_x509_certificate(fields["signPubKeyCert"].encode())
        issued_by(certificate, middle)
        issued_by(middle, root)
        for each in (certificate, middle, root):
            if not each.not_valid_before_utc <= unionpay_now <= each.not_valid_after_utc:
                raise SystemExit("a UnionPay certificate is not valid now")
        common_name = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
        if common_name.split("@")[2] not in ("中国银联股份有限公司", "00040000:SIGN"):
            raise SystemExit("signPubKeyCert does not belong to UnionPay")
        text = "&".join("%s=%s" % (k, fields[k]) for k in sorted(fields) if k != "signature")
        digest = hashlib.sha256(text.encode()).hexdigest().encode()
        certificate.public_key().verify(base64.b64decode(fields["signature"]), digest, padding.PKCS1v15(), hashes.SHA256())


measure("callback.unionpay", len(unionpay_callbacks), unionpay_verify)

# gmssl: SM2 with SM3, SM3, SM4-CBC (pure Python).
from gmssl import func, sm2, sm3, sm4  # noqa: E402

crypt = sm2.CryptSM2(private_key=keys["sm2PrivateHex"], public_key=keys["sm2PublicHex"])
message = b"a" * 64
signature = crypt.sign_with_sm3(message)
if not crypt.verify_with_sm3(signature, message):
    raise SystemExit("gmssl does not verify its own signature")
measure("crypto.sm2.sign", 20, lambda: [crypt.sign_with_sm3(message) for _ in range(20)])
measure("crypto.sm2.verify", 10, lambda: [crypt.verify_with_sm3(signature, message) for _ in range(10)])
block = b"a" * 8192
measure("crypto.sm3.8k", 10, lambda: [sm3.sm3_hash(func.bytes_to_list(block)) for _ in range(10)], nbytes=8192 * 10)
cipher = sm4.CryptSM4(padding_mode=0) if "padding_mode" in sm4.CryptSM4.__init__.__code__.co_varnames else sm4.CryptSM4()
cipher.set_key(bytes(16 * [1]), sm4.SM4_ENCRYPT)
measure("crypto.sm4-cbc.8k", 10, lambda: [cipher.crypt_cbc(bytes(16), block) for _ in range(10)], nbytes=8192 * 10)

# The NHSA mobile-pay notification, the steps MobilePayEnvelope.open takes, with gmssl: the data key
# (SM4-ECB of the appSecret under the appId), SM4-ECB decryption of encData, the JSON, the text to sign
# (fields but signData/encData/extra, scalars as text, sorted as Java's CASE_INSENSITIVE_ORDER), and
# SM2 verification with SM3 under the appSecret as the signer's ID.
mobile_callbacks = batch("callback.mobilepay")
mobile_crypt = sm2.CryptSM2(private_key=None, public_key=keys["mobilePayCentrePublicHex"])
mobile_id, mobile_secret = keys["mobilePayAppSecret"].encode(), keys["mobilePayAppSecret"]


def sign_value(value):
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list)):
        text = json_text(value)
        return None if text in ("{}", "[]") else text
    return str(value).lower() if isinstance(value, bool) else str(value)


def json_text(value):
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items() if v is not None and v != "" and v != []}
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + json_text(kept[k]) for k in sorted(kept)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(json_text(v) for v in value if v != "") + "]"
    return json.dumps(str(value).lower() if isinstance(value, bool) else str(value), ensure_ascii=False)


FOLD = {c: c + 32 for c in range(65, 91)}  # A-Z to a-z, as CASE_INSENSITIVE_ORDER compares (keys are ASCII)


def mobile_verify(callbacks):
    for callback in callbacks:
        envelope = json.loads(callback["body"], parse_float=str, parse_int=str)
        key_cipher = sm4.CryptSM4()
        key_cipher.set_key(keys["mobilePayAppId"].encode()[:16], sm4.SM4_ENCRYPT)
        data_key = key_cipher.crypt_ecb(mobile_secret.encode()).hex().upper().encode()[:16]
        data_cipher = sm4.CryptSM4()
        data_cipher.set_key(data_key, sm4.SM4_DECRYPT)
        data = json.loads(data_cipher.crypt_ecb(bytes.fromhex(envelope["encData"])), parse_float=str, parse_int=str)
        fields = {k: v for k, v in envelope.items() if k not in ("signData", "encData", "extra")}
        fields["data"] = data
        entries = [k + "=" + text + "&" for k, text in ((k, sign_value(v)) for k, v in fields.items()) if text is not None]
        entries.sort(key=lambda entry: entry.translate(FOLD))
        text = ("".join(entries) + "key=" + mobile_secret).encode()
        identifier = mobile_id.hex()
        z = "%04x" % (len(mobile_id) * 8) + identifier + mobile_crypt.ecc_table["a"] + mobile_crypt.ecc_table["b"] + mobile_crypt.ecc_table["g"] + mobile_crypt.public_key
        za = sm3.sm3_hash(func.bytes_to_list(bytes.fromhex(z)))
        e = bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(bytes.fromhex(za) + text)))
        if not mobile_crypt.verify(base64.b64decode(envelope["signData"]).hex(), e):
            raise SystemExit("gmssl does not verify a mobile-pay notification")


mobile_sample = mobile_callbacks[:20]  # pure-Python SM2: a few hundred a second at most
measure("callback.mobilepay", len(mobile_sample), lambda: mobile_verify(mobile_sample))

with open(os.path.join(directory, "peers.json"), "w") as out:
    json.dump(results, out, indent=1, sort_keys=True)
