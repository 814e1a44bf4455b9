#!/usr/bin/python3
"""CBP/1 load generator on pyzmq (libzmq): N clients, REQ (one request at a time) or DEALER
(a window of W requests outstanding), bounded by a request count and a time limit.

    /usr/bin/python3 bench/zmq_load.py -e tcp://127.0.0.1:PORT --mode req --clients 1 --count 10000
    /usr/bin/python3 bench/zmq_load.py -e ... --mode req --clients 16 --count 100000 \
        --address docs --body '{"op":"get","path":["k"]}'
    /usr/bin/python3 bench/zmq_load.py -e ... --mode dealer --window 100 --clients 4 --count 200000

Each request is the six CBP/1 frames "CBP1", "REQUEST", id, address, headers JSON ("" = {}), body
(`--command SEND` or `PUBLISH`: one-way messages, each answered by the bridge's OK).
Any single reply message counts as an answer, so the same load runs against a Conduit bridge and
against a plain ROUTER echo (bench/zmq_echo.py, bench/JeromqEcho.java), which sends the frames
back; a reply whose second frame is ERROR is counted as an error, with its code.

With more than one client, each client is a separate process (multiprocessing) by default, so
that the generator is not bound by one Python interpreter; all clients warm up, then start
together. `--processes P` spreads the clients over P processes instead: each process drives its
REQ sockets from one zmq.Poller on one libzmq context, so that a client's request costs no
process wake-up of its own (each socket still has one request outstanding at a time). On two
cores this generator leaves the server more of the machine than 16 processes do.
Prints one JSON line: req_s, p50_us, p99_us, p999_us, ok, errors, unanswered, ...
Throughput is answered requests / (last client's end - first client's start).

`--protocol pyzdb` (REQ mode only) loads the Python reference server of bench/pyzdb.py instead:
each request is one frame, the --body JSON as given (what pyzdb's client.py sends, e.g.
'{"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}' for db['k']), and any
one-frame reply answers the socket's outstanding request (there is no id). A reply that is the
JSON string of a Python traceback (how pyzdb answers an exception) counts as an error with code
PYZDB_ERROR. The output then has "protocol": "pyzdb" and "address": null.
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


TRACEBACK = b'"Traceback (most recent call last):'


def classify_pyzdb(reply, ident, codes):
    """pyzdb: True when the reply is one frame that is not a traceback. The server answers an
    exception with json.dumps(traceback.format_exc()); its replies carry no id (`ident` is not
    used)."""
    if len(reply) != 1:
        codes["BAD_REPLY"] = codes.get("BAD_REPLY", 0) + 1
        return False
    if reply[0].startswith(TRACEBACK):
        codes["PYZDB_ERROR"] = codes.get("PYZDB_ERROR", 0) + 1
        return False
    return True  # not parsed, as CBP/1 replies are not: the generator's cost is the same for both


def run_req(sock, frames, n, deadline, record, check=classify, stamp=True):
    """Sequential: send one request, wait for its reply, repeat. `stamp`: put the request's id in
    frames[2] (CBP/1); `check(reply, ident, codes)`: True when the reply is a good answer."""
    lat = array.array("q")
    codes = {}
    ok = errors = unanswered = 0
    now = time.perf_counter_ns
    for i in range(n):
        if time.monotonic() >= deadline:
            break
        ident = i.to_bytes(4, "big")
        if stamp:
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
        if check(reply, ident, codes):
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


def run_req_many(socks, frames, shares, deadline, record, check=classify, stamp=True):
    """Sequential on each of several REQ sockets: each has one request outstanding at a time;
    one poller serves them all. `check` and `stamp` as in run_req."""
    lat = array.array("q")
    codes = {}
    ok = errors = unanswered = 0
    now = time.perf_counter_ns
    poller = zmq.Poller()
    left = list(shares)
    sent_at = [0] * len(socks)
    ident_of = [b""] * len(socks)
    seq = [0] * len(socks)
    index = {}
    timeout_ms = max(1, int(socks[0].rcvtimeo)) if socks else 1

    def send(i):
        ident = seq[i].to_bytes(4, "big")
        seq[i] += 1
        left[i] -= 1
        if stamp:
            frames[2] = ident
        ident_of[i] = ident
        sent_at[i] = now()
        socks[i].send_multipart(frames, copy=True)

    active = 0
    for i, s in enumerate(socks):
        index[s] = i
        if left[i] > 0:
            poller.register(s, zmq.POLLIN)
            send(i)
            active += 1
    while active:
        if time.monotonic() >= deadline:
            unanswered += active
            break
        events = poller.poll(timeout_ms)
        if not events:  # no reply within --request-timeout on any socket: stop
            unanswered += active
            break
        for s, _ in events:
            i = index[s]
            reply = s.recv_multipart(copy=True)
            if record:
                lat.append(now() - sent_at[i])
            if check(reply, ident_of[i], codes):
                ok += 1
            else:
                errors += 1
            if left[i] > 0:
                send(i)
            else:
                poller.unregister(s)
                active -= 1
    return lat, ok, errors, unanswered, codes


def share_of(args, idx):
    return args.count // args.clients + (1 if idx < args.count % args.clients else 0)


def make_frames(args, body):
    """The request's frames, and how REQ replies are checked: (frames, check, stamp)."""
    if args.protocol == "pyzdb":
        return [body], classify_pyzdb, False
    command = args.command.encode("ascii")
    return [SIGNATURE, command, b"", args.address.encode("utf-8"), args.headers.encode("utf-8"), body], classify, True


