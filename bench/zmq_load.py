#!/usr/bin/python3
"""CBP/1 load generator on pyzmq (libzmq): N clients, REQ (one request at a time) or DEALER
(a window of W requests outstanding), bounded by a request count and a time limit.

    /usr/bin/python3 bench/zmq_load.py -e tcp://127.0.0.1:PORT --mode req --clients 1 --count 10000
    /usr/bin/python3 bench/zmq_load.py -e ... --mode req --clients 16 --count 100000 \
        --address docs --body '{"op":"get","path":["k"]}'
    /usr/bin/python3 bench/zmq_load.py -e ... --mode dealer --window 100 --clients 4 --count 200000

Each request is the six CBP/1 frames "CBP1", "REQUEST", id, address, headers JSON ("" = {}), body.
Any single reply message counts as an answer, so the same load runs against a Conduit bridge and
against a plain ROUTER echo (bench/zmq_echo.py, bench/JeromqEcho.java), which sends the frames
back; a reply whose second frame is ERROR is counted as an error, with its code.

With more than one client, each client is a separate process (multiprocessing), so that the
generator is not bound by one Python interpreter; all clients warm up, then start together.
Prints one JSON line: req_s, p50_us, p99_us, p999_us, ok, errors, unanswered, ...
Throughput is answered requests / (last client's end - first client's start).
"""
import argparse
import array
import json
import math
import multiprocessing as mp
import os
import sys
import time

import zmq

SIGNATURE = b"CBP1"
REQUEST = b"REQUEST"


def build_body(args):
    if args.body is not None:
        json.loads(args.body)  # must be valid JSON (the bridge's default content-type)
        return args.body.encode("utf-8")
    # a JSON string of exactly --size bytes, as `conduit bench --size` sends
    return json.dumps("x" * max(0, args.size - 2)).encode("ascii")


def classify(reply, ident, codes):
    """True when the reply is an answer to `ident` that is not a CBP/1 ERROR."""
    if len(reply) < 3 or reply[2] != ident:
        codes["BAD_REPLY"] = codes.get("BAD_REPLY", 0) + 1
        return False
    if reply[1] == b"ERROR":
        code = "ERROR"
        try:
            code = json.loads(reply[-1]).get("code", "ERROR")
        except Exception:
            pass
        codes[code] = codes.get(code, 0) + 1
        return False
    return True


def run_req(sock, frames, n, deadline, record):
    """Sequential: send one request, wait for its reply, repeat."""
    lat = array.array("q")
    codes = {}
    ok = errors = unanswered = 0
    now = time.perf_counter_ns
    for i in range(n):
        if time.monotonic() >= deadline:
            break
        ident = i.to_bytes(4, "big")
        frames[2] = ident
        t = now()
        sock.send_multipart(frames, copy=True)
        try:
            reply = sock.recv_multipart(copy=True)
        except zmq.Again:  # no reply within --request-timeout: stop this client
            unanswered += 1
            break
        if record:
            lat.append(now() - t)
        if classify(reply, ident, codes):
            ok += 1
        else:
            errors += 1
    return lat, ok, errors, unanswered, codes


def run_dealer(sock, frames, n, window, deadline, record):
    """Pipelined: keep `window` requests outstanding, match replies by id."""
    lat = array.array("q")
    codes = {}
    ok = errors = 0
    pending = {}
    sent = 0
    now = time.perf_counter_ns
    while sent < n or pending:
        if time.monotonic() >= deadline:
            break
        while len(pending) < window and sent < n:
            ident = sent.to_bytes(4, "big")
            frames[2] = ident
            pending[ident] = now()
            sock.send_multipart(frames, copy=True)
            sent += 1
        try:
            reply = sock.recv_multipart(copy=True)  # blocks up to --request-timeout
        except zmq.Again:
            break
        while True:
            ident = reply[2] if len(reply) > 2 else b""
            t = pending.pop(ident, None)
            if t is None:
                codes["BAD_REPLY"] = codes.get("BAD_REPLY", 0) + 1
                errors += 1
            else:
                if record:
                    lat.append(now() - t)
                if classify(reply, ident, codes):
                    ok += 1
                else:
                    errors += 1
            try:
                reply = sock.recv_multipart(zmq.NOBLOCK, copy=True)
            except zmq.Again:
                break
    return lat, ok, errors, len(pending), codes


