#!/usr/bin/env python3
"""Load and fault test of the callback gateway, all on 127.0.0.1.

Runs `hispay serve` on STORE and posts the distinct signed Alipay notifications `hispay-bench` wrote
(DIR/callback.alipay.jsonl) from PROCESSES client processes for SECONDS, resending a share of those
already sent (channels resend). Meanwhile it injects faults: the gateway killed with SIGKILL and
restarted on the same port, and, with PGDIR (a server from scripts/postgres.sh), PostgreSQL stopped
cleanly and later as after a crash, each for a while, then started again. A client that gets no
answer or a refusal counts the callback as not acknowledged, as a channel would.

Then it checks, from the gateway's own event list (GET /events):
- every callback acknowledged during the load was recorded (acknowledged ⇒ durable);
- no callback was recorded twice (duplicates, and resends across faults, are one event);
- every answer was the channel's acknowledgement (`success`) or its refusal (`fail`) — nothing else;
and, after resending every callback never acknowledged (the channel's retry), that every distinct
callback sent is recorded exactly once, and that the gateway then exits within 30 s of SIGTERM. Prints one JSON line of figures; exits 1 if a check fails.

Usage: gateway-faults.py DIR HISPAY STORE SECONDS [PGDIR]
Environment: HISPAY_FAULTS_PROCESSES (4), HISPAY_FAULTS_DUPLICATES (share of requests that resend, 0.25)
"""
import collections
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

HOST = "127.0.0.1"
# The internal listener's bearer token (/events), written to DIR/internal-token for the gateway.
TOKEN = "gateway-faults-internal-token"
here = os.path.dirname(os.path.abspath(__file__))


