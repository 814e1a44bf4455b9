#!/usr/bin/python3
"""A plain libzmq ROUTER echo (pyzmq): every message goes back unchanged, routing id and all.

    /usr/bin/python3 bench/zmq_echo.py tcp://127.0.0.1:PORT [--max-seconds 3600]

Runs in its own process (one thread); prints "READY endpoint" once bound and exits after
--max-seconds or on SIGTERM/SIGINT. The libzmq reference for bench/run.py.
"""
import argparse
import signal
import sys
import time

import zmq


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("endpoint")
    ap.add_argument("--max-seconds", type=float, default=3600.0)
    args = ap.parse_args()
    deadline = time.monotonic() + args.max_seconds
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    ctx = zmq.Context(1)
    router = ctx.socket(zmq.ROUTER)
    router.linger = 0
    router.sndhwm = 1_000_000
    router.rcvhwm = 1_000_000
    router.bind(args.endpoint)
    print("READY", args.endpoint, flush=True)
    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    try:
        while not stop and time.monotonic() < deadline:
            if not poller.poll(100):  # wake every 100 ms without traffic to see the deadline
                continue
            # drain everything readable before polling again
            while True:
                try:
                    msg = router.recv_multipart(zmq.NOBLOCK, copy=True)
                except zmq.Again:
                    break
                router.send_multipart(msg)
    except KeyboardInterrupt:
        pass
    finally:
        router.close(0)
        ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