def client_group(idx, clients, args, body, barrier, results):
    """One process driving several REQ clients (indexes `clients`) from one poller."""
    ctx = zmq.Context(1)
    socks = []
    for _ in clients:
        s = ctx.socket(zmq.REQ)
        s.linger = 0
        s.rcvtimeo = int(args.request_timeout * 1000)
        s.connect(args.endpoint)
        socks.append(s)
    frames, check, stamp = make_frames(args, body)
    shares = [share_of(args, c) for c in clients]
    t0 = t1 = time.monotonic_ns()
    try:
        stopped = False
        if args.warmup > 0:
            r = run_req_many(socks, frames, [args.warmup] * len(socks), time.monotonic() + args.time_limit, False,
                             check, stamp)
            stopped = r[3] > 0  # a REQ socket that lost a reply cannot send again
        if barrier is not None:
            barrier.wait(timeout=args.time_limit + args.request_timeout + 30)
        t0 = time.monotonic_ns()
        if stopped:
            lat, ok, errors, unanswered, codes = array.array("q"), 0, 0, 0, {"WARMUP_UNANSWERED": 1}
        else:
            lat, ok, errors, unanswered, codes = run_req_many(
                socks, frames, shares, time.monotonic() + args.time_limit, True, check, stamp)
        t1 = time.monotonic_ns()
    finally:
        for s in socks:
            s.close(0)
        ctx.term()
    out = dict(idx=idx, t0=t0, t1=t1, lat=lat.tobytes(), ok=ok, errors=errors, unanswered=unanswered,
               codes=codes, sent=sum(shares))
    if results is None:
        return out
    results.put(out)
    return None


def client(idx, args, body, barrier, results):
    ctx = zmq.Context(1)
    sock = ctx.socket(zmq.REQ if args.mode == "req" else zmq.DEALER)
    sock.linger = 0
    sock.sndhwm = max(1000, 2 * args.window)
    sock.rcvhwm = max(1000, 2 * args.window)
    sock.rcvtimeo = int(args.request_timeout * 1000)
    sock.connect(args.endpoint)
    frames, check, stamp = make_frames(args, body)
    share = share_of(args, idx)
    stopped = False
    try:
        if args.warmup > 0:
            wdeadline = time.monotonic() + args.time_limit
            if args.mode == "req":
                r = run_req(sock, frames, args.warmup, wdeadline, False, check, stamp)
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
            lat, ok, errors, unanswered, codes = run_req(sock, frames, share, deadline, True, check, stamp)
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


