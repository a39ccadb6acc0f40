#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora (corpus/TARGET/) from the published vectors in
Tests/HISPayTestSupport/Fixtures/vectors and the channels' documented layouts. Seeds named `valid-…`
must be accepted by their target (FuzzCorpusTests checks it): for the callback targets the harness
signs or seals them with its own keys, so they carry the harness's ids (merchant 1900000001, Alipay
app 2021000000000001, UnionPay merId 898440100000001, mobile-pay app FUZZAPPID0000001). The first
byte of a seed is its mode where the target has modes (see the targets' documentation).
Usage: python3 Tests/Fuzzing/make-seeds.py"""
import io
import json
import os
import shutil
import urllib.parse
import zipfile

here = os.path.dirname(os.path.abspath(__file__))
vectors = os.path.join(here, "..", "HISPayTestSupport", "Fixtures", "vectors")
corpus = os.path.join(here, "corpus")


def vector(name):
    return json.load(open(os.path.join(vectors, name), encoding="utf-8"))


def write(target, name, data, mode=None):
    directory = os.path.join(corpus, target)
    os.makedirs(directory, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if mode is not None:
        data = bytes([mode]) + data
    open(os.path.join(directory, name), "wb").write(data)


shutil.rmtree(corpus, ignore_errors=True)

# WeChat Pay APIv3: resources (mode 1 payment, 3 refund) and the published notification body (mode 0).
transaction = {"mchid": "1900000001", "appid": "wxd678efh567hg6787", "out_trade_no": "REG20261122001",
               "transaction_id": "4200002026112200001", "trade_type": "NATIVE", "trade_state": "SUCCESS",
               "trade_state_desc": "支付成功", "bank_type": "OTHERS", "success_time": "2026-11-22T10:00:00+08:00",
               "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
               "amount": {"total": 1230, "payer_total": 1230, "currency": "CNY", "payer_currency": "CNY"}}
write("wechatpay-v3-callback", "valid-transaction", json.dumps(transaction, ensure_ascii=False), mode=1)
refund = {"mchid": "1900000001", "out_trade_no": "REG20261122001", "transaction_id": "4200002026112200001",
          "out_refund_no": "RF20261122001", "refund_id": "50300002026112200001", "refund_status": "SUCCESS",
          "success_time": "2026-11-22T11:00:00+08:00", "user_received_account": "支付用户零钱",
          "amount": {"total": 1230, "refund": 500, "payer_total": 1230, "payer_refund": 500}}
write("wechatpay-v3-callback", "valid-refund", json.dumps(refund, ensure_ascii=False), mode=3)
transaction_failed = dict(transaction, trade_state="NOTPAY")
write("wechatpay-v3-callback", "invalid-notpay", json.dumps(transaction_failed), mode=1)
write("wechatpay-v3-callback", "invalid-other-merchant", json.dumps(dict(transaction, mchid="1900000002")), mode=1)
published = vector("wechat-v3-notification.json")["vectors"][0]["inputs"]["body"]
write("wechatpay-v3-callback", "invalid-published-body", published, mode=0)

# WeChat Pay APIv2: a payment notification (mode 0, re-signed) and a refund's req_info plaintext (mode 1).
def xml(fields):
    return "<xml>" + "".join("<%s><![CDATA[%s]]></%s>" % (k, v, k) for k, v in fields.items()) + "</xml>"


payment = {"return_code": "SUCCESS", "appid": "wx2421b1c4370ec43b", "mch_id": "1900000001", "nonce_str": "5d2b6c2a8db53831f7eda20af46e531c",
           "result_code": "SUCCESS", "openid": "oUpF8uMEb4qRXf22hE3X68TekukE", "trade_type": "NATIVE", "bank_type": "CFT",
           "total_fee": "1230", "cash_fee": "1230", "fee_type": "CNY", "transaction_id": "4200002026112200001",
           "out_trade_no": "REG20261122001", "time_end": "20261122100000", "sign": "0"}
write("wechatpay-v2-callback", "valid-payment", xml(payment), mode=0)
write("wechatpay-v2-callback", "invalid-fail", xml(dict(payment, result_code="FAIL")), mode=0)
plaintext = vector("wechat-v2-refund-notify-reqinfo.json")["vectors"][0]["expected"]["plaintext_xml"]
write("wechatpay-v2-callback", "valid-refund-reqinfo", plaintext, mode=1)

# Alipay: a trade notification for the harness's app, and the published one (another app_id).
alipay = vector("alipay-notify-verify.json")["vectors"][0]["inputs"]
form = dict(alipay.get("params") or alipay.get("fields") or {})
form.pop("sign", None)
write("alipay-callback", "invalid-published-app", urllib.parse.urlencode(form))
form.update({"app_id": "2021000000000001", "out_trade_no": "REG20261122001", "trade_status": "TRADE_SUCCESS", "total_amount": "12.30"})
write("alipay-callback", "valid-trade", urllib.parse.urlencode(form))
write("alipay-callback", "valid-refund", urllib.parse.urlencode(dict(form, refund_fee="5.00", gmt_refund="2026-11-22 11:00:00")))
write("alipay-callback", "invalid-amount", urllib.parse.urlencode(dict(form, total_amount="12.345")))

# UnionPay: a back notification for the harness's merchant (it adds signPubKeyCert and signature).
back = vector("unionpay-acp-510-verify-back-notify.json")["inputs"]["fields"]
notify = {k: v for k, v in back.items() if k not in ("signature", "signPubKeyCert")}
write("unionpay-callback", "invalid-published-merchant", urllib.parse.urlencode(notify))
notify.update({"merId": "898440100000001", "txnType": "01", "txnSubType": "01", "respCode": "00", "txnAmt": "1230", "txnTime": "20261122100000"})
write("unionpay-callback", "valid-consume", urllib.parse.urlencode(notify))
write("unionpay-callback", "valid-refund", urllib.parse.urlencode(dict(notify, txnType="04", orderId="RF20261122001")))
write("unionpay-callback", "invalid-declined", urllib.parse.urlencode(dict(notify, respCode="05")))

# UnionPay answers: the published query answer as text, and one with {…} groups holding & and =.
query = vector("unionpay-acp-510-verify-query-response.json")["inputs"]["fields"]
write("unionpay-response", "valid-query-answer", "&".join("%s=%s" % (k, v) for k, v in sorted(query.items())))
write("unionpay-response", "valid-grouped", "respCode=00&reserved={a=1&b=[2&3]}&respMsg=成功[0000000]")
write("unionpay-response", "invalid-no-equals", "respCode=00&broken&x=1")

# Mobile-payment centre: a settlement notification's data (the harness seals it in the envelope).
write("insurance-callback", "valid-settled", json.dumps({"payOrdId": "ORD20261122001", "medOrgOrd": "REG20261122001", "ordStas": "6",
                                                         "medfeeSumamt": 123.40, "psnCashPay": 23.40, "fundPay": 100.00,
                                                         "setlTime": "2026-11-22 10:00:00"}))
write("insurance-callback", "invalid-no-order", json.dumps({"ordStas": "6", "medfeeSumamt": 1.00}))

# Statements.
write("statement-wechatpay", "valid-published-bill", vector("wechat-bill-trade-all-sample.json")["inputs"]["file_utf8"])
detail = "\r\n".join(vector("alipay-bill-trade-detail-sample.json")["inputs"]["detail_csv_lines_utf8"]) + "\r\n"
write("statement-alipay", "valid-detail", detail.encode("gbk"), mode=1)
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
    info = zipfile.ZipInfo("20880211096256330156_20190916_业务明细.csv".encode("gbk").decode("cp437"))
    bundle.writestr(info, detail.encode("gbk"))
write("statement-alipay", "valid-archive", archive.getvalue(), mode=0)
write("statement-alipay", "invalid-not-zip", b"PK\x03\x04 truncated", mode=0)

widths = [3, 11, 11, 6, 10, 19, 12, 4, 2, 21, 2, 32, 2, 6, 10, 13, 13, 4, 15, 2, 2, 6, 2, 4, 32, 1, 21, 15, 1, 15, 32, 13, 13, 8, 32, 13, 13, 12, 2, 1, 32, 98]


def zm(values):
    return " ".join(values.get(i + 1, "").ljust(w) for i, w in enumerate(widths))


zm_payment = zm({1: "S22", 4: "123456", 5: "1122095930", 6: "6222********1234", 7: "000000001230", 10: "782611221000001234567",
                 12: "REG20261122001", 16: "D000000000007", 17: "C000000001223", 20: "01", 21: "06", 22: "000000",
                 28: "898440100000001", 33: "C000000001223"})
zm_refund = zm({1: "S30", 4: "123457", 5: "1122110000", 7: "000000000500", 10: "782611221100001234599", 12: "RF20261122001",
                16: "C000000000003", 17: "D000000000497", 20: "04", 21: "00", 22: "000201", 27: "782611221000001234567",
                28: "898440100000001", 33: "D000000000497", 41: "REG20261122001"})
write("statement-unionpay", "valid-zm", zm_payment + "\r\n" + zm_refund + "\r\n", mode=0)
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
    bundle.writestr("INN26112288ZM_898440100000001", zm_payment + "\r\n" + zm_refund + "\r\n")
write("statement-unionpay", "valid-zip", archive.getvalue(), mode=1)
write("statement-unionpay", "invalid-short-line", zm_payment[:300] + "\r\n", mode=0)

write("statement-insurance", "valid-settlements", "P001\tMDTRT001\tSETL001\tMSG001\t0\t0\t一致\t123.40\t100.00\t10.00\n"
      "P002\tMDTRT002\tSETL002\tMSG002\t1\t1\t金额不符\t-50.00\t-40.00\t-5.00\n")
write("statement-insurance", "invalid-amount", "P001\tMDTRT001\tSETL001\tMSG001\t0\t0\t一致\t123.40\tabc\t10.00\n")

# The configuration file (key files as the target writes them) and the ledger.
config = {"transport": {"proxy": "direct", "connectTimeoutSeconds": 10, "timeoutSeconds": 30, "maxConcurrentRequests": 4},
          "merchants": [{"name": "main-campus",
                         "wechatpay": {"mchId": "1900000001", "appId": "wxd678efh567hg6787", "merchantSerialNo": "3775B6A45ACD588826D15E583A95F5DD00000001",
                                       "privateKey": "merchant.pem", "apiV3Key": "env:HISPAY_FUZZ_SECRET",
                                       "platformPublicKey": "platform.pem", "platformPublicKeyId": "PUB_KEY_ID_0119000000012026112200000000000001"},
                         "wechatpayV2": {"mchId": "1900000001", "appId": "wxd678efh567hg6787", "apiKey": "env:HISPAY_FUZZ_SECRET", "signType": "HMAC-SHA256"},
                         "alipay": {"appId": "2021000000000001", "privateKey": "merchant.pem", "alipayPublicKey": "platform.pem"},
                         "unionpay": {"merId": "898440100000001", "signCertificate": "sign.pfx", "signCertificatePassword": "fuzz",
                                      "rootCertificate": "root.pem", "middleCertificate": "middle.pem"},
                         "insurance": {"fixmedinsCode": "H44010600001", "fixmedinsName": "HISPay Fuzz Hospital", "mdtrtareaAdmvs": "440106",
                                       "gateway": "http://127.0.0.1:9/nhsa",
                                       "mobilePay": {"appId": "FUZZAPPID0000001", "appSecret": "env:HISPAY_FUZZ_SECRET", "privateKey": "sm2.pem",
                                                     "platformPublicKey": "sm2.pub", "gateway": "http://127.0.0.1:9/mobile"}}}]}
write("config", "valid-every-channel", json.dumps(config, indent=1))
write("config", "invalid-typo", json.dumps({"merchants": [{"name": "x", "wechatPay": {}}]}))
write("config", "invalid-missing-key-file", json.dumps({"merchants": [{"name": "x", "alipay": {"appId": "1", "privateKey": "nothing.pem", "alipayPublicKey": "platform.pem"}}]}))

ledger = "channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status\r\n" \
         "wechatpay,payment,REG20261122001,,12.30,2026-11-22 10:00:00,,success\r\n" \
         "wechatpay,refund,REG20261122001,RF20261122001,5.00,2026-11-22 11:00:00,,success\r\n" \
         "alipay,payment,\"REG,20261122002\",,0.01,2026-11-22 10:05:00,,success\r\n"
write("ledger-csv", "valid-utf8", "\ufeff" + ledger)
write("ledger-csv", "valid-gbk", ledger.replace("success", "成功").encode("gbk"))
write("ledger-csv", "invalid-amount", ledger.replace("12.30", "12.3.0"))
