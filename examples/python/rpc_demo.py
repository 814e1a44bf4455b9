#!/usr/bin/env python3
"""pylm's standalone RPC example against Conduit's `rpc` service (examples/rpc/deployment.json).

    python3 rpc_demo.py [ENDPOINT]

Calls `foo` with bytes (the op in a header, as pylm sends bytes), `add` with JSON, and an op that
does not exist, which is answered with an error naming the ops, not a dead server.
"""

import sys

from conduit_client import ConduitClient, ConduitError

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:5555"
with ConduitClient(endpoint, timeout_ms=10000) as client:
    print("foo:", client.request("rpc", b"a message", headers={"op": "foo"}).decode())
    print("add:", client.request("rpc", {"op": "add", "a": 2, "b": 3})["sum"])
    try:
        client.request("rpc", {"op": "format_disk"})
    except ConduitError as e:
        print("error %s (%s): %s" % (e.code, e.details.get("failureCode"), e.message))
    print("foo again:", client.request("rpc", b"still here", headers={"op": "foo"}).decode())
