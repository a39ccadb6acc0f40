"""Writes haodf-2026-11-30.xlsx, a second partner's export in another writer's way, with
XlsxWriter 3.2.0 (pip install xlsxwriter==3.2.0): shared strings (as Excel writes them), the 1904
date system, times in the built-in format 22 (m/d/yy h:mm), amounts in fen, columns in its own order.
Run from this folder to regenerate."""
import datetime

import xlsxwriter

book = xlsxwriter.Workbook("haodf-2026-11-30.xlsx", {"date_1904": True})
sheet = book.add_worksheet("明细")
when = book.add_format({"num_format": 22})
sheet.write_row(0, 0, ["交易时间", "状态", "挂号单号", "金额(分)"])
rows = [
    (datetime.datetime(2026, 11, 30, 9, 15), "成功", "N2ALI", 2345),
    (datetime.datetime(2026, 11, 30, 16, 40), "成功", "S2UNIONPAY", 999),
    (datetime.datetime(2026, 11, 30, 17, 5), "已取消", "S8CANCEL", 1500),
]
for index, (time, status, order, fen) in enumerate(rows, start=1):
    sheet.write_datetime(index, 0, time, when)
    sheet.write_string(index, 1, status)
    sheet.write_string(index, 2, order)
    sheet.write_number(index, 3, fen)
book.close()
