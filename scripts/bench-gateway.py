#!/usr/bin/env python3
"""Load on the callback gateway from a second process on loopback: posts the distinct Alipay
notifications `hispay-bench` wrote (DIR/callback.alipay.jsonl), each once and a share of them again
(duplicates, as channels resend), from PROCESSES client processes with keep-alive connections to
`hispay serve` at URL; then checks every acknowledged callback is one event, read from the internal
listener at INTERNAL_URL with the bearer token in DIR/internal-token. Prints one JSON line, with the
latency of a callback (request sent to answer read) at the median and the 99th percentile.
Usage: bench-gateway.py DIR URL INTERNAL_URL [DUPLICATE_SHARE] [PROCESSES] [AFTER]
(AFTER: the cursor of the last event stored before the run, when the store is not empty; the events
after it are read back, timed, as `readEventsPerSecond`.)"""
import http.client
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.parse

directory, url, internal_url = sys.argv[1], sys.argv[2], sys.argv[3]
share = float(sys.argv[4]) if len(sys.argv) > 4 else 0.2
processes = int(sys.argv[5]) if len(sys.argv) > 5 else 4
first = int(sys.argv[6]) if len(sys.argv) > 6 else 0
target, internal = urllib.parse.urlparse(url), urllib.parse.urlparse(internal_url)
assert target.hostname == "127.0.0.1" and internal.hostname == "127.0.0.1", "the gateway benchmark runs on loopback only"
token = open(os.path.join(directory, "internal-token")).readline().strip()


def send(bodies):
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    acknowledged = refused = 0
    latencies = []
    for body in bodies:
        sent = time.perf_counter()
        connection.request("POST", "/notify/sandbox/alipay", body=body.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        text = response.read()
        latencies.append(time.perf_counter() - sent)
        if response.status == 200 and text == b"success":
            acknowledged += 1
        else:
            refused += 1
    return acknowledged, refused, latencies


if __name__ == "__main__":
    with open(os.path.join(directory, "callback.alipay.jsonl"), encoding="utf-8") as lines:
        bodies = [json.loads(line)["body"] for line in lines]
    random.seed(20261122)
    requests = bodies + random.sample(bodies, int(len(bodies) * share))
    random.shuffle(requests)
    chunks = [requests[index::processes] for index in range(processes)]
    start = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        answers = pool.map(send, chunks)
    seconds = time.perf_counter() - start
    acknowledged = sum(answer[0] for answer in answers)
    refused = sum(answer[1] for answer in answers)
    latencies = sorted(latency for answer in answers for latency in answer[2])
    percentile = lambda share: round(latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000, 2)
    connection = http.client.HTTPConnection(internal.hostname, internal.port, timeout=30)
    events, after = 0, first
    reading = time.perf_counter()
    while True:
        connection.request("GET", "/events?after=%d&limit=1000" % after, headers={"Authorization": "Bearer " + token})
        answer = json.loads(connection.getresponse().read())
        if not answer["events"]:
            break
        events += len(answer["events"])
        after = answer["next"]
    read = time.perf_counter() - reading
    print(json.dumps({"readEventsPerSecond": round(events / read), "requests": len(requests), "distinct": len(bodies), "acknowledged": acknowledged, "refused": refused,
                      "events": events, "seconds": round(seconds, 3), "requestsPerSecond": round(len(requests) / seconds),
                      "eventsPerSecond": round(events / seconds), "p50ms": percentile(0.5), "p99ms": percentile(0.99),
                      "processes": processes, "exactlyOnce": events == len(bodies) and acknowledged == len(requests)}))
