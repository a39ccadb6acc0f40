#!/usr/bin/env python3
"""Load on the callback gateway from a second process on loopback: posts the distinct Alipay
notifications `hispay-bench` wrote (DIR/callback.alipay.jsonl), each once and a share of them again
(duplicates, as channels resend), from PROCESSES client processes with keep-alive connections to
`hispay serve` at URL; then checks every acknowledged callback is one event. Prints one JSON line.
Usage: bench-gateway.py DIR URL [DUPLICATE_SHARE] [PROCESSES]"""
import http.client
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.parse

directory, url = sys.argv[1], sys.argv[2]
share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
processes = int(sys.argv[4]) if len(sys.argv) > 4 else 4
target = urllib.parse.urlparse(url)
assert target.hostname == "127.0.0.1", "the gateway benchmark runs on loopback only"


def send(bodies):
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    acknowledged = refused = 0
    for body in bodies:
        connection.request("POST", "/notify/sandbox/alipay", body=body.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        text = response.read()
        if response.status == 200 and text == b"success":
            acknowledged += 1
        else:
            refused += 1
    return acknowledged, refused


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
    acknowledged = sum(a for a, _ in answers)
    refused = sum(r for _, r in answers)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
    events, after = 0, 0
    while True:
        connection.request("GET", "/events?after=%d&limit=1000" % after)
        answer = json.loads(connection.getresponse().read())
        if not answer["events"]:
            break
        events += len(answer["events"])
        after = answer["next"]
    print(json.dumps({"requests": len(requests), "distinct": len(bodies), "acknowledged": acknowledged, "refused": refused,
                      "events": events, "seconds": round(seconds, 3), "requestsPerSecond": round(len(requests) / seconds),
                      "eventsPerSecond": round(events / seconds), "exactlyOnce": events == len(bodies) and acknowledged == len(requests)}))
