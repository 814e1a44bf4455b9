#!/usr/bin/python3
"""What a standby costs the document store's writes: `set` through the owner's bridge on a
standalone RocksDB node, on a two-node cluster whose standby follows without being waited for
(`ackReplicas:0`), and on one whose owner waits for the in-sync standby (`ackReplicas:1`, the
default); 1 pyzmq REQ client, then 16; rounds interleaved; medians and ratios to standalone.

Standby lag: while the 16 clients write, a probe on the owner's bridge writes its own key every
20 ms and at once reads it back from the standby (`docs.ro`, through the standby's bridge, with
`minVersion` = the version the write returned): the time until that read is answered is how far the
standby's readable copy trails the owner (median and p99 per cluster).

    /usr/bin/python3 bench/replication.py [ROUNDS] [JAR]     # defaults: 5, cli/target/conduit.jar

Every process it starts is ended by its pid; ports are probed free; Hazelcast ports from 17200."""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import zmq

HERE = os.path.dirname(os.path.abspath(__file__))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
JAR = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(HERE), "cli", "target", "conduit.jar")
LOAD = os.path.join(HERE, "zmq_load.py")
SET = '{"op":"set","path":["k"],"value":"0123456789"}'


def free():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def start(d, name, extra):
    bridge = "tcp://127.0.0.1:%d" % free()
    log = os.path.join(d, name + ".log")
    p = subprocess.Popen(["java", "-jar", JAR, "serve", "-a", bridge, "--events", "none", "--web", "127.0.0.1:%d" % free(),
                          "--data", os.path.join(d, name)] + extra, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    await_log(log, "Ready", p)
    return p, bridge, log


def await_log(log, text, p, limit=90):
    deadline = time.time() + limit
    while text not in open(log).read():
        if p.poll() is not None or time.time() > deadline:
            raise RuntimeError("no '%s' in %s" % (text, log))
        time.sleep(0.1)


def pair(d, name, port, extra):
    members = "127.0.0.1:%d,127.0.0.1:%d" % (port, port + 1)
    common = ["--cluster", "--cluster-name", "repl-%d" % port, "--members", members] + extra
    a = start(d, name + "-owner", common + ["--cluster-port", str(port)])
    b = start(d, name + "-standby", common + ["--cluster-port", str(port + 1)])
    await_log(b[2], "following it", b[0], 60)
    return a, b


def request(sock, address, body, timeout_ms=10000):
    sock.send_multipart([b"CBP1", b"REQUEST", os.urandom(4), address.encode(), b"", json.dumps(body).encode()])
    if not sock.poll(timeout_ms):
        raise RuntimeError("no reply from %s" % address)
    frames = sock.recv_multipart()
    if frames[1] != b"OK":
        raise RuntimeError("%s: %s" % (address, frames[-1].decode()))
    return json.loads(frames[-1])


def probe_lag(owner_bridge, standby_bridge, stop, lags):
    """Until `stop` is set: a write on the owner, then the same version read on the standby's copy."""
    ctx = zmq.Context.instance()
    w = ctx.socket(zmq.DEALER); w.connect(owner_bridge)
    r = ctx.socket(zmq.DEALER); r.connect(standby_bridge)
    try:
        while not stop.is_set():
            version = request(w, "docs", {"op": "set", "path": ["probe"], "value": time.time()})["version"]
            t = time.perf_counter()
            request(r, "docs.ro", {"op": "get", "path": ["probe"], "minVersion": version, "timeoutMs": 5000})
            lags.append((time.perf_counter() - t) * 1e6)
            stop.wait(0.02)
    finally:
        w.close(0); r.close(0)


def run(bridge, clients, count):
    out = subprocess.run([sys.executable, LOAD, "-e", bridge, "--mode", "req", "--clients", str(clients), "--count",
                          str(count), "--warmup", "200", "--time-limit", "60", "--address", "docs", "--body", SET],
                         capture_output=True, text=True, check=True).stdout
    return json.loads([l for l in out.splitlines() if l.startswith("{")][-1])


d = tempfile.mkdtemp()
procs = []
try:
    s = start(d, "standalone", ["-b", "rocksdb"]); procs.append(s[0])
    r0 = pair(d, "ack0", 17200, ["ackReplicas:0"]); procs += [r0[0][0], r0[1][0]]
    r1 = pair(d, "ack1", 17210, []); procs += [r1[0][0], r1[1][0]]
    await_log(r1[1][2], "following it, in sync", r1[1][0], 60)
    targets = {"standalone": s[1], "ackReplicas 0": r0[0][1], "ackReplicas 1": r1[0][1]}
    standbys = {"ackReplicas 0": r0[1][1], "ackReplicas 1": r1[1][1]}
    lags = {k: [] for k in standbys}
    for clients, count in ((1, 3000), (16, 16000)):
        runs = {k: [] for k in targets}
        for r in range(ROUNDS):
            for name, bridge in targets.items():
                stop = threading.Event()
                probe = None
                if clients > 1 and name in standbys:
                    probe = threading.Thread(target=probe_lag, args=(bridge, standbys[name], stop, lags[name]))
                    probe.start()
                try:
                    m = run(bridge, clients, count)
                finally:
                    stop.set()
                    if probe:
                        probe.join(30)
                runs[name].append(m)
                print("  r%d %-14s %2d client(s) %8.0f req/s  p50 %6.0f us  p99 %6.0f us  errors %d" % (
                    r + 1, name, clients, m["req_s"], m["p50_us"], m["p99_us"], m["errors"] + m["unanswered"]), flush=True)
        base = runs["standalone"]
        print("== %d client(s), docs set, medians of %d ==" % (clients, ROUNDS))
        for name, ms in runs.items():
            rate = statistics.median(m["req_s"] for m in ms)
            p50 = statistics.median(m["p50_us"] for m in ms)
            ratio_rate = statistics.median(m["req_s"] / b["req_s"] for m, b in zip(ms, base))
            ratio_p50 = statistics.median(m["p50_us"] / b["p50_us"] for m, b in zip(ms, base))
            print("%-14s %8.0f req/s [%s]  p50 %6.0f us  x standalone: rate %.2f, p50 %.2f" % (
                name, rate, ", ".join("%.0f" % m["req_s"] for m in ms), p50, ratio_rate, ratio_p50), flush=True)
    print("== standby lag under 16 writing clients: a write on the owner, then read at that version on docs.ro ==")
    for name, ls in lags.items():
        ls.sort()
        print("%-14s %5d probes  median %6.0f us  p99 %6.0f us  max %6.0f us" % (
            name, len(ls), statistics.median(ls), ls[int(len(ls) * 0.99) - 1], ls[-1]), flush=True)
finally:
    for p in procs:
        if p.poll() is None:
            p.kill(); p.wait()
    shutil.rmtree(d, ignore_errors=True)
