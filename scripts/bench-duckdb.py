#!/usr/bin/env python3
"""DuckDB's side of the reconciliation benchmark: the same join `hispay reconcile` does, over the same
files bench-reconcile.py wrote — the WeChat Pay bill (backtick fields, summary rows at the end) and the
HIS ledger CSV — keyed by order number for payments and refund number for refunds, counting matched
rows, amount mismatches and rows on one side only. On THREADS threads (default 1). Prints one JSON line.
Usage: bench-duckdb.py DIR [THREADS]"""
import json
import os
import sys
import time

import duckdb

directory = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
start = time.perf_counter()
db = duckdb.connect()
db.execute("SET threads TO %d" % threads)
bill, ledger = os.path.join(directory, "wechat.csv"), os.path.join(directory, "ledger.csv")
counts = db.execute(f"""
WITH s AS (
    SELECT CASE WHEN replace(交易状态, '`', '') = 'REFUND' THEN 'R|' || replace(商户退款单号, '`', '') ELSE 'P|' || replace(商户订单号, '`', '') END AS k,
           CAST(replace(CASE WHEN replace(交易状态, '`', '') = 'REFUND' THEN 退款金额 ELSE 应结订单金额 END, '`', '') AS DECIMAL(18, 2)) AS amount
    FROM read_csv('{bill}', header = true, all_varchar = true, null_padding = true, strict_mode = false)
    WHERE length(replace(交易时间, '`', '')) = 19
), l AS (
    SELECT CASE WHEN kind = 'refund' THEN 'R|' || out_refund_no ELSE 'P|' || out_trade_no END AS k, CAST(amount AS DECIMAL(18, 2)) AS amount
    FROM read_csv('{ledger}', header = true, all_varchar = true)
)
SELECT count(*) FILTER (WHERE s.k IS NOT NULL AND l.k IS NOT NULL AND s.amount = l.amount),
       count(*) FILTER (WHERE s.k IS NOT NULL AND l.k IS NOT NULL AND s.amount <> l.amount),
       count(*) FILTER (WHERE l.k IS NULL), count(*) FILTER (WHERE s.k IS NULL)
FROM s FULL OUTER JOIN l ON s.k = l.k
""").fetchone()
seconds = time.perf_counter() - start
print(json.dumps({"matched": counts[0], "amountMismatch": counts[1], "channelOnly": counts[2], "hisOnly": counts[3], "seconds": round(seconds, 2),
                  "threads": threads}))
