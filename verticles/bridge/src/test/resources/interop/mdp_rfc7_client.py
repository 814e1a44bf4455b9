#!/usr/bin/env python3
"""A stock Majordomo client, written from ZeroMQ RFC 7 (MDP/0.1) alone: nothing in it knows Conduit.

    mdp_rfc7_client.py ENDPOINT SERVICE BODY [BODY...]

Sends each BODY as one request to SERVICE through a broker at ENDPOINT and prints each reply's
body frames, one line per reply. RFC 7, "MDP/Client": the client uses a REQ socket; a request is
frame 0 "MDPC01", frame 1 the service name, frames 2+ the request body; a reply is frame 0
"MDPC01", frame 1 the service name, frames 2+ the reply body. As the RFC's reference client does,
a request not answered within the timeout is retried on a fresh socket, a bounded number of times.
"""

import sys

import zmq

MDPC01 = b"MDPC01"
TIMEOUT_MS = 2500
RETRIES = 3


class MajordomoClient:

    def __init__(self, broker):
        self.broker = broker
        self.context = zmq.Context()
        self.socket = None
        self.connect()

    def connect(self):
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = self.context.socket(zmq.REQ)
        self.socket.linger = 0
        self.socket.rcvtimeo = TIMEOUT_MS
        self.socket.connect(self.broker)

    def send(self, service, *body):
        """The reply's body frames, or None when the broker never answered."""
        request = [MDPC01, service] + list(body)
        for _ in range(RETRIES):
            self.socket.send_multipart(request)
            try:
                reply = self.socket.recv_multipart()
            except zmq.Again:
                self.connect()  # a REQ socket cannot send again before it receives: start afresh
                continue
            if len(reply) < 3 or reply[0] != MDPC01 or reply[1] != service:
                raise ValueError("not a Majordomo reply to %r: %r" % (service, reply))
            return reply[2:]
        return None

    def close(self):
        self.socket.close(linger=0)
        self.context.term()


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    client = MajordomoClient(argv[1])
    try:
        for body in argv[3:]:
            reply = client.send(argv[2].encode("utf-8"), body.encode("utf-8"))
            if reply is None:
                print("no reply from %s after %d tries" % (argv[2], RETRIES), flush=True)
                return 1
            print(" | ".join(f.decode("utf-8", "replace") for f in reply), flush=True)
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
