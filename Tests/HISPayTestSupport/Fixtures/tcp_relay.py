#!/usr/bin/env python3
"""A TCP relay on 127.0.0.1 for fault tests: forwards every connection to 127.0.0.1:TARGET and prints
"PORT n". A line "down" on stdin takes the far side away (closes every connection and stops
listening, as a server that went down); "silent" keeps connections open but forwards nothing more (as
a server that died without closing its sockets); "hang" does that to the connections open now only,
relaying new ones as before (as sessions stuck on a server that otherwise works). Each command is
acknowledged with "OK".
Usage: tcp_relay.py TARGET_PORT"""
import socket
import sys
import threading

target = int(sys.argv[1])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
connections, silent, gone, lock = [], threading.Event(), threading.Event(), threading.Lock()
hung = set()  # sockets whose connections forward nothing more
print("PORT %d" % listener.getsockname()[1], flush=True)


def pump(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            if not silent.is_set() and source not in hung:
                sink.sendall(data)
    except OSError:
        pass
    for end in (source, sink):
        try:
            end.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def down():
    with lock:
        gone.set()
        # shutdown wakes the accept() blocked in the main thread; close alone would leave it listening.
        for end in [listener] + connections:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        listener.close()


def control():
    for line in sys.stdin:
        if line.strip() == "down":
            down()
        elif line.strip() == "silent":
            silent.set()
        elif line.strip() == "hang":
            with lock:
                hung.update(connections)
        print("OK", flush=True)


threading.Thread(target=control, daemon=True).start()
while True:
    try:
        client, _ = listener.accept()
    except OSError:
        break
    server = socket.create_connection(("127.0.0.1", target))
    with lock:
        if gone.is_set():  # accepted just as the far side went away
            client.close()
            server.close()
            break
        connections += [client, server]
    threading.Thread(target=pump, args=(client, server), daemon=True).start()
    threading.Thread(target=pump, args=(server, client), daemon=True).start()
threading.Event().wait()
