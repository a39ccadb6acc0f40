#!/usr/bin/env python3
"""Writes an Alipay trade bill archive of N payment rows (GBK CSV detail and summary, zipped) whose
footers and summary agree with its rows: input for measuring `hispay bill parse --channel alipay`.

Usage: scripts/alipay-bill.py N OUT.zip"""
import zipfile, sys
rows = int(sys.argv[1]); out = sys.argv[2]
head = ["#支付宝业务明细查询", "#账号：[20880211096256330099]", "#起始日期：[2026年11月22日 00:00:00]   终止日期：[2026年11月23日 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"]
lines = list(head); paid = 0
for i in range(rows):
    fen = 100 + i % 9000; paid += fen; amt = "%d.%02d" % (fen // 100, fen % 100)
    t = "2026-11-22 %02d:%02d:%02d" % ((i // 3600) % 24, (i // 60) % 60, i % 60)
    lines.append(f"2026112222001{100000000+i}\t,REG{i}\t,交易\t,门诊缴费,{t},{t},s1\t,医院\t,his\t,\t,*患者\t,{amt},{amt},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,")
total = "%d.%02d" % (paid // 100, paid % 100)
lines += ["#-----------------------------------------业务明细列表结束------------------------------------",
          f"#交易合计：{rows}笔，商家实收共{total}元，商家优惠共0.00元", "#退款合计：0笔，商家实收退款共0.00元，商家优惠退款共0.00元", "#导出时间：[2026年11月23日 09:00:00]"]
summary = ["#支付宝业务汇总查询", "#账号：[20880211096256330099]",
           "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
           f"合计,,{rows},0,{total},{total},0.00,0.00,0.00,0.00,0.00,{total}"]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("20880211096256330099_20261122_业务明细.csv", ("\r\n".join(lines) + "\r\n").encode("gbk"))
    z.writestr("20880211096256330099_20261122_业务明细(汇总).csv", ("\r\n".join(summary) + "\r\n").encode("gbk"))
