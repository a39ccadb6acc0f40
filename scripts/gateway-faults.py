#!/usr/bin/env python3
"""Load and fault test of the callback gateway, all on 127.0.0.1.

Runs `hispay serve` on STORE — NODES processes on one store (HISPAY_FAULTS_NODES, default 1) — and posts
the distinct signed notifications of one CHANNEL that `hispay-bench` wrote (DIR/callback.<channel>.jsonl:
Alipay, WeChat Pay APIv3 or UnionPay) from PROCESSES client processes for SECONDS, resending a share of
those already sent (channels resend), each request to the next node. Meanwhile it injects faults: a
gateway killed with SIGKILL and restarted on the same port, and, with PGDIR (a server from
scripts/postgres.sh), PostgreSQL stopped cleanly and later as after a crash, each for a while, then
started again. A client that gets no answer or a refusal counts the callback as not acknowledged, as a
channel would.

Then it checks, from the gateway's own event list (GET /events):
- every callback acknowledged during the load was recorded (acknowledged ⇒ durable);
- no callback was recorded twice (duplicates, and resends across faults and nodes, are one event);
- every answer was the channel's acknowledgement or its refusal — nothing else;
and, after resending every callback never acknowledged (the channel's retry), that every distinct
callback sent is recorded exactly once, and that the gateways then exit within 30 s of SIGTERM.
With several nodes every node also forwards (`--forward`, signed) to an HIS endpoint this script
serves, which is down (503) for a tenth of the run at its start: every event must reach it, and an event may reach
it twice only under the same Idempotency-Key and body, at most once per node killed.
Prints one JSON line of figures; exits 1 if a check fails.

Usage: gateway-faults.py DIR HISPAY STORE SECONDS [PGDIR]
Environment: HISPAY_FAULTS_CHANNEL (alipay | wechatpay | unionpay; alipay), HISPAY_FAULTS_NODES (1),
HISPAY_FAULTS_PROCESSES (4), HISPAY_FAULTS_DUPLICATES (share of requests that resend, 0.25)
"""
import collections
import http.client
import http.server
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

HOST = "127.0.0.1"
# The internal listener's bearer token (/events), written to DIR/internal-token for the gateway.
TOKEN = "gateway-faults-internal-token"
# The secret forwarded events are signed with, written to DIR/forward-secret.
FORWARD_SECRET = "gateway-faults-forward-secret"
here = os.path.dirname(os.path.abspath(__file__))


def form_number(field):
    return lambda body: urllib.parse.parse_qs(body.decode())[field][0]


# Per channel: its route, the Content-Type it sends, how it acknowledges (status, body or None for
# any), and the order number each callback's event carries (`hispay-bench`'s inputs).
CHANNELS = {
    "alipay": {"path": "/notify/sandbox/alipay", "type": "application/x-www-form-urlencoded", "ack": (200, b"success"), "fail": (200, b"fail"),
               "number": lambda index, body: form_number("out_trade_no")(body)},
    "wechatpay": {"path": "/notify/sandbox/wechatpay", "type": "application/json", "ack": (204, None), "fail": None,
                  "number": lambda index, body: "BENCH%d" % index},
    "unionpay": {"path": "/notify/sandbox/unionpay", "type": "application/x-www-form-urlencoded", "ack": (200, b"ok"), "fail": None,
                 "number": lambda index, body: form_number("orderId")(body)},
}


