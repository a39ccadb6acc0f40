#!/usr/bin/env python3
"""Loopback HTTP(S) server for HISPay transport tests. Binds 127.0.0.1 only, on a free port,
prints "PORT <n>" and serves until killed (or until --lifetime seconds pass).

Routes:
  /echo            200, JSON {"method", "path", "headers": [[name, value]...], "body_base64", "client_port"}
  /raw             200, the request body returned verbatim
  /slow?ms=N       waits N ms, then 200 "slow"
  /status/N        status N with body "status N"
  /client-cert     200 with the client certificate's subject CN (mTLS), or 403
  /his/NAME?down=N an HIS endpoint: answers 503 to its first N POSTs, then 200 and keeps the body
                   (with its Idempotency-Key and HISPay-Signature); GET /his/NAME/received lists what it kept
"""
import argparse
import base64
import http.server
import json
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse


SINKS = {}
SINKS_LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _reply(self, status, body, content_type="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body_base64": base64.b64encode(body).decode(),
                "client_port": self.client_address[1],
            }
            self._reply(200, json.dumps(payload), "application/json")
        elif url.path.startswith("/his/") and url.path.endswith("/received"):
            name = url.path.split("/")[2]
            with SINKS_LOCK:
                received = list(SINKS.get(name, {}).get("received", []))
            self._reply(200, json.dumps(received), "application/json")
        elif url.path.startswith("/his/"):
            name = url.path.split("/")[2]
            down = int(urllib.parse.parse_qs(url.query).get("down", ["0"])[0])
            with SINKS_LOCK:
                sink = SINKS.setdefault(name, {"seen": 0, "received": []})
                sink["seen"] += 1
                accept = sink["seen"] > down
                if accept:
                    sink["received"].append({"key": self.headers.get("Idempotency-Key"), "signature": self.headers.get("HISPay-Signature"),
                                             "body": body.decode()})
            self._reply(200 if accept else 503, "ok" if accept else "down")
        elif url.path == "/raw":
            self._reply(200, body, "application/octet-stream")
        elif url.path == "/slow":
            ms = int(urllib.parse.parse_qs(url.query).get("ms", ["1000"])[0])
            time.sleep(ms / 1000.0)
            self._reply(200, "slow")
        elif url.path.startswith("/status/"):
            status = int(url.path.split("/")[2])
            self._reply(status, "status %d" % status)
        elif url.path == "/client-cert":
            cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
            if not cert:
                self._reply(403, "no client certificate")
                return
            cn = [v for rdn in cert.get("subject", ()) for (k, v) in rdn if k == "commonName"]
            self._reply(200, cn[0] if cn else "")
        else:
            self._reply(404, "not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca", help="require client certificates issued by this CA")
    parser.add_argument("--lifetime", type=float, default=600.0)
    args = parser.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
