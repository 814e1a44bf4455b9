#!/usr/bin/python3
"""Failover of a document store's ownership: node A owns `docs`, node B stands by (two
`conduit serve --cluster -b memory` JVMs on loopback); a pyzmq DEALER on B's bridge writes, one
request at a time; A is killed with SIGKILL; prints how long until the first acknowledged write
after the kill, per run and the median.

    /usr/bin/python3 bench/failover.py [RUNS] [JAR] [BACKEND]   # defaults: 5, cli/target/conduit.jar, memory

With BACKEND rocksdb the standby follows the owner (ackReplicas 1) and the run waits until it is in
sync before the kill; it then takes over with every acknowledged write. A memory store's data
leaves with its owner, so its standby takes over empty (docs/services.md). Every process it starts is
killed by its pid before the next run; ports are probed free; Hazelcast ports from 17100."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import zmq

BACKEND = sys.argv[3] if len(sys.argv) > 3 else "memory"
JAR = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "-" else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                        "cli", "target", "conduit.jar")
def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def start(name, cport, members, bridge, d):
    log = open(os.path.join(d, name + ".log"), "w")
    p = subprocess.Popen(["java", "-jar", JAR, "serve", "--cluster", "--cluster-name", "fo-" + str(members.split(":")[-1]),
                          "--cluster-port", str(cport), "--members", members, "-a", bridge, "--events", "none",
                          "--web", "127.0.0.1:%d" % free(), "-b", BACKEND, "--data", os.path.join(d, name)],
                         stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 90
    while time.time() < deadline:
        if "Ready" in open(os.path.join(d, name + ".log")).read():
            return p
        time.sleep(0.2)
    raise RuntimeError(name + " did not start")

def write(sock, i, timeout_ms):
    sock.send_multipart([b"CBP1", b"REQUEST", str(i).encode(), b"docs", b'{"timeout":"%d"}' % timeout_ms,
                         json.dumps({"op": "set", "path": ["k"], "value": i}).encode()])
    if sock.poll(timeout_ms + 500):
        r = sock.recv_multipart()
        return r[1] == b"OK", r[-1][:120]
    return None, b"no reply"

results = []
for run in range(int(sys.argv[1]) if len(sys.argv) > 1 else 5):
    d = tempfile.mkdtemp()
    base = 17100 + run * 10
    members = "127.0.0.1:%d,127.0.0.1:%d" % (base, base + 1)
    ba, bb = "tcp://127.0.0.1:%d" % free(), "tcp://127.0.0.1:%d" % free()
    a = start("a", base, members, ba, d)
    b = start("b", base + 1, members, bb, d)
    try:
        if BACKEND != "memory":
            deadline = time.time() + 60
            while "following it, in sync" not in open(os.path.join(d, "b.log")).read():
                if time.time() > deadline:
                    raise RuntimeError("the standby did not get in sync")
                time.sleep(0.1)
        ctx = zmq.Context(); sock = ctx.socket(zmq.DEALER); sock.setsockopt(zmq.LINGER, 0); sock.connect(bb)
        for i in range(20):
            ok, _ = write(sock, i, 2000); assert ok, "write before the kill failed"
        a.send_signal(signal.SIGKILL); a.wait(); killed = time.time()
        i = 1000; first = None; codes = {}
        while time.time() - killed < 60:
            ok, body = write(sock, i, 200); i += 1
            if ok:
                first = time.time() - killed; break
            codes[body[:40]] = codes.get(body[:40], 0) + 1
            if ok is False:
                time.sleep(0.05)
        results.append(first)
        print("run %d: first acknowledged write %.2f s after kill -9 (refusals meanwhile: %s)" % (run + 1, first, {k.decode(errors='replace'): v for k, v in codes.items()}), flush=True)
        sock.close(); ctx.term()
    finally:
        for p in (a, b):
            if p.poll() is None:
                p.kill(); p.wait()
        shutil.rmtree(d, ignore_errors=True)
ok = sorted(r for r in results if r is not None)
print("median %.2f s over %d runs" % (ok[len(ok) // 2], len(ok)))
