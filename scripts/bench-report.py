#!/usr/bin/env python3
"""Combines one `scripts/bench.sh` run in DIR — hispay-bench.json, peers.json, openssl.txt (openssl
speed -mr), reconcile.json, duckdb.json, gateway-*.json — into one table on stdout and DIR/bench.json:
each row our figure, the comparison's, and the ratio. With --markdown FILE it also writes FILE (the
BENCHMARKS.md table) and, beside it, FILE's chart as PNG (matplotlib, from the benchmark's virtual
environment): throughput per row against its peer or limit, and reconciliation time and memory
against day size (DIR/reconcile-ROWS.json and duckdb-ROWS.json per size).
Usage: bench-report.py DIR [--markdown FILE]"""
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


ours = {entry["name"]: entry for entry in load("hispay-bench.json", []) + load("batch.json", [])}
peers = {entry["name"]: entry for entry in load("peers.json", [])}
peer_names = {"sign.alipay.rsa2": "python-alipay-sdk", "callback.alipay": "python-alipay-sdk", "sign.wechatpay.v3": "wechatpayv3",
              "callback.wechatpay.v3": "wechatpayv3", "sign.wechatpay.v2.md5": "wechatpy", "callback.wechatpay.v2": "wechatpy",
              "callback.unionpay": "cryptography (UnionPay SDK steps)", "callback.mobilepay": "gmssl (mobile-pay steps)"}

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
    elif name.startswith("batch.") and "callback." + name[len("batch."):] in peers:
        peer = "callback." + name[len("batch."):]  # the peer does the same work per callback
        other, against = rate(peers[peer]), peer_names.get(peer, "peer")
    else:
        other, against = None, ""
    rows.append({"workload": name, "unit": unit, "hispay": round(mine, 1), "against": against, "other": other and round(other, 1),
                 "ratio": other and round(mine / other, 2)})
    if name.startswith("crypto.") and name in peers and name in openssl:
        rows.append({"workload": name, "unit": unit, "hispay": round(mine, 1), "against": "gmssl", "other": round(rate(peers[name]), 1),
                     "ratio": round(mine / rate(peers[name]), 2)})