def log(*words):
    print("gateway-faults: %.1f" % time.time(), *words, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gateway:
    """`hispay serve` as a child process on a fixed loopback port, so clients find it after a restart."""

    def __init__(self, hispay, directory, store, name="serve", forward=None):
        token, secret = os.path.join(directory, "internal-token"), os.path.join(directory, "forward-secret")
        for path, text in ((token, TOKEN), (secret, FORWARD_SECRET)):
            with open(path, "w") as file:
                file.write(text + "\n")
            os.chmod(path, 0o600)
        self.internal_port = free_port()
        self.port = free_port()
        self.command = [hispay, "serve", "--create", "--host", HOST, "--port", str(self.port), "--config", os.path.join(directory, "hispay.json"), "--store", store,
                        "--internal-port", str(self.internal_port), "--internal-token-file", token, "--rate-limit", "0"]  # one loopback source, far over the default limit
        if forward:
            self.command += ["--forward", forward, "--forward-secret-file", secret]
        self.directory, self.name, self.starts, self.process = directory, name, 0, None

    def start(self):
        self.starts += 1
        out = os.path.join(self.directory, "%s-%d.out" % (self.name, self.starts))
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


def post(connection, channel, callback):
    """'ack', 'refused', 'unexpected' or 'no answer' (connection refused or reset, timeout)."""
    spec = CHANNELS[channel]
    headers = dict(callback["headers"], **{"Content-Type": spec["type"]})
    try:
        connection.request("POST", spec["path"], body=callback["body"], headers=headers)
        response = connection.getresponse()
        text = response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return "no answer"
    status, body = spec["ack"]
    if response.status == status and (body is None or text == body):
        return "ack"
    if spec["fail"] and (response.status, text) == spec["fail"] or response.status >= 500:
        return "refused"
    return "unexpected"


def client(arguments):
    """One channel-like sender: its share of the distinct callbacks in order, each request a resend of
    one already sent with probability `share`, until `deadline`, each request to the next node.
    Returns outcomes per callback index."""
    ports, channel, callbacks, indices, share, deadline, seed = arguments
    rng = random.Random(seed)
    connections = [http.client.HTTPConnection(HOST, port, timeout=15) for port in ports]
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
        outcome = post(connections[sum(counts.values()) % len(connections)], channel, callbacks[index])
        latencies.append(time.perf_counter() - started)
        counts[outcome] += 1
        if outcome == "ack":
            acknowledged.add(index)
        elif outcome == "no answer":
            time.sleep(0.05)
    return acknowledged, set(sent), counts, latencies


class HIS:
    """The HIS endpoint the nodes forward to, in a thread: keeps each POST's Idempotency-Key and body,
    and answers 503 while `down` is set."""

    def __init__(self):
        self.received, self.down, self.refused, lock = [], threading.Event(), [0], threading.Lock()
        his = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    if his.down.is_set():
                        his.refused[0] += 1
                        status = 503
                    else:
                        his.received.append((self.headers.get("Idempotency-Key"), body, self.headers.get("HISPay-Signature")))
                        status = 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://%s:%d/his/events" % (HOST, self.server.server_address[1])


def events(port):
    """Every delivered event's (cursor, order number), in cursor order, from the internal listener on `port`."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    found, after = [], 0
    while True:
        connection.request("GET", "/events?after=%d&limit=1000" % after, headers={"Authorization": "Bearer " + TOKEN})
        answer = json.loads(connection.getresponse().read())
        if not answer["events"]:
            return found
        found += [(event["cursor"], event["outTradeNo"]) for event in answer["events"]]
        after = answer["next"]


def database(pgdir, action, mode=None):
    subprocess.run(["bash", os.path.join(here, "postgres.sh"), action, pgdir] + ([mode] if mode else []), check=True)


def main():
    directory, hispay, store, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    pgdir = sys.argv[5] if len(sys.argv) > 5 else None
    channel = os.environ.get("HISPAY_FAULTS_CHANNEL", "alipay")
    nodes = int(os.environ.get("HISPAY_FAULTS_NODES", "1"))
    processes = int(os.environ.get("HISPAY_FAULTS_PROCESSES", "4"))
    share = float(os.environ.get("HISPAY_FAULTS_DUPLICATES", "0.25"))
    with open(os.path.join(directory, "callback.%s.jsonl" % ("wechatpay.v3" if channel == "wechatpay" else channel)), encoding="utf-8") as lines:
        callbacks = [{"headers": line["headers"], "body": line["body"].encode()} for line in map(json.loads, lines)]
    number = lambda index: CHANNELS[channel]["number"](index, callbacks[index]["body"])

    his = HIS() if nodes > 1 else None
    gateways = [Gateway(hispay, directory, store, "serve%d" % node if nodes > 1 else "serve", his.url if his else None) for node in range(nodes)]
    for gateway in gateways:
        gateway.start()
    ports = [gateway.port for gateway in gateways]
    # Faults at fixed shares of the run: (share, what, how long it lasts in seconds); short runs get short faults.
    pause, outage = min(2, max(0.5, seconds / 10)), min(15, max(2, seconds / 10))
    plan = [(0.15, "kill", pause), (0.55, "kill", pause)]
    if pgdir:
        plan += [(0.30, "database down (clean stop)", outage), (0.75, "database down (crash)", outage)]
    if his:
        plan += [(0.02, "HIS down", outage)]  # early, while the first lease holder still forwards
    plan.sort()
    started = time.time()
    deadline = started + seconds
    jobs = [(ports, channel, callbacks, list(range(worker, len(callbacks), processes)), share, deadline, worker) for worker in range(processes)]
    faults, kills = [], 0
    with multiprocessing.Pool(processes) as pool:
        pending = pool.map_async(client, jobs)
        for at, what, lasts in plan:
            time.sleep(max(0, started + at * seconds - time.time()))
            began = time.time() - started
            if what == "kill":
                victim = gateways[kills % nodes]  # with several nodes, a different one each time
                kills += 1
                victim.kill()
                time.sleep(lasts)
                victim.start()
                what = "kill node %d" % gateways.index(victim) if nodes > 1 else what
            elif what == "HIS down":
                his.down.set()
                time.sleep(lasts)
                his.down.clear()
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
    recorded = collections.Counter(number for _, number in events(gateways[0].internal_port))
    log("events read")
    ackedButLost = [index for index in acknowledged if recorded[number(index)] != 1]
    recordedUnacknowledged = sum(1 for index in sent - acknowledged if recorded[number(index)])

    # The channel's retry: resend every callback never acknowledged until it is.
    unacknowledged, retried = len(sent - acknowledged), 0
    connection = http.client.HTTPConnection(HOST, ports[0], timeout=15)
    for index in sorted(sent - acknowledged):
        for _ in range(20):
            retried += 1
            if post(connection, channel, callbacks[index]) == "ack":
                acknowledged.add(index)
                break
            time.sleep(0.5)
    log("retries done")
    listed = events(gateways[0].internal_port)
    final = collections.Counter(number for _, number in listed)

    expected = {number(index) for index in sent}
    twice = sorted(key for key, count in final.items() if count > 1)
    missing = sorted(expected - set(final))
    foreign = sorted(set(final) - expected)
    requests = sum(counts[k] for k in ("ack", "refused", "unexpected", "no answer"))
    result = {
        "store": store.split(":")[0], "channel": channel, "nodes": nodes, "seconds": round(loadSeconds, 1), "processes": processes, "requests": requests,
        "distinctSent": len(sent), "resends": counts["resends"], "acknowledged": counts["ack"], "refused": counts["refused"],
        "noAnswer": counts["no answer"], "unexpected": counts["unexpected"], "requestsPerSecond": round(requests / loadSeconds),
        "latencyMs": {"p50": round(1000 * latencies[len(latencies) // 2], 1), "p99": round(1000 * latencies[int(len(latencies) * 0.99)], 1),
                      "max": round(1000 * latencies[-1], 1)},
        "faults": faults, "gatewayStarts": sum(gateway.starts for gateway in gateways),
        "acknowledgedButNotRecorded": len(ackedButLost), "recordedButNotAcknowledged": recordedUnacknowledged,
        "unacknowledgedAfterLoad": unacknowledged, "retryRequests": retried,
        "eventsAfterRetries": sum(final.values()), "recordedTwice": len(twice), "missingAfterRetries": len(missing), "foreign": len(foreign),
    }
    exactlyOnce = not ackedButLost and not twice and not missing and not foreign and counts["unexpected"] == 0 and sum(final.values()) == len(sent)
    forwardedOnce = True
    if his:
        # Every event forwarded: wait (up to a minute) until the HIS holds every event's key.
        keys = {"hispay-event-%d" % cursor for cursor, _ in listed}
        for _ in range(600):
            if keys <= {key for key, _, _ in his.received}:
                break
            time.sleep(0.1)
        time.sleep(1)  # nothing more may arrive
        bodies, differing = {}, 0
        for key, body, _ in his.received:
            differing += key in bodies and bodies[key] != body
            bodies[key] = body
        again = len(his.received) - len(bodies)
        result["forward"] = {"events": len(keys), "delivered": len(his.received), "distinctKeys": len(bodies), "sentAgain": again,
                             "notForwarded": len(keys - set(bodies)), "unknownKeys": len(set(bodies) - keys), "differentBodies": differing,
                             "unsigned": sum(1 for _, _, signature in his.received if not (signature or "").startswith("t=")),
                             "refusedWhileDown": his.refused[0]}
        forwardedOnce = set(bodies) == keys and differing == 0 and again <= kills and result["forward"]["unsigned"] == 0
    stoppedCleanly = all([gateway.stop() for gateway in gateways])
    result["stoppedCleanly"] = stoppedCleanly
    result["exactlyOnce"] = exactlyOnce and forwardedOnce
    print(json.dumps(result, ensure_ascii=False))
    sys.exit(0 if result["exactlyOnce"] and stoppedCleanly else 1)


if __name__ == "__main__":
    main()