def run_processes(args, jobs):
    """Runs each (function, args) in a process of its own; they warm up, then start together.
    Returns the results that arrived; a process that did not finish is ended by its pid."""
    mpc = mp.get_context("fork")
    barrier = mpc.Barrier(len(jobs))
    results = mpc.Queue()
    procs = [mpc.Process(target=fn, args=(*fargs, barrier, results), daemon=True) for fn, fargs in jobs]
    for p in procs:
        p.start()
    parts = []
    hard_stop = time.monotonic() + 2 * args.time_limit + 2 * args.request_timeout + 60
    while len(parts) < len(jobs) and time.monotonic() < hard_stop:
        try:
            parts.append(results.get(timeout=1.0))
        except Exception:
            if not any(p.is_alive() for p in procs) and results.empty():
                break
    for p in procs:
        p.join(timeout=5)
        if p.is_alive():
            os.kill(p.pid, 9)
            p.join(timeout=5)
    return parts


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = max(0, math.ceil(q * len(sorted_values)) - 1)  # nearest rank
    return sorted_values[k]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-e", "--endpoint", required=True)
    ap.add_argument("--mode", choices=("req", "dealer"), default="req")
    ap.add_argument("--protocol", choices=("cbp", "pyzdb"), default="cbp",
                    help="cbp: CBP/1 frames (default); pyzdb: one JSON frame, --body, for bench/pyzdb.py (REQ only)")
    ap.add_argument("--clients", type=int, default=1, help="client sockets; >1: one process each")
    ap.add_argument("--processes", type=int, default=0,
                    help="REQ mode: spread the clients over this many processes, each polling its sockets")
    ap.add_argument("--window", type=int, default=1, help="DEALER: requests kept outstanding per client")
    ap.add_argument("--count", type=int, default=10000, help="measured requests in all")
    ap.add_argument("--warmup", type=int, default=1000, help="unmeasured requests per client first")
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds; the measured run stops then")
    ap.add_argument("--request-timeout", type=float, default=5.0, help="seconds to wait for a reply")
    ap.add_argument("--address", default="echo", help="cbp only")
    ap.add_argument("--command", choices=("REQUEST", "SEND", "PUBLISH"), default="REQUEST",
                    help="cbp only: SEND and PUBLISH measure one-way messages, each acknowledged OK by the bridge")
    ap.add_argument("--headers", default="", help='cbp only: headers JSON; "" means {}')
    ap.add_argument("--body", default=None, help="JSON body sent with every request")
    ap.add_argument("--size", type=int, default=100, help="else: body is a JSON string of this many bytes")
    ap.add_argument("--label", default="", help="copied into the output")
    args = ap.parse_args(argv)
    if args.clients < 1 or args.count < args.clients or args.window < 1:
        ap.error("need clients >= 1, count >= clients, window >= 1")
    if args.mode == "req":
        args.window = 1
    if args.processes < 0 or args.processes > args.clients or (args.processes and args.mode != "req"):
        ap.error("--processes must be between 1 and --clients, in --mode req")
    if args.protocol == "pyzdb":
        if args.mode != "req":
            ap.error("--protocol pyzdb needs --mode req: its replies carry no id to match in a DEALER window")
        try:
            request = json.loads(args.body) if args.body is not None else None
        except ValueError:
            request = None
        if not isinstance(request, dict) or "mode" not in request:
            # pyzdb's server reads message["mode"] after replying, outside its try: it would die
            ap.error("--protocol pyzdb needs --body, a JSON object with \"mode\", e.g. "
                     '\'{"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}\'')
    body = build_body(args)

    if args.processes:
        groups = [list(range(args.clients))[g::args.processes] for g in range(args.processes)]
        if args.processes == 1:
            parts = [client_group(0, groups[0], args, body, None, None)]
        else:
            parts = run_processes(args, [(client_group, (g, groups[g], args, body)) for g in range(args.processes)])
    elif args.clients == 1:
        parts = [client(0, args, body, None, None)]
    else:
        parts = run_processes(args, [(client, (i, args, body)) for i in range(args.clients)])
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

    out = dict(
        label=args.label, endpoint=args.endpoint, mode=args.mode, clients=args.clients, window=args.window,
        address=args.address if args.protocol == "cbp" else None, body_bytes=len(body), count=args.count,
        warmup_per_client=args.warmup,
        ok=ok, errors=errors, error_codes=codes, unanswered=unanswered,
        processes=args.processes or args.clients, clients_reported=len(parts), elapsed_s=round(elapsed, 3),
        req_s=round(ok / elapsed, 1) if elapsed > 0 else 0.0,
        p50_us=us(percentile(lat, 0.50)), p99_us=us(percentile(lat, 0.99)), p999_us=us(percentile(lat, 0.999)),
        max_us=us(lat[-1] if lat else None))
    if args.protocol != "cbp":
        out["protocol"] = args.protocol
    print(json.dumps(out), flush=True)
    return 0 if len(parts) == (args.processes or args.clients) else 1


if __name__ == "__main__":
    sys.exit(main())
