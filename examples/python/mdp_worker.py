#!/usr/bin/env python3
"""A Majordomo worker (MDP/0.1, ZeroMQ RFC 7) that serves a Conduit service through the bridge.

    python3 mdp_worker.py [ENDPOINT] [SERVICE] [HEARTBEAT_MS]

Registers SERVICE (default "upper") on the bridge's ROUTER (default tcp://127.0.0.1:5555): every
event-bus request to that address, from any client, then reaches this process. It upper-cases a
JSON string and returns any other body unchanged. HEARTBEAT_MS (default 2500) must equal the
bridge's heartbeatIntervalMs; after 3 silent intervals either side counts the other as gone, and
this worker reconnects. Ctrl-C or SIGTERM sends DISCONNECT and exits.
"""

import json
import signal
import sys
import time

import zmq

WORKER = b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
LIVENESS = 3


def handle(body):
    """The service: a JSON string comes back upper-cased, anything else as it came."""
    try:
        value = json.loads(body) if body else None
    except ValueError:
        return body
    return json.dumps(value.upper() if isinstance(value, str) else value).encode("utf-8")


def register(context, endpoint, service):
    socket = context.socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(endpoint)
    socket.send_multipart([b"", WORKER, READY, service.encode("utf-8")])
    return socket


def serve(endpoint, service, heartbeat_ms):
    interval = heartbeat_ms / 1000.0
    context = zmq.Context.instance()
    socket = register(context, endpoint, service)
    heard = sent = time.monotonic()
    ready = False
    try:
        while True:
            if socket.poll(max(1, int((sent + interval - time.monotonic()) * 1000))):
                frames = socket.recv_multipart()
                heard = time.monotonic()
                command = frames[2] if len(frames) >= 3 and frames[1] == WORKER else None
                if not ready and command in (HEARTBEAT, REQUEST):
                    ready = True
                    print("ready: %s on %s" % (service, endpoint), flush=True)
                if command == REQUEST and len(frames) >= 6:
                    socket.send_multipart([b"", WORKER, REPLY, frames[3], b"", handle(frames[5])])
                    sent = time.monotonic()
                elif command == DISCONNECT:
                    heard = 0  # the bridge forgot us (or refused): register again below
            if time.monotonic() - heard > LIVENESS * interval:
                print("bridge silent or disconnected; registering again", flush=True)
                socket.close()
                time.sleep(interval)
                socket, heard, ready = register(context, endpoint, service), time.monotonic(), False
            if time.monotonic() - sent >= interval:
                socket.send_multipart([b"", WORKER, HEARTBEAT])
                sent = time.monotonic()
    finally:
        socket.send_multipart([b"", WORKER, DISCONNECT])
        socket.close()


def main(argv):
    endpoint = argv[1] if len(argv) > 1 else "tcp://127.0.0.1:5555"
    service = argv[2] if len(argv) > 2 else "upper"
    heartbeat_ms = int(argv[3]) if len(argv) > 3 else 2500
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        serve(endpoint, service, heartbeat_ms)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
