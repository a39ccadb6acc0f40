#!/usr/bin/env python3
"""Combines one `scripts/bench.sh` run in DIR — hispay-bench.json, peers.json, openssl.txt (openssl
speed -mr), reconcile.json, duckdb.json, gateway-*.json — into one table on stdout and DIR/bench.json:
each row our figure, the comparison's, and the ratio. Usage: bench-report.py DIR"""
import json
import os
import sys

directory = sys.argv[1]


def load(name, default=None):
    path = os.path.join(directory, name)
    return json.load(open(path)) if os.path.exists(path) else default


def rate(entry):
    if entry is None:
        return None
    if entry.get("bytes"):
        return entry["bytes"] / entry["seconds"] / 1e6
    return entry["operations"] / entry["seconds"]


ours = {entry["name"]: entry for entry in load("hispay-bench.json", [])}
peers = {entry["name"]: entry for entry in load("peers.json", [])}
peer_names = {"sign.alipay.rsa2": "python-alipay-sdk", "callback.alipay": "python-alipay-sdk", "sign.wechatpay.v3": "wechatpayv3",
              "callback.wechatpay.v3": "wechatpayv3", "sign.wechatpay.v2.md5": "wechatpy", "callback.wechatpay.v2": "wechatpy",
              "callback.unionpay": "cryptography (UnionPay SDK steps)"}

# openssl speed -mr: "+F2:…:2048:sign/s:verify/s" for RSA, "+F7:…:sign/s:verify/s" for SM2, "+F:…:name:bytes/s" per block size.
openssl = {}
if os.path.exists(os.path.join(directory, "openssl.txt")):
    for line in open(os.path.join(directory, "openssl.txt")):
        parts = line.strip().split(":")
        if parts[0] == "+F2" and parts[2] == "2048":
            openssl["crypto.rsa2048.sign"], openssl["crypto.rsa2048.verify"] = float(parts[3]), float(parts[4])
        elif parts[0] == "+F7" and parts[3] == "CurveSM2":
            openssl["crypto.sm2.sign"], openssl["crypto.sm2.verify"] = float(parts[4]), float(parts[5])
        elif parts[0] == "+F" and len(parts) >= 4:
            name = {"sha256": "crypto.sha256.8k", "sm3": "crypto.sm3.8k", "SM4-CBC": "crypto.sm4-cbc.8k", "sm4-cbc": "crypto.sm4-cbc.8k",
                    "AES-256-GCM": "crypto.aes-256-gcm.8k", "aes-256-gcm": "crypto.aes-256-gcm.8k"}.get(parts[2])
            if name:
                openssl[name] = float(parts[-1]) / 1e6

rows = []
for name, entry in ours.items():
    unit = "MB/s" if entry.get("bytes") else "/s"
    mine = rate(entry)
    if name in openssl:
        other, against = openssl[name], "openssl speed"
    elif name.startswith("crypto.") and name in peers:
        other, against = rate(peers[name]), "gmssl"
    elif name in peers:
        other, against = rate(peers[name]), peer_names.get(name, "peer")
    else:
        other, against = None, ""
    rows.append({"workload": name, "unit": unit, "hispay": round(mine, 1), "against": against, "other": other and round(other, 1),
                 "ratio": other and round(mine / other, 2)})
    if name.startswith("crypto.") and name in peers and name in openssl:
        rows.append({"workload": name, "unit": unit, "hispay": round(mine, 1), "against": "gmssl", "other": round(rate(peers[name]), 1),
                     "ratio": round(mine / rate(peers[name]), 2)})

reconcile, duck = load("reconcile.json"), load("duckdb.json")
if reconcile:
    rows.append({"workload": "reconcile.1M+1M", "unit": "s", "hispay": reconcile["seconds"], "against": "DuckDB (1 thread)",
                 "other": duck and duck["seconds"], "ratio": duck and round(duck["seconds"] / reconcile["seconds"], 2),
                 "peakMiB": reconcile["peakRSSMiB"], "otherPeakMiB": duck and duck.get("peakRSSMiB")})
for store in ("sqlite", "postgres"):
    gateway = load("gateway-%s.json" % store)
    if gateway:
        rows.append({"workload": "gateway.%s" % store, "unit": "events/s", "hispay": gateway["eventsPerSecond"], "against": "",
                     "other": None, "ratio": None, "requestsPerSecond": gateway["requestsPerSecond"], "exactlyOnce": gateway["exactlyOnce"]})

print("%-28s %14s %-8s %-20s %14s %7s" % ("workload", "HISPay", "unit", "against", "other", "ratio"))
for row in rows:
    print("%-28s %14s %-8s %-20s %14s %7s" % (row["workload"], row["hispay"], row["unit"], row["against"], row["other"] if row["other"] is not None else "-",
                                           ("%.2f×" % row["ratio"]) if row["ratio"] else "-"))
    if "peakMiB" in row:
        print("%-28s %14s %-8s %-20s %14s" % ("  peak memory", row["peakMiB"], "MiB", "", row["otherPeakMiB"] or "-"))
json.dump(rows, open(os.path.join(directory, "bench.json"), "w"), indent=1, ensure_ascii=False)
print("results: %s" % os.path.join(directory, "bench.json"))
