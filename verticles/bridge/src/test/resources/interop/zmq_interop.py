#!/usr/bin/env python3
"""pyzmq (libzmq) peers of the Conduit bridge, for the interoperability tests (InteropPyzmqTest).

    zmq_interop.py CASE ENDPOINT EVENTS [--curve=SERVER_PUBLIC,CLIENT_PUBLIC,CLIENT_SECRET] [-n N] [ARGS...]

Each CASE drives one ZeroMQ socket type through the bridge protocol (CBP/1) or Majordomo (MDP/0.1),
checks every reply, prints "ok CASE ..." and exits 0; a wrong or missing reply prints "FAIL ..."
and exits 1. Every receive has a timeout (RCVTIMEO) and the whole run an alarm, so the script never
outlives its test. Only pyzmq and the standard library.
"""

import argparse
import json
import os
import signal
import sys
import time

import zmq
from zmq.utils.monitor import recv_monitor_message

CBP = b"CBP1"
MDP_CLIENT = b"MDPC01"
MDP_WORKER = b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"
RECV_MS = 10000
ALARM_S = 50


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)


def open_socket(context, kind, endpoint, curve, rcvtimeo=RECV_MS, **options):
    s = context.socket(kind)
    s.linger = 0
    for name, value in options.items():
        setattr(s, name, value)
    s.rcvtimeo = rcvtimeo
    s.sndtimeo = RECV_MS
    if curve:
        server_public, public, secret = curve
        s.curve_serverkey = server_public.encode("ascii")
        s.curve_publickey = public.encode("ascii")
        s.curve_secretkey = secret.encode("ascii")
    s.connect(endpoint)
    return s


def recv(socket, what):
    try:
        return socket.recv_multipart()
    except zmq.Again:
        raise Failed("no %s within %d ms" % (what, socket.rcvtimeo))


def request_frames(command, rid, address, body, headers=b""):
    return [CBP, command, rid, address.encode("utf-8"), headers, body]


def check_ok(frames, rid, body=None):
    check(len(frames) == 5 and frames[0] == CBP, "not a CBP/1 reply: %r" % frames)
    check(frames[1] == b"OK", "not OK: %r" % frames)
    check(frames[2] == rid, "reply id %r for request %r" % (frames[2], rid))
    if body is not None:
        check(json.loads(frames[4]) == body, "reply body %r, expected %r" % (frames[4], body))
    return frames[4]


def case_req(a, context):
    """REQ: sequential requests, each answered behind the delimiter REQ strips."""
    s = open_socket(context, zmq.REQ, a.endpoint, a.curve)
    for i in range(a.n):
        body = {"n": i, "from": "pyzmq REQ"}
        s.send_multipart(request_frames(b"REQUEST", b"r%d" % i, "echo", json.dumps(body).encode()))
        check_ok(recv(s, "reply %d" % i), b"r%d" % i, body)
    s.send_multipart(request_frames(b"PING", b"p", "", b""))
    ping = json.loads(check_ok(recv(s, "PING reply"), b"p"))
    check("node" in ping and "version" in ping, "PING body %r" % ping)
    return "req %d" % a.n


def case_dealer(a, context):
    """DEALER: every request sent before any reply is read; every id answered once, body intact."""
    # the whole burst is queued, neither dropped nor blocked; the bridge routes by the announced identity
    s = open_socket(context, zmq.DEALER, a.endpoint, a.curve, sndhwm=0, rcvhwm=0, identity=b"pyzmq-dealer")
    for i in range(a.n):
        s.send_multipart([b""] + request_frames(b"REQUEST", i.to_bytes(4, "big"), "echo", b"%d" % i))
    seen = set()
    for _ in range(a.n):
        frames = recv(s, "reply %d of %d" % (len(seen) + 1, a.n))
        check(frames[0] == b"", "no delimiter in front of %r" % frames[:3])
        rid = frames[3]
        n = int.from_bytes(rid, "big")
        check_ok(frames[1:], rid, n)
        check(n not in seen, "id %d answered twice" % n)
        seen.add(n)
    check(seen == set(range(a.n)), "%d ids never answered" % (a.n - len(seen)))
    big = "x" * (1 << 20)  # frames over 255 bytes travel with 8-byte sizes (and, under CURVE, in one large box)
    s.send_multipart([b""] + request_frames(b"REQUEST", b"big", "echo", json.dumps(big).encode()))
    check_ok(recv(s, "reply to a 1 MiB request")[1:], b"big", big)
    return "dealer %d" % a.n


def case_heartbeat(a, context):
    """libzmq's own ZMTP heartbeats (PING every 50 ms, 200 ms to answer): the bridge's PONGs keep the link."""
    s = open_socket(context, zmq.DEALER, a.endpoint, a.curve, heartbeat_ivl=50, heartbeat_timeout=200)
    monitor = s.get_monitor_socket(zmq.EVENT_DISCONNECTED | zmq.EVENT_HANDSHAKE_SUCCEEDED)
    for i in range(2):
        s.send_multipart([b""] + request_frames(b"PING", b"h%d" % i, "", b""))
        check_ok(recv(s, "PING reply %d" % i)[1:], b"h%d" % i)
        if i == 0:
            time.sleep(1.0)  # 20 heartbeat intervals with nothing else on the wire
    events = []
    while monitor.poll(0):
        events.append(recv_monitor_message(monitor)["event"])
    check(zmq.EVENT_DISCONNECTED not in events, "the connection dropped while heartbeating: %r" % events)
    return "heartbeat"


