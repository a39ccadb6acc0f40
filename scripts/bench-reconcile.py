#!/usr/bin/env python3
"""Generates one reconciliation day for the benchmark: a WeChat Pay trade bill (the published layout:
UTF-8 with BOM, backtick-prefixed fields, summary rows) and the HIS ledger CSV for the same rows,
with a few planted differences. Usage: bench-reconcile.py ROWS DIR"""
import os
import random
import sys

rows = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
random.seed(20261122)
header = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
          "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
          "手续费,费率,订单金额,申请退款金额,费率备注")


def yuan(fen):
    return "%d.%02d" % (fen // 100, fen % 100)


paid_total = refund_total = 0
with open(os.path.join(out, "wechat.csv"), "w", encoding="utf-8", newline="\n") as bill, \
        open(os.path.join(out, "ledger.csv"), "w", encoding="utf-8", newline="\n") as ledger:
    bill.write("\ufeff" + header + "\n")
    ledger.write("channel,kind,out_trade_no,out_refund_no,amount,time,settlement_id,status\n")
    for n in range(rows):
        second = n * 86000 // rows
        time = "2026-11-22 %02d:%02d:%02d" % (second // 3600, second % 3600 // 60, second % 60)
        order = "REG%010d" % n
        fen = random.randint(1, 100000)
        if n % 20 == 19:  # a refund of an earlier payment
            refund = "%sR1" % order
            refund_total += fen
            bill.write("`%s,`wx2421b1c4370ec43b,`1900000001,`0,`,`42%018d,`%s,`o%d,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,"
                       "`50%018d,`%s,`%s,`0.00,`ORIGINAL,`SUCCESS,`门诊退费,`,`0.00000,`0.60%%,`0.00,`%s,`\n"
                       % (time, n, order, n, n, refund, yuan(fen), yuan(fen)))
            ledger.write("wechatpay,refund,%s,%s,%s,%s,,success\n" % (order, refund, yuan(fen), time))
        else:
            paid_total += fen
            bill.write("`%s,`wx2421b1c4370ec43b,`1900000001,`0,`,`42%018d,`%s,`o%d,`JSAPI,`SUCCESS,`OTHERS,`CNY,`%s,`0.00,"
                       "`0,`0,`0.00,`0.00,`,`,`门诊缴费,`,`0.00000,`0.60%%,`%s,`0.00,`\n" % (time, n, order, n, yuan(fen), yuan(fen)))
            planted = n % 100000 == 7
            ledger.write("wechatpay,payment,%s,,%s,%s,,success\n" % (order, yuan(fen + (1 if planted else 0)), time))
    bill.write("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\n")
    bill.write("`%d,`%s,`%s,`0.00,`0.00,`%s,`%s\n" % (rows, yuan(paid_total), yuan(refund_total), yuan(paid_total), yuan(refund_total)))
