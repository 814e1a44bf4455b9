#!/usr/bin/env python3
"""Talks to Conduit's `echo` service through the ZeroMQ bridge and prints what comes back.

    python3 echo_demo.py [ENDPOINT] [EVENTS_ENDPOINT]

ENDPOINT defaults to tcp://127.0.0.1:5555, EVENTS_ENDPOINT to the same host on the next port.
Every step is bounded in time; the exit status is 0 only when every reply was the expected one.
"""

import json
import sys
import time

from conduit_client import ConduitClient, ConduitError

SAMPLES = [
    ("object", {"hello": "world"}),
    ("list", [1, "two", 3.5]),
    ("string", "hi there"),
    ("number", 42),
    ("boolean", True),
    ("null", None),
    ("bytes", b"\x00\x01\xfe\xff"),
]


def show(value):
    """One stable line per value: JSON with sorted keys, or hex for bytes."""
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return json.dumps(value, sort_keys=True)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def main(argv):
    endpoint = argv[1] if len(argv) > 1 else "tcp://127.0.0.1:5555"
    events = argv[2] if len(argv) > 2 else None
    with ConduitClient(endpoint, events, timeout_ms=10000) as client:
        info = client.ping()
        print("ping: node %s, version %s" % (info["node"], info["version"]))

        for name, value in SAMPLES:
            reply = client.request("echo", value)
            print("echo %s: %s" % (name, show(reply)))
            check(reply == value and type(reply) is type(value), "echo %s came back as %r" % (name, reply))

        try:
            client.request("no.such.service", {"anyone": "there?"}, timeout_ms=5000)
            check(False, "a request to no.such.service succeeded")
        except ConduitError as e:
            print("error %s: %s" % (e.code, e.message))
            check(e.code == "NO_HANDLERS", "expected NO_HANDLERS, got %s" % e.code)

        # The subscription reaches the bridge asynchronously: publish until it delivers (10 s at most).
        with client.subscribe("demo.news") as news:
            deadline = time.monotonic() + 10
            event = None
            while event is None and time.monotonic() < deadline:
                client.publish("demo.news", {"headline": "hello from python"})
                try:
                    event = news.receive(timeout_ms=100)
                except ConduitError as e:
                    if e.code != "TIMEOUT":
                        raise
            check(event is not None, "no event on demo.news within 10 s")
            headers, body = event
            print("event demo.news: %s" % show(body))
            check(body == {"headline": "hello from python"}, "unexpected event %r" % (body,))
    print("done")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (AssertionError, ConduitError) as e:
        print("FAILED: %s" % e, file=sys.stderr)
        sys.exit(1)