def publisher(a, context):
    s = open_socket(context, zmq.DEALER, a.endpoint, a.curve)

    def publish(address, body):
        s.send_multipart([b""] + request_frames(b"PUBLISH", b"pub", address, json.dumps(body).encode()))
        check_ok(recv(s, "PUBLISH acknowledgement")[1:], b"pub")

    def request(address):
        s.send_multipart([b""] + request_frames(b"REQUEST", b"probe", address, b"null"))
        frames = recv(s, "reply to a probe")[1:]
        return json.loads(frames[4]).get("code") if frames[1] == b"ERROR" else "OK"

    return publish, request


def case_sub(a, context):
    """SUB: subscribe to an address, receive what is published to it, unsubscribe, receive no more."""
    address = a.args[0]
    publish, request = publisher(a, context)
    sub = open_socket(context, zmq.SUB, a.events, a.curve, rcvtimeo=100)
    sub.subscribe(address.encode("utf-8"))
    deadline = time.monotonic() + 10
    while True:  # a subscription reaches the bridge asynchronously: publish until the first arrives
        publish(address, {"seq": -1})
        try:
            first = sub.recv_multipart()
            break
        except zmq.Again:
            check(time.monotonic() < deadline, "no event within 10 s of subscribing")
    check(len(first) == 3 and first[0] == address.encode(), "event frames %r" % first)
    check(json.loads(first[1]).get("content-type") == "application/json", "event headers %r" % first[1])
    for seq in range(5):
        publish(address, {"seq": seq})
    sub.rcvtimeo = RECV_MS
    got = []
    while len(got) < 5:
        frames = recv(sub, "event %d" % len(got))
        value = json.loads(frames[2])
        if value["seq"] >= 0:
            got.append(value["seq"])
    check(got == list(range(5)), "events out of order or lost: %r" % got)
    sub.unsubscribe(address.encode("utf-8"))
    # The bridge's consumer for the address goes with the last subscription: a request to it then
    # finds no handler (while it is there, the consumer fails requests at once).
    deadline = time.monotonic() + 10
    while request(address) != "NO_HANDLERS":
        check(time.monotonic() < deadline, "the subscription's consumer is still there 10 s after unsubscribing")
        time.sleep(0.02)
    publish(address, {"seq": 99})
    sub.rcvtimeo = 500
    try:
        frames = sub.recv_multipart()
        raise Failed("an event after unsubscribing: %r" % frames)
    except zmq.Again:
        pass
    return "sub %s" % address


def mdp_call(s, dealer, service, body):
    s.send_multipart(([b""] if dealer else []) + [MDP_CLIENT, service.encode("utf-8"), body])
    frames = recv(s, "Majordomo reply from %s" % service)
    if dealer:
        check(frames[0] == b"", "no delimiter in front of %r" % frames)
        frames = frames[1:]
    check(len(frames) == 3 and frames[0] == MDP_CLIENT and frames[1] == service.encode("utf-8"),
          "not a Majordomo reply: %r" % frames)
    return frames[2]


def case_mdp(a, context, dealer):
    """A Majordomo client (MDPC01) on REQ, or on DEALER with the REQ envelope made by hand."""
    s = open_socket(context, zmq.DEALER if dealer else zmq.REQ, a.endpoint, a.curve)
    service = a.args[0] if a.args else "echo"
    check(mdp_call(s, dealer, "mmi.service", service.encode()) == b"200", "mmi.service does not know " + service)
    check(mdp_call(s, dealer, "mmi.service", b"no.such.service") == b"404", "mmi.service knows no.such.service")
    for i in range(a.n):
        body = {"n": i, "via": "MDP"}
        reply = json.loads(mdp_call(s, dealer, service, json.dumps(body).encode()))
        check(reply == body, "Majordomo reply %r for %r" % (reply, body))
    error = json.loads(mdp_call(s, dealer, "no.such.service", b"{}"))
    check(error.get("error", {}).get("code") == "NO_HANDLERS", "error reply %r" % error)
    return "mdp-%s %d" % ("dealer" if dealer else "req", a.n)


def case_call(a, context):
    """DEALER calling a service that an external worker serves: upper-cased replies, all ids back."""
    service = a.args[0]
    s = open_socket(context, zmq.DEALER, a.endpoint, a.curve)
    for i in range(a.n):
        s.send_multipart([b""] + request_frames(b"REQUEST", b"c%d" % i, service, json.dumps("call %d" % i).encode()))
    answered = {}
    for _ in range(a.n):
        frames = recv(s, "reply from %s" % service)[1:]
        answered[frames[2]] = check_ok(frames, frames[2])
    for i in range(a.n):
        check(json.loads(answered.get(b"c%d" % i, b"null")) == "CALL %d" % i, "reply %d: %r" % (i, answered.get(b"c%d" % i)))
    return "call %s %d" % (service, a.n)