def log(*words):
    print("gateway-faults: %.1f" % time.time(), *words, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gateway:
    """`hispay serve` as a child process on a fixed loopback port, so clients find it after a restart."""

    def __init__(self, hispay, directory, store):
        token = os.path.join(directory, "internal-token")
        with open(token, "w") as file:
            file.write(TOKEN + "\n")
        os.chmod(token, 0o600)
        self.internal_port = free_port()
        self.command = [hispay, "serve", "--host", HOST, "--port", str(free_port()), "--config", os.path.join(directory, "hispay.json"), "--store", store,
                        "--internal-port", str(self.internal_port), "--internal-token-file", token, "--rate-limit", "0"]  # one loopback source, far over the default limit
        self.directory, self.starts, self.process = directory, 0, None

    def start(self):
        self.starts += 1
        out = os.path.join(self.directory, "serve-%d.out" % self.starts)
        self.process = subprocess.Popen(self.command, stdout=open(out, "w"), stderr=open(out[:-4] + ".err", "w"))
        deadline = time.time() + 60
        while time.time() < deadline:
            text = open(out).read()
            if "listening" in text:
                return json.loads(text.splitlines()[0])["listening"]
            if self.process.poll() is not None:
                raise SystemExit("hispay serve exited with %d (see %s)" % (self.process.returncode, out[:-4] + ".err"))
            time.sleep(0.1)
        raise SystemExit("hispay serve did not start within 60 s")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        """SIGTERM; True if the gateway exited within 30 s (else it is killed)."""
        self.process.terminate()
        try:
            self.process.wait(30)
            return True
        except subprocess.TimeoutExpired:
            self.kill()
            return False


def post(connection, body):
    """'ack', 'refused', 'unexpected' or 'no answer' (connection refused or reset, timeout)."""
    try:
        connection.request("POST", "/notify/sandbox/alipay", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
        response = connection.getresponse()
        text = response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return "no answer"
    if response.status == 200 and text == b"success":
        return "ack"
    if response.status == 200 and text == b"fail" or response.status >= 500:
        return "refused"
    return "unexpected"


def client(arguments):
    """One channel-like sender: its share of the distinct callbacks in order, each request a resend of
    one already sent with probability `share`, until `deadline`. Returns outcomes per callback index."""
    port, bodies, indices, share, deadline, seed = arguments
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=15)
    acknowledged, counts, sent, position = set(), collections.Counter(), [], 0
    latencies = []
    while time.time() < deadline:
        if position < len(indices) and (not sent or rng.random() >= share):
            index, position = indices[position], position + 1
            sent.append(index)
        else:
            index = rng.choice(sent)
            counts["resends"] += 1
        started = time.perf_counter()
        outcome = post(connection, bodies[index])
        latencies.append(time.perf_counter() - started)
        counts[outcome] += 1
        if outcome == "ack":
            acknowledged.add(index)
        elif outcome == "no answer":
            time.sleep(0.05)
    return acknowledged, set(sent), counts, latencies


def events(port):
    """Every delivered event's order number, in cursor order, from the internal listener on `port`."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    numbers, after = [], 0
    while True:
        connection.request("GET", "/events?after=%d&limit=1000" % after, headers={"Authorization": "Bearer " + TOKEN})
        answer = json.loads(connection.getresponse().read())
        if not answer["events"]:
            return numbers
        numbers += [event["outTradeNo"] for event in answer["events"]]
        after = answer["next"]


def database(pgdir, action, mode=None):
    subprocess.run(["bash", os.path.join(here, "postgres.sh"), action, pgdir] + ([mode] if mode else []), check=True)


def main():
    directory, hispay, store, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    pgdir = sys.argv[5] if len(sys.argv) > 5 else None
    processes = int(os.environ.get("HISPAY_FAULTS_PROCESSES", "4"))
    share = float(os.environ.get("HISPAY_FAULTS_DUPLICATES", "0.25"))
    with open(os.path.join(directory, "callback.alipay.jsonl"), encoding="utf-8") as lines:
        bodies = [json.loads(line)["body"].encode() for line in lines]
    number = lambda index: urllib.parse.parse_qs(bodies[index].decode())["out_trade_no"][0]

    gateway = Gateway(hispay, directory, store)
    gateway.start()
    port = int(gateway.command[gateway.command.index("--port") + 1])
    # Faults at fixed shares of the run: (share, what, how long it lasts in seconds).
    plan = [(0.15, "kill", 2), (0.55, "kill", 2)]
    if pgdir:
        plan += [(0.30, "database down (clean stop)", 15), (0.75, "database down (crash)", 15)]
    plan.sort()
    started = time.time()
    deadline = started + seconds
    jobs = [(port, bodies, list(range(worker, len(bodies), processes)), share, deadline, worker) for worker in range(processes)]
    faults = []
    with multiprocessing.Pool(processes) as pool:
        pending = pool.map_async(client, jobs)
        for at, what, lasts in plan:
            time.sleep(max(0, started + at * seconds - time.time()))
            began = time.time() - started
            if what == "kill":
                gateway.kill()
                time.sleep(lasts)
                gateway.start()
            else:
                database(pgdir, "down", "immediate" if "crash" in what else "fast")
                time.sleep(lasts)
                database(pgdir, "up")
            faults.append({"at": round(began, 1), "fault": what, "seconds": round(time.time() - started - began, 1)})
            log(json.dumps(faults[-1]))
        results = pending.get()
    loadSeconds = time.time() - started

    log("load done")
    acknowledged = set().union(*(r[0] for r in results))
    sent = set().union(*(r[1] for r in results))
    counts = sum((r[2] for r in results), collections.Counter())
    latencies = sorted(sum((r[3] for r in results), []))
    recorded = collections.Counter(events(gateway.internal_port))
    log("events read")
    ackedButLost = [index for index in acknowledged if recorded[number(index)] != 1]
    recordedUnacknowledged = sum(1 for index in sent - acknowledged if recorded[number(index)])

    # The channel's retry: resend every callback never acknowledged until it is.
    unacknowledged, retried = len(sent - acknowledged), 0
    connection = http.client.HTTPConnection(HOST, port, timeout=15)
    for index in sorted(sent - acknowledged):
        for _ in range(20):
            retried += 1
            if post(connection, bodies[index]) == "ack":
                acknowledged.add(index)
                break
            time.sleep(0.5)
    log("retries done")
    final = collections.Counter(events(gateway.internal_port))
    stoppedCleanly = gateway.stop()

    expected = {number(index) for index in sent}
    twice = sorted(key for key, count in final.items() if count > 1)
    missing = sorted(expected - set(final))
    foreign = sorted(set(final) - expected)
    requests = sum(counts[k] for k in ("ack", "refused", "unexpected", "no answer"))
    result = {
        "store": store.split(":")[0], "seconds": round(loadSeconds, 1), "processes": processes, "requests": requests,
        "distinctSent": len(sent), "resends": counts["resends"], "acknowledged": counts["ack"], "refused": counts["refused"],
        "noAnswer": counts["no answer"], "unexpected": counts["unexpected"], "requestsPerSecond": round(requests / loadSeconds),
        "latencyMs": {"p50": round(1000 * latencies[len(latencies) // 2], 1), "p99": round(1000 * latencies[int(len(latencies) * 0.99)], 1),
                      "max": round(1000 * latencies[-1], 1)},
        "faults": faults, "gatewayStarts": gateway.starts, "stoppedCleanly": stoppedCleanly,
        "acknowledgedButNotRecorded": len(ackedButLost), "recordedButNotAcknowledged": recordedUnacknowledged,
        "unacknowledgedAfterLoad": unacknowledged, "retryRequests": retried,
        "eventsAfterRetries": sum(final.values()), "recordedTwice": len(twice), "missingAfterRetries": len(missing), "foreign": len(foreign),
    }
    result["exactlyOnce"] = not ackedButLost and not twice and not missing and not foreign and counts["unexpected"] == 0 and sum(final.values()) == len(sent)
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(0 if result["exactlyOnce"] and stoppedCleanly else 1)


if __name__ == "__main__":
    main()
