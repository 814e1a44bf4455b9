"""What the client does with what a bridge should never send, and with keys and timeouts at the
edge: a fake ROUTER in this process plays the bridge, so these need no node."""

import json
import threading
import time

import pytest
import zmq

import conduit
from conduit import ConduitError
from conduit import _wire
from conduit.worker import error_body

from conftest import free_port


class FakeBridge:
    """A ROUTER on a free port answering PING, and every REQUEST by ``answer(frames) -> [replies]``."""

    def __init__(self, answer, port=None):
        self.port = port or free_port()
        self.endpoint = "tcp://127.0.0.1:%d" % self.port
        self.answer = answer
        self.context = zmq.Context()
        self.router = self.context.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        self.router.bind(self.endpoint)
        self.requests = []
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping:
            if not self.router.poll(50):
                continue
            frames = self.router.recv_multipart()
            identity, rest = frames[0], frames[2:]  # after the DEALER's empty delimiter
            command, request_id = rest[1], rest[2]
            if command == b"PING":
                replies = [[b"CBP1", b"OK", request_id, b"", b"{}"]]
            else:
                self.requests.append(rest)
                replies = self.answer(rest)
            for reply in replies:
                self.router.send_multipart([identity, b""] + reply)

    def close(self):
        self.stopping = True
        self.thread.join(5)
        self.router.close(linger=0)
        self.context.term()


@pytest.fixture
def bridge_with():
    made = []

    def make(answer, port=None):
        b = FakeBridge(answer, port)
        made.append(b)
        return b

    yield make
    for b in made:
        b.close()


def test_an_unreadable_reply_for_another_id_harms_no_call(bridge_with):
    def answer(request):
        request_id = request[2]
        return [[b"CBP1", b"OK", b"999"],  # three frames: not a reply at all
                [b"CBP1", b"OK", b"998", b"{bad", b"1"],  # headers that are not JSON, for nobody
                [b"CBP1", b"OK", request_id, b"", b'"fine"']]
    bridge = bridge_with(answer)
    with conduit.connect(bridge.endpoint, timeout=5) as client:
        assert client.request("x", 1) == "fine"
        results = list(client.map("x", range(5)))
        assert [r.value for r in results] == ["fine"] * 5


def test_a_reply_whose_headers_cannot_be_read_fails_its_own_call_as_bad_reply(bridge_with):
    bridge = bridge_with(lambda request: [[b"CBP1", b"OK", request[2], b"[1,2]", b"1"]])
    with conduit.connect(bridge.endpoint, timeout=5) as client:
        with pytest.raises(ConduitError) as e:
            client.request("x", 1)
        assert e.value.code == "BAD_REPLY"


def test_an_error_without_a_usable_code_or_message_is_still_a_coded_error(bridge_with):
    body = json.dumps({"code": None, "message": None, "failureCode": True}).encode()
    bridge = bridge_with(lambda request: [[b"CBP1", b"ERROR", request[2], b"", body]])
    with conduit.connect(bridge.endpoint, timeout=5) as client:
        with pytest.raises(ConduitError) as e:
            client.request("x", 1)
        assert e.value.code == "RECIPIENT_FAILURE"
        assert e.value.message == ""
        assert e.value.status is None  # a boolean is no status
        assert e.value.details["code"] is None


def test_a_request_that_timed_out_is_not_carried_out_by_a_bridge_that_comes_later(bridge_with):
    first = bridge_with(lambda request: [])  # answers PING, then never a request
    with conduit.connect(first.endpoint, timeout=0.3) as client:
        first.close()
        with pytest.raises(ConduitError) as e:
            client.send("inbox", {"n": 1})
        assert e.value.code == "TIMEOUT"
        later = bridge_with(lambda request: [[b"CBP1", b"OK", request[2], b"", b""]], port=first.port)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and not later.requests:
            time.sleep(0.05)
        assert later.requests == [], "the bridge that came later got the request the caller was told timed out"


def test_a_request_timing_out_inside_a_map_leaves_the_map_its_socket(bridge_with):
    held = []

    def answer(request):
        body = request[-1]
        if body == b'"b"':
            held.append(request[2])  # answered only when the slow request comes
            return []
        if body == b'"slow"':
            return [[b"CBP1", b"OK", i, b"", b'"B"'] for i in held]  # and that one never
        return [[b"CBP1", b"OK", request[2], b"", body.upper()]]

    bridge = bridge_with(answer)
    with conduit.connect(bridge.endpoint, events="", timeout=5) as client:
        results = client.map("svc", ["a", "b"], window=2, ordered=True)
        first = next(results)
        assert first.value == "A"
        with pytest.raises(ConduitError) as e:
            client.request("svc", "slow", timeout=0.3)
        assert e.value.code == "TIMEOUT"
        started = time.monotonic()
        rest = list(results)
        assert [(r.value, r.error) for r in rest] == [("B", None)], rest
        # the reply the timed-out call read for the map is used at once, not after the item's 6 s deadline
        assert time.monotonic() - started < 3
        assert client.request("svc", "c") == "C"


def test_keys_that_are_not_z85_are_refused_at_once():
    started = time.monotonic()
    for key in ("~" * 40, "#" * 40):  # outside the alphabet; inside it, but each group over 32 bits
        with pytest.raises(ValueError) as e:
            conduit.connect("tcp://127.0.0.1:1", server_key=key)
        assert "server_key is not a Z85 key" in str(e.value)
    assert time.monotonic() - started < 5


def test_a_key_files_path_of_forty_characters_is_read_as_a_path(tmp_path, monkeypatch):
    public, _ = zmq.curve_keypair()
    monkeypatch.chdir(tmp_path)
    name = "k" * 36 + ".pub"  # forty characters, every one of them in Z85's alphabet
    (tmp_path / name).write_text(public.decode("ascii") + "\n")
    assert _wire.read_key(name, "server_key") == public


def test_a_worker_error_quoting_text_utf8_cannot_encode_is_still_a_reply():
    body = error_body("BAD_REQUEST", "no op '\ud800'", op="\ud800")
    assert json.loads(body.decode("ascii"))["error"]["op"] == "\ud800"


def test_waits_of_zero_or_less_and_bad_probe_counts_are_refused_before_anything_waits(bridge_with):
    bridge = bridge_with(lambda request: [])
    with conduit.connect(bridge.endpoint, timeout=5) as client:
        for bad in (0, -1):
            with pytest.raises(ValueError):
                client.subscribe("news", timeout=bad)
        with pytest.raises(TypeError):
            client.subscribe("news", timeout="soon")
    with pytest.raises(ValueError):
        conduit.Client(bridge.endpoint, probe_attempts=0)