def client(idx, args, body, barrier, results):
    ctx = zmq.Context(1)
    sock = ctx.socket(zmq.REQ if args.mode == "req" else zmq.DEALER)
    sock.linger = 0
    sock.sndhwm = max(1000, 2 * args.window)
    sock.rcvhwm = max(1000, 2 * args.window)
    sock.rcvtimeo = int(args.request_timeout * 1000)
    sock.connect(args.endpoint)
    frames = [SIGNATURE, REQUEST, b"", args.address.encode("utf-8"), args.headers.encode("utf-8"), body]
    share = args.count // args.clients + (1 if idx < args.count % args.clients else 0)
    stopped = False
    try:
        if args.warmup > 0:
            wdeadline = time.monotonic() + args.time_limit
            if args.mode == "req":
                r = run_req(sock, frames, args.warmup, wdeadline, False)
            else:
                r = run_dealer(sock, frames, args.warmup, args.window, wdeadline, False)
            stopped = r[3] > 0  # a REQ socket that lost a reply cannot send again
        if barrier is not None:
            barrier.wait(timeout=args.time_limit + args.request_timeout + 30)
        t0 = time.monotonic_ns()
        deadline = time.monotonic() + args.time_limit
        if stopped:
            lat, ok, errors, unanswered, codes = array.array("q"), 0, 0, 0, {"WARMUP_UNANSWERED": 1}
        elif args.mode == "req":
            lat, ok, errors, unanswered, codes = run_req(sock, frames, share, deadline, True)
        else:
            lat, ok, errors, unanswered, codes = run_dealer(sock, frames, share, args.window, deadline, True)
        t1 = time.monotonic_ns()
    finally:
        sock.close(0)
        ctx.term()
    out = dict(idx=idx, t0=t0, t1=t1, lat=lat.tobytes(), ok=ok, errors=errors, unanswered=unanswered,
               codes=codes, sent=share)
    if results is None:
        return out
    results.put(out)
    return None


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = max(0, math.ceil(q * len(sorted_values)) - 1)  # nearest rank
    return sorted_values[k]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-e", "--endpoint", required=True)
    ap.add_argument("--mode", choices=("req", "dealer"), default="req")
    ap.add_argument("--clients", type=int, default=1, help="client sockets; >1: one process each")
    ap.add_argument("--window", type=int, default=1, help="DEALER: requests kept outstanding per client")
    ap.add_argument("--count", type=int, default=10000, help="measured requests in all")
    ap.add_argument("--warmup", type=int, default=1000, help="unmeasured requests per client first")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds; the measured run stops then")
    ap.add_argument("--request-timeout", type=float, default=5.0, help="seconds to wait for a reply")
    ap.add_argument("--address", default="echo")
    ap.add_argument("--headers", default="", help='headers JSON; "" means {}')
    ap.add_argument("--body", default=None, help="JSON body sent with every request")
    ap.add_argument("--size", type=int, default=100, help="else: body is a JSON string of this many bytes")
    ap.add_argument("--label", default="", help="copied into the output")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.count < args.clients or args.window < 1:
        ap.error("need clients >= 1, count >= clients, window >= 1")
    if args.mode == "req":
        args.window = 1
    body = build_body(args)

    if args.clients == 1:
        parts = [client(0, args, body, None, None)]
    else:
        mpc = mp.get_context("fork")
        barrier = mpc.Barrier(args.clients)
        results = mpc.Queue()
        procs = [mpc.Process(target=client, args=(i, args, body, barrier, results), daemon=True)
                 for i in range(args.clients)]
        for p in procs:
            p.start()
        parts = []
        hard_stop = time.monotonic() + 2 * args.time_limit + 2 * args.request_timeout + 60
        while len(parts) < args.clients and time.monotonic() < hard_stop:
            try:
                parts.append(results.get(timeout=1.0))
            except Exception:
                if not any(p.is_alive() for p in procs) and results.empty():
                    break
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():  # bounded: a client that did not finish is ended by its pid
                os.kill(p.pid, 9)
                p.join(timeout=5)
    lat = array.array("q")
    for p in parts:
        a = array.array("q")
        a.frombytes(p["lat"])
        lat.extend(a)
    lat = sorted(lat)
    ok = sum(p["ok"] for p in parts)
    errors = sum(p["errors"] for p in parts)
    unanswered = sum(p["unanswered"] for p in parts)
    codes = {}
    for p in parts:
        for k, v in p["codes"].items():
            codes[k] = codes.get(k, 0) + v
    elapsed = (max(p["t1"] for p in parts) - min(p["t0"] for p in parts)) / 1e9 if parts else 0.0

    def us(v):
        return None if v is None else round(v / 1000.0, 1)

    print(json.dumps(dict(
        label=args.label, endpoint=args.endpoint, mode=args.mode, clients=args.clients, window=args.window,
        address=args.address, body_bytes=len(body), count=args.count, warmup_per_client=args.warmup,
        ok=ok, errors=errors, error_codes=codes, unanswered=unanswered,
        clients_reported=len(parts), elapsed_s=round(elapsed, 3),
        req_s=round(ok / elapsed, 1) if elapsed > 0 else 0.0,
        p50_us=us(percentile(lat, 0.50)), p99_us=us(percentile(lat, 0.99)), p999_us=us(percentile(lat, 0.999)),
        max_us=us(lat[-1] if lat else None))), flush=True)
    return 0 if len(parts) == args.clients else 1


if __name__ == "__main__":
    sys.exit(main())
