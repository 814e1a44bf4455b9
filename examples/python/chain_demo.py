#!/usr/bin/env python3
"""pylm's chained example (step1 -> step2 -> last) against the `chain` pipeline of
examples/chain/deployment.json.

    python3 chain_demo.py [ENDPOINT] [JOBS]

Sends one job and prints its result, then streams JOBS jobs with a window of 200 and checks every
result came back exactly once and right; the exit status is 0 only then.
"""

import sys

from conduit_client import ConduitClient

endpoint = sys.argv[1] if len(sys.argv) > 1 else "tcp://127.0.0.1:5555"
jobs = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
with ConduitClient(endpoint, timeout_ms=10000) as client:
    print("one job:", client.request("pipeline.chain", b"a message").decode())
    seen = set()
    wrong = 0
    for result in client.map("pipeline.chain", ("job %d" % i for i in range(jobs)), window=200):
        seen.add(result.index)
        if not result.ok or result.value != "ACK: got it too, after you sent me job %d" % result.index:
            wrong += 1
    print("streamed %d jobs: %d results, %d wrong" % (jobs, len(seen), wrong))
sys.exit(0 if len(seen) == jobs and wrong == 0 else 1)