reconcile, duck, duck_all, alone = load("reconcile.json"), load("duckdb.json"), load("duckdb-all.json"), load("reconcile-1cpu.json")
if reconcile:
    n = reconcile["ledgerRows"]
    size = "%dM" % (n // 1000000) if n % 1000000 == 0 else "%dk" % (n // 1000) if n % 1000 == 0 else str(n)
    day = "reconcile.%s+%s" % (size, size)
    rows.append({"workload": day, "unit": "s", "hispay": reconcile["seconds"], "against": "DuckDB (1 thread)",
                 "other": duck and duck["seconds"], "ratio": duck and round(duck["seconds"] / reconcile["seconds"], 2),
                 "peakMiB": reconcile["peakRSSMiB"], "otherPeakMiB": duck and duck.get("peakRSSMiB")})
    if duck_all:
        rows.append({"workload": day, "unit": "s", "hispay": reconcile["seconds"], "against": "DuckDB (%d threads)" % duck_all["threads"],
                     "other": duck_all["seconds"], "ratio": round(duck_all["seconds"] / reconcile["seconds"], 2)})
    if alone and duck:
        rows.append({"workload": day + " (1 CPU)", "unit": "s", "hispay": alone["seconds"], "against": "DuckDB (1 thread)",
                     "other": duck["seconds"], "ratio": round(duck["seconds"] / alone["seconds"], 2), "peakMiB": alone["peakRSSMiB"],
                     "otherPeakMiB": duck.get("peakRSSMiB")})
for store in ("sqlite", "postgres"):
    gateway = load("gateway-%s.json" % store)
    if gateway:
        rows.append({"workload": "gateway.%s" % store, "unit": "callbacks/s", "hispay": gateway["requestsPerSecond"], "against": "",
                     "other": None, "ratio": None, "eventsPerSecond": gateway["eventsPerSecond"], "p50ms": gateway.get("p50ms"),
                     "p99ms": gateway.get("p99ms"), "exactlyOnce": gateway["exactlyOnce"]})

print("%-28s %14s %-8s %-20s %14s %7s" % ("workload", "HISPay", "unit", "against", "other", "ratio"))
for row in rows:
    print("%-28s %14s %-8s %-20s %14s %7s" % (row["workload"], row["hispay"], row["unit"], row["against"], row["other"] if row["other"] is not None else "-",
                                           ("%.2f×" % row["ratio"]) if row["ratio"] else "-"))
    if "peakMiB" in row:
        print("%-28s %14s %-8s %-20s %14s" % ("  peak memory", row["peakMiB"], "MiB", "", row["otherPeakMiB"] or "-"))
    if row.get("p99ms") is not None:
        print("%-28s %14s %-8s %-20s" % ("  latency p50 / p99", "%s / %s" % (row["p50ms"], row["p99ms"]), "ms", "exactly once: %s" % row["exactlyOnce"]))
json.dump(rows, open(os.path.join(directory, "bench.json"), "w"), indent=1, ensure_ascii=False)
print("results: %s" % os.path.join(directory, "bench.json"))

if "--markdown" in sys.argv:
    markdown = sys.argv[sys.argv.index("--markdown") + 1]
    chart = os.path.splitext(markdown)[0].lower() + ".png"
    sizes = sorted(int(name[len("reconcile-"):-len(".json")]) for name in os.listdir(directory)
                   if name.startswith("reconcile-") and name.endswith(".json") and name[len("reconcile-"):-len(".json")].isdigit())
    scaling = [(size, load("reconcile-%d.json" % size), load("duckdb-%d.json" % size)) for size in sizes]

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(14, 7), gridspec_kw={"width_ratios": [3, 2]})
    compared = [row for row in rows if row["ratio"]]
    labels = ["%s (vs %s)" % (row["workload"], row["against"]) for row in compared]
    ratios = [row["ratio"] for row in compared]
    # The targets: 0.9 of openssl speed, 5× a Python peer's callback handling, DuckDB's time.
    def target(row):
        if row["against"] == "openssl speed":
            return 0.9
        if row["workload"].startswith(("callback.", "batch.")):
            return 5.0
        return 1.0 if row["against"].startswith("DuckDB") else None
    targets = [target(row) for row in compared]
    left.barh(labels, ratios, color=["#2a7" if ratio >= (goal or 1) else "#d63" for ratio, goal in zip(ratios, targets)])
    left.scatter([goal for goal in targets if goal], [label for label, goal in zip(labels, targets) if goal], marker="|", s=300,
                 color="black", zorder=3, label="target")
    left.legend(loc="lower right", fontsize=8)
    left.axvline(1, color="grey", linewidth=0.8)
    left.set_xscale("log")
    left.set_xlabel("HISPay ÷ peer or limit (higher is better; 1 = equal)")
    left.invert_yaxis()
    left.tick_params(axis="y", labelsize=8)
    left.set_title("Throughput against the peer or the machine's limit")
    if scaling:
        rows_axis = [size * 2 for size, _, _ in scaling]
        right.plot(rows_axis, [ours["seconds"] for _, ours, _ in scaling], "o-", color="#2a7", label="HISPay time (s)")
        right.plot(rows_axis, [duck["seconds"] for _, _, duck in scaling if duck], "o--", color="#27a", label="DuckDB time (s)")
        right.set_xscale("log")
        right.set_yscale("log")
        right.set_xlabel("rows in the day (statement + ledger)")
        right.set_ylabel("seconds")
        memory = right.twinx()
        memory.plot(rows_axis, [ours["peakRSSMiB"] for _, ours, _ in scaling], "s-", color="#c80", label="HISPay peak RSS (MiB)")
        memory.plot(rows_axis, [duck["peakRSSMiB"] for _, _, duck in scaling if duck], "s--", color="#a5c", label="DuckDB peak RSS (MiB)")
        memory.set_yscale("log")
        memory.set_ylabel("peak RSS, MiB")
        handles = right.get_legend_handles_labels()[0] + memory.get_legend_handles_labels()[0]
        right.legend(handles, [handle.get_label() for handle in handles], loc="upper left", fontsize=8)
        right.set_title("Reconciliation: time and memory by day size")
    figure.tight_layout()
    figure.savefig(chart, dpi=110)

    lines = ["| workload | HISPay | unit | against | theirs | ratio | notes |", "|---|---:|---|---|---:|---:|---|"]
    for row in rows:
        notes = []
        if "peakMiB" in row:
            notes.append("peak RSS %s MiB (theirs %s)" % (row["peakMiB"], row.get("otherPeakMiB") or "–"))
        if row.get("p99ms") is not None:
            notes.append("p50 %s ms, p99 %s ms, %s events/s, exactly once: %s" % (row["p50ms"], row["p99ms"], row["eventsPerSecond"], row["exactlyOnce"]))
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (row["workload"], row["hispay"], row["unit"], row["against"] or "–",
                                                           row["other"] if row["other"] is not None else "–",
                                                           ("%.2f×" % row["ratio"]) if row["ratio"] else "–", "; ".join(notes)))
    table = "\n".join(lines)
    scale = ["| day (statement + ledger rows) | HISPay s | HISPay peak MiB | DuckDB s | DuckDB peak MiB |", "|---:|---:|---:|---:|---:|"]
    for size, ours, duck in scaling:
        scale.append("| %d + %d | %s | %s | %s | %s |" % (size, size, ours["seconds"], ours["peakRSSMiB"], duck and duck["seconds"], duck and duck["peakRSSMiB"]))
    open(os.path.splitext(markdown)[0] + ".table.md", "w").write(table + "\n\n" + "\n".join(scale) + "\n")
    print("markdown table: %s, chart: %s" % (os.path.splitext(markdown)[0] + ".table.md", chart))
