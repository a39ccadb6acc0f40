"""Writes jk160-2026-11-30.xlsx, a partner's order export as a spreadsheet program saves it, with
openpyxl 3.1.5 (pip install openpyxl==3.1.5): a title row, the header, four orders and a totals row;
order numbers as text, amounts as numbers (one with binary-float noise, 0.1 + 0.2), times as date
cells with a custom format, shared strings in Chinese. Run from this folder to regenerate."""
import datetime

from openpyxl import Workbook

book = Workbook()
sheet = book.active
sheet.title = "订单"
sheet.append(["健康160 订单对账单 2026-11-30"])
sheet.append(["医院订单号", "支付金额", "下单时间", "订单状态", "佣金"])
rows = [
    ("N1WX", 12, datetime.datetime(2026, 11, 30, 10, 0, 1), "已支付", 0.6),
    ("S1WX", 7.77, datetime.datetime(2026, 11, 30, 11, 0, 0), "已支付", 0.39),
    ("P9GHOST", 25, datetime.datetime(2026, 11, 30, 23, 59, 59), "已支付", 1.25),
    ("N7REFUND", 0.1 + 0.2, datetime.datetime(2026, 11, 30, 14, 30, 0), "已退款", 0),
]
for order, amount, time, status, commission in rows:
    sheet.append([order, amount, time, status, commission])
    sheet.cell(row=sheet.max_row, column=3).number_format = "yyyy-mm-dd hh:mm:ss"
sheet.append(["合计", "=SUM(B3:B6)", None, None, "=SUM(E3:E6)"])
book.save("jk160-2026-11-30.xlsx")
