#!/usr/bin/env python3
"""pylm's parallel master/workers example against the `primes` workers of
examples/parallel/deployment.json: the client is the master, `map` spreads the chunks.

    python3 parallel_demo.py [ENDPOINT] [LIMIT] [CHUNK]

Counts the primes below LIMIT in chunks, results in input order, and adds one malformed chunk
to show that a failed item is reported while the others go on.
"""

import sys

from conduit_client import ConduitClient

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:5555"
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
jobs = [{"op": "count", "from": start, "to": min(limit, start + chunk)} for start in range(0, limit, chunk)]
jobs.append({"op": "count", "from": 10, "to": 1})
with ConduitClient(endpoint, timeout_ms=30000) as client:
    primes = 0
    for result in client.map("primes", jobs, window=8, ordered=True):
        if result.ok:
            primes += result.value["primes"]
        else:
            print("chunk %d failed: %s %s" % (result.index, result.error.code, result.error.message))
    print("primes below %d: %d (%d chunks)" % (limit, primes, len(jobs)))