def case_worker(a, context):
    """A Majordomo worker (MDPW01) serving a service until killed (or its lifetime ends)."""
    service, heartbeat_ms, lifetime_s = a.args[0], int(a.args[1]), float(a.args[2])
    s = open_socket(context, zmq.DEALER, a.endpoint, a.curve)
    s.send_multipart([b"", MDP_WORKER, READY, service.encode("utf-8")])
    interval = heartbeat_ms / 1000.0
    end = time.monotonic() + lifetime_s
    sent = heard = time.monotonic()
    served = 0
    ready = False
    while time.monotonic() < end:
        if s.poll(max(1, int((sent + interval - time.monotonic()) * 1000))):
            frames = s.recv_multipart()
            heard = time.monotonic()
            check(len(frames) >= 3 and frames[0] == b"" and frames[1] == MDP_WORKER, "not a worker message: %r" % frames)
            command = frames[2]
            if command == DISCONNECT:
                raise Failed("the bridge sent DISCONNECT")
            if not ready:
                ready = True
                print("ready %s" % service, flush=True)
            if command == REQUEST:
                check(len(frames) == 6 and frames[4] == b"", "not a REQUEST: %r" % frames)
                value = json.loads(frames[5])
                reply = json.dumps(value.upper() if isinstance(value, str) else value).encode("utf-8")
                s.send_multipart([b"", MDP_WORKER, REPLY, frames[3], b"", reply])
                served += 1
        check(time.monotonic() - heard < 3 * interval + 1, "the bridge went silent")
        if time.monotonic() - sent >= interval:
            s.send_multipart([b"", MDP_WORKER, HEARTBEAT])
            sent = time.monotonic()
    s.send_multipart([b"", MDP_WORKER, DISCONNECT])
    return "worker %s served %d" % (service, served)


EVENT_NAMES = {getattr(zmq, n): n[len("EVENT_"):] for n in dir(zmq) if n.startswith("EVENT_")
               and n not in ("EVENT_ALL", "EVENT_ALL_V1", "EVENT_ALL_V2")}


def case_refused(a, context):
    """A client the bridge must refuse: its monitor tells what libzmq made of it, and nothing arrives."""
    dealer = a.args[0] == "dealer"
    s = open_socket(context, zmq.DEALER if dealer else zmq.SUB, a.endpoint if dealer else a.events, a.curve,
                    rcvtimeo=200)
    monitor = s.get_monitor_socket()
    if dealer:
        s.send_multipart([b""] + request_frames(b"PING", b"p", "", b""))
    else:
        s.subscribe(b"")
    events = []
    deadline = time.monotonic() + 5
    while not any(e.startswith("HANDSHAKE_") for e in events):
        check(time.monotonic() < deadline, "no handshake outcome within 5 s: %r" % events)
        if monitor.poll(100):
            m = recv_monitor_message(monitor)
            name = EVENT_NAMES.get(m["event"], hex(m["event"]))
            events.append(name + ("(%d)" % m["value"] if name.startswith("HANDSHAKE_FAILED") else ""))
    check("HANDSHAKE_SUCCEEDED" not in events, "the handshake succeeded: %r" % events)
    try:
        frames = s.recv_multipart()
        raise Failed("a refused client got %r" % frames)
    except zmq.Again:
        pass
    s.disable_monitor()
    return "refused %s events %s" % (a.args[0], " ".join(sorted(set(events))))


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("case")
    parser.add_argument("endpoint")
    parser.add_argument("events")
    # Z85 keys may start with "-": they travel as one "--curve=A,B,C" argument (Z85 has no comma)
    parser.add_argument("--curve", type=lambda v: v.split(","), metavar="SERVER_PUBLIC,CLIENT_PUBLIC,CLIENT_SECRET")
    parser.add_argument("-n", type=int, default=1)
    parser.add_argument("args", nargs="*")
    a = parser.parse_intermixed_args(argv[1:])

    def too_long(*_):
        print("FAIL %s: still running after %d s" % (a.case, ALARM_S), flush=True)
        os._exit(3)

    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(ALARM_S)
    cases = {
        "req": case_req,
        "dealer": case_dealer,
        "heartbeat": case_heartbeat,
        "sub": case_sub,
        "mdp-req": lambda a, c: case_mdp(a, c, False),
        "mdp-dealer": lambda a, c: case_mdp(a, c, True),
        "call": case_call,
        "worker": case_worker,
        "refused": case_refused,
    }
    context = zmq.Context()
    try:
        print("ok " + cases[a.case](a, context), flush=True)
        return 0
    except Failed as e:
        print("FAIL %s: %s" % (a.case, e), flush=True)
        return 1
    finally:
        context.destroy(linger=0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
