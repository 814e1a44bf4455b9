"""The benchmark tools behind docs/benchmarks.md: the load generators count what comes back as
their docs say (answers, CBP/1 errors by code, pyzdb tracebacks, silence), the C and the Python
generator print the same result, and the summaries compute what their tables claim."""
import io
import json
import os
import subprocess
import sys
import threading
import time
from contextlib import redirect_stdout

import pytest
import zmq

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, BENCH)

import run  # noqa: E402  (bench/run.py)
import summarize  # noqa: E402  (bench/summarize.py)

PY = "/usr/bin/python3"
TRACEBACK = b'"Traceback (most recent call last):\\n  File ..."'


class Server:
    """A ROUTER on a free loopback port answering every request with reply(frames) (the frames
    after the REQ envelope), on a thread of its own until stop()."""

    def __init__(self, reply):
        self.ctx = zmq.Context(1)
        self.sock = self.ctx.socket(zmq.ROUTER)
        self.sock.linger = 0
        self.port = self.sock.bind_to_random_port("tcp://127.0.0.1", 30000, 32700)
        self.endpoint = f"tcp://127.0.0.1:{self.port}"
        self.reply = reply
        self.requests = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.running:
            if not self.sock.poll(50):
                continue
            msg = self.sock.recv_multipart()
            delimiter = msg.index(b"")  # routing id, empty delimiter (REQ), then the request's frames
            self.requests += 1
            self.sock.send_multipart(msg[:delimiter + 1] + self.reply(msg[delimiter + 1:]))

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close(0)
        self.ctx.term()


@pytest.fixture
def server():
    made = []

    def start(reply):
        s = Server(reply)
        made.append(s)
        return s
    yield start
    for s in made:
        s.stop()


def echo(frames):
    return frames


def cbp_error(frames):
    # CBP1, ERROR, the request's id, headers, body naming the code
    return [b"CBP1", b"ERROR", frames[2], b"{}", b'{"code":"NOT_FOUND","message":"no such key"}']


@pytest.fixture(scope="module")
def c_load(tmp_path_factory):
    """bench/zmq_load.c compiled as run.py compiles it."""
    return run.compile_c_load(str(tmp_path_factory.mktemp("zmq_load_c")))


@pytest.fixture(params=["libzmq", "zmtp"])
def c_gen(request, c_load):
    """The C generator's command: its REQ clients on libzmq, or speaking ZMTP themselves (--wire zmtp)."""
    return [c_load] if request.param == "libzmq" else [c_load, "--wire", "zmtp"]


def load(cmd, timeout=60):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    assert r.stdout.strip(), f"no output from {cmd}: exit {r.returncode}, {r.stderr}"
    return r.returncode, json.loads(r.stdout.strip().splitlines()[-1])


def python_load(*args):
    return [PY, os.path.join(BENCH, "zmq_load.py"), "--mode", "req", *args]


def test_the_c_generator_counts_every_answer_and_reports_what_zmq_load_py_does(server, c_gen):
    s = server(echo)
    rc, c = load([*c_gen, "-e", s.endpoint, "--clients", "4", "--threads", "2", "--count", "2000", "--warmup", "10"])
    assert rc == 0
    assert (c["ok"], c["errors"], c["unanswered"], c["error_codes"]) == (2000, 0, 0, {})
    generator = "c" if len(c_gen) == 1 else "c-zmtp"
    assert (c["clients"], c["clients_reported"], c["generator"], c["mode"]) == (4, 4, generator, "req")
    assert s.requests == 2000 + 4 * 10  # every client's warm-up, then the counted requests
    assert 0 < c["p50_us"] <= c["p99_us"] <= c["p999_us"] <= c["max_us"]
    assert c["req_s"] == pytest.approx(2000 / c["elapsed_s"], rel=0.01)
    rc, py = load(python_load("-e", s.endpoint, "--clients", "4", "--processes", "1", "--count", "400",
                              "--warmup", "10"))
    assert rc == 0
    assert set(py) <= set(c), "the C generator prints every field zmq_load.py does"
    assert (py["ok"], py["errors"], py["body_bytes"]) == (400, 0, c["body_bytes"])


def test_the_c_generator_sends_cbp_pings_with_no_address_or_body_when_asked(server, c_gen):
    seen = []

    def pong(frames):  # the bridge's answer to a PING: OK, the id, headers, a body
        seen.append(frames)
        return [b"CBP1", b"OK", frames[2], b"{}", b'{"node":"n"}']
    s = server(pong)
    rc, c = load([*c_gen, "-e", s.endpoint, "--command", "PING", "--clients", "2", "--count", "200", "--warmup", "5"])
    assert (rc, c["ok"], c["errors"], c["address"], c["body_bytes"]) == (0, 200, 0, "", 0)
    assert {(len(f), f[0], f[1], f[3], f[4], f[5]) for f in seen} == {(6, b"CBP1", b"PING", b"", b"", b"")}
    assert len(seen) == 200 + 2 * 5
    assert c["command"] == "PING"


def test_cbp_errors_are_counted_by_their_code_and_the_warm_up_is_not(server, c_gen):
    s = server(cbp_error)
    # three threads: each counts its own codes, and the result merges them by name
    rc, c = load([*c_gen, "-e", s.endpoint, "--clients", "3", "--threads", "3", "--count", "300", "--warmup", "5"])
    assert rc == 0
    assert (c["ok"], c["errors"], c["error_codes"]) == (0, 300, {"NOT_FOUND": 300})
    rc, py = load(python_load("-e", s.endpoint, "--clients", "3", "--processes", "1", "--count", "300",
                              "--warmup", "5"))
    assert (py["ok"], py["errors"], py["error_codes"]) == (0, 300, {"NOT_FOUND": 300})


def test_a_reply_to_another_request_id_is_a_bad_reply(server, c_gen):
    s = server(lambda frames: [b"CBP1", b"OK", b"\xff\xff\xff\xff", b"{}", b"1"])
    rc, c = load([*c_gen, "-e", s.endpoint, "--count", "50", "--warmup", "0"])
    assert (c["ok"], c["errors"], c["error_codes"]) == (0, 50, {"BAD_REPLY": 50})


def test_pyzdb_requests_are_one_frame_and_a_traceback_is_an_error(server, c_gen):
    seen = []

    def pyzdb(frames):
        seen.append(frames)
        return [TRACEBACK if len(seen) % 2 == 0 else b'"0123456789"']
    s = server(pyzdb)
    body = '{"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}'
    rc, c = load([*c_gen, "-e", s.endpoint, "--clients", "2", "--count", "100", "--warmup", "0",
                  "--protocol", "pyzdb", "--body", body])
    assert rc == 0
    assert all(f == [body.encode()] for f in seen)
    assert (c["ok"], c["errors"], c["error_codes"], c["address"], c["protocol"]) == (50, 50, {"PYZDB_ERROR": 50},
                                                                                    None, "pyzdb")


def test_silence_stops_the_run_and_says_so(c_gen):
    with zmq.Context(1) as ctx, ctx.socket(zmq.ROUTER) as mute:  # takes requests, answers none
        mute.linger = 0
        port = mute.bind_to_random_port("tcp://127.0.0.1", 30000, 32700)
        t0 = time.monotonic()
        rc, c = load([*c_gen, "-e", f"tcp://127.0.0.1:{port}", "--clients", "2", "--count", "10", "--warmup", "1",
                      "--request-timeout", "0.3"])
        assert time.monotonic() - t0 < 10
        assert (c["ok"], c["error_codes"]) == (0, {"WARMUP_UNANSWERED": 1})
        rc, c = load([*c_gen, "-e", f"tcp://127.0.0.1:{port}", "--clients", "2", "--count", "10", "--warmup", "0",
                      "--request-timeout", "0.3"])
        assert (c["ok"], c["unanswered"]) == (0, 2)


def test_a_zmtp_client_whose_connection_closes_counts_its_request_unanswered(c_load):
    import socket
    greeting = b"\xff" + bytes(8) + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + bytes(32)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def greet_then_close():
            conn, _ = listener.accept()
            with conn:
                conn.sendall(greeting)
                seen = b""
                while b"CBP1" not in seen:  # its greeting, READY and its first request; then gone
                    more = conn.recv(4096)
                    if not more:
                        break
                    seen += more

        t = threading.Thread(target=greet_then_close, daemon=True)
        t.start()
        rc, c = load([c_load, "--wire", "zmtp", "-e", f"tcp://127.0.0.1:{listener.getsockname()[1]}",
                      "--count", "5", "--warmup", "0", "--request-timeout", "5"])
        t.join(timeout=5)
    assert rc == 1
    assert (c["ok"], c["unanswered"], c["error_codes"]) == (0, 1, {"CLOSED": 1})


@pytest.fixture
def bare_echo(tmp_path):
    """bench/zmtp_echo.c compiled as run.py compiles it, running on a free loopback port."""
    binary = run.compile_c_echo(str(tmp_path))
    endpoint = f"tcp://127.0.0.1:{run.free_port()}"
    p = subprocess.Popen([binary, endpoint, "--max-seconds", "120"], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == f"READY {endpoint}"
        yield endpoint
    finally:
        _stop(p)


def test_the_bare_zmtp_echo_answers_libzmq_and_zmtp_clients_one_at_a_time_and_pipelined(bare_echo, c_gen):
    rc, c = load([*c_gen, "-e", bare_echo, "--clients", "4", "--threads", "2", "--count", "2000", "--warmup", "10"])
    assert rc == 0
    assert (c["ok"], c["errors"], c["unanswered"]) == (2000, 0, 0)
    rc, py = load(python_load("-e", bare_echo, "--clients", "1", "--count", "300", "--warmup", "10"))
    assert (rc, py["ok"], py["errors"]) == (0, 300, 0)
    rc, py = load([PY, os.path.join(BENCH, "zmq_load.py"), "--mode", "dealer", "--window", "200", "-e", bare_echo,
                   "--clients", "2", "--count", "20000", "--warmup", "10", "--size", "3000"])
    assert (rc, py["ok"], py["errors"], py["unanswered"]) == (0, 20000, 0, 0)


@pytest.mark.parametrize("first", [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".ljust(64, b" "),  # not a ZMTP greeting
    b"\xff" + bytes(8) + b"\x7f\x03\x00" + b"PLAIN".ljust(20, b"\x00") + bytes(32),  # a mechanism it does not speak
    # a NULL greeting, then a command declaring 2^40 bytes: closed before anything is read into memory
    b"\xff" + bytes(8) + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + bytes(32) + b"\x06" + (1 << 40).to_bytes(8, "big"),
    # a NULL greeting, then a message frame where its READY must be
    b"\xff" + bytes(8) + b"\x7f\x03\x00" + b"NULL".ljust(20, b"\x00") + bytes(32) + b"\x00\x02hi",
])
def test_the_bare_zmtp_echo_closes_a_peer_that_does_not_speak_zmtp_null_and_serves_the_others(bare_echo, c_load,
                                                                                                first):
    import socket
    host, port = bare_echo[len("tcp://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as peer:
        peer.sendall(first)
        seen = b""
        while True:  # its greeting and READY, then the end of the stream
            more = peer.recv(4096)
            if not more:
                break
            seen += more
    assert seen.startswith(b"\xff") and b"ROUTER" in seen and len(seen) == 64 + 30
    rc, c = load([c_load, "--wire", "zmtp", "-e", bare_echo, "--clients", "2", "--count", "200", "--warmup", "0"])
    assert (rc, c["ok"]) == (0, 200)


def _connections(pid):
    """How many established TCP connections process pid holds open."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[3] == "01":  # ESTABLISHED
                    established.add(fields[9])  # the socket's inode
    held = 0
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue  # closed while we looked
        held += link.startswith("socket:[") and link[len("socket:["):-1] in established
    return held


def _gone(pid):
    """True once pid has exited (a zombie counts: it serves nothing and init reaps it)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _wait_gone(pid, why):
    deadline = time.monotonic() + 10
    while not _gone(pid):
        assert time.monotonic() < deadline, why
        time.sleep(0.05)


def _start_two(binary, endpoint):
    """zmtp_echo --processes 2 on endpoint: the process, and the pid of its second one."""
    p = subprocess.Popen([binary, endpoint, "--max-seconds", "120", "--processes", "2"], stdout=subprocess.PIPE,
                         text=True)
    try:
        assert p.stdout.readline().strip() == f"READY {endpoint}"
        with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
            (other,) = [int(x) for x in f.read().split()]
    except BaseException:
        _stop(p)  # its second process stops with it
        raise
    return p, other


def _stop(p):
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


@pytest.mark.parametrize("stop", ["terminate", "kill"])
def test_the_bare_zmtp_echo_spreads_connections_over_its_processes_and_they_end_with_the_first(tmp_path, c_load,
                                                                                              stop):
    import socket
    binary = run.compile_c_echo(str(tmp_path))
    endpoint = f"tcp://127.0.0.1:{run.free_port()}"
    p, other = _start_two(binary, endpoint)
    peers = []
    try:
        host, port = endpoint[len("tcp://"):].split(":")
        for _ in range(16):  # the kernel hashes each connection to one of the two listening sockets
            peer = socket.create_connection((host, int(port)), timeout=5)
            peer.recv(1)  # its greeting: the connection is accepted
            peers.append(peer)
        held = (_connections(p.pid), _connections(other))
        assert min(held) >= 1 and sum(held) == 16, held
        rc, c = load([c_load, "--wire", "zmtp", "-e", endpoint, "--clients", "16", "--count", "3200", "--warmup", "10"])
        assert (rc, c["ok"], c["errors"]) == (0, 3200, 0)
        if stop == "kill":
            p.kill()  # the second process goes too (it asked the kernel for a signal when its parent dies)
            p.wait(timeout=10)
    finally:
        for peer in peers:
            peer.close()
        _stop(p)
    _wait_gone(other, "the second process outlived the first")


def test_the_bare_zmtp_echo_stops_when_one_of_its_processes_ends(tmp_path):
    import signal
    binary = run.compile_c_echo(str(tmp_path))
    p, other = _start_two(binary, f"tcp://127.0.0.1:{run.free_port()}")
    try:
        os.kill(other, signal.SIGKILL)
        assert p.wait(timeout=10) == 1
    finally:
        _stop(p)


def test_the_bare_zmtp_echo_refuses_a_port_another_process_shares_out(tmp_path):
    import socket
    binary = run.compile_c_echo(str(tmp_path))
    with socket.socket() as holder:  # holds the port the way a second zmtp_echo --processes 2 would
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        endpoint = f"tcp://127.0.0.1:{holder.getsockname()[1]}"
        r = subprocess.run([binary, endpoint, "--processes", "2", "--max-seconds", "5"], capture_output=True,
                           text=True, timeout=20)
    assert r.returncode == 1
    assert "cannot listen on" in r.stderr and r.stdout == ""


@pytest.mark.parametrize("args", [[], ["tcp://localhost:5"], ["tcp://127.0.0.1:5", "--max-seconds", "0"],
                                  ["ipc:///tmp/x"], ["tcp://127.0.0.1:5", "--processes", "0"],
                                  ["tcp://127.0.0.1:5", "--processes", "17"], ["tcp://127.0.0.1:5", "--processes"],
                                  ["tcp://127.0.0.1:5", "--threads", "2"]])
def test_the_bare_zmtp_echo_refuses_wrong_arguments_with_its_usage(tmp_path, args):
    r = subprocess.run([run.compile_c_echo(str(tmp_path)), *args], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2
    assert "usage: zmtp_echo tcp://A.B.C.D:PORT" in r.stderr


@pytest.mark.parametrize("args, says", [
    (["--clients", "0", "-e", "tcp://127.0.0.1:1"], "--clients >= 1"),
    (["--clients", "2", "--threads", "3", "-e", "tcp://127.0.0.1:1"], "--threads"),
    (["--protocol", "pyzdb", "-e", "tcp://127.0.0.1:1"], "needs --body"),
    (["--protocol", "pyzdb", "--body", "{}", "-e", "tcp://127.0.0.1:1"], '"mode"'),
    (["--clients", "2"], "-e ENDPOINT is required"),
    (["--wire", "nanomsg", "-e", "tcp://127.0.0.1:1"], "--wire is libzmq or zmtp"),
    (["--wire", "zmtp", "-e", "tcp://localhost:1"], "numeric IPv4"),
    (["--wire", "zmtp", "-e", "ipc:///tmp/x"], "tcp://A.B.C.D:PORT"),
    (["--wire", "zmtp", "-e", "tcp://127.0.0.1:99999"], "tcp://A.B.C.D:PORT"),
    (["--command", "PUBLISH", "-e", "tcp://127.0.0.1:1"], "--command is REQUEST or PING"),
    (["--command", "PING", "--address", "docs", "-e", "tcp://127.0.0.1:1"], "--command PING takes no"),
    (["--command", "PING", "--body", "{}", "-e", "tcp://127.0.0.1:1"], "--command PING takes no"),
    (["--command", "PING", "--headers", '{"timeout":"5"}', "-e", "tcp://127.0.0.1:1"], "--command PING takes no"),
    (["--command", "PING", "--protocol", "pyzdb", "-e", "tcp://127.0.0.1:1"], "--command PING takes no"),
])
def test_wrong_arguments_are_refused_naming_the_problem(c_load, args, says):
    r = subprocess.run([c_load, *args], capture_output=True, text=True, timeout=10)
    assert r.returncode == 2
    assert says in r.stderr


def rows(label, series="c) document store, 16 test clients", **per_round):
    """One run per round for `label`: per_round maps a field to its value in rounds 1, 2, 3."""
    out = []
    for i in range(3):
        row = {"series": series, "round": i + 1, "label": label, "time": f"12:00:0{i}", "load1": 1.0,
               "other_cores": 0.0, "errors": 0, "p50_us": 100.0, "p99_us": 200.0}
        row.update({k: v[i] for k, v in per_round.items()})
        out.append(row)
    return out


def test_the_document_store_tables_compare_gets_and_sets_with_pyzdbs():
    refs = summarize.docs_refs({"memory get", "rocksdb-nofsync set", "conduit echo", "jeromq echo", "pyzdb get",
                                "pyzdb set"})
    assert refs["memory get"] == ("jeromq echo", "pyzdb get")
    assert refs["rocksdb-nofsync set"] == ("jeromq echo", "pyzdb set")
    assert refs["conduit echo"] == "jeromq echo" and refs["pyzdb get"] == "jeromq echo"
    assert "jeromq echo" not in refs
    assert summarize.docs_refs({"memory get", "jeromq echo"})["memory get"] == "jeromq echo"  # no pyzdb that day
    with_floor = summarize.docs_refs({"memory get", "rocksdb set", "conduit echo", "jeromq echo", "pyzdb get",
                                      "bare zmtp echo"})
    assert with_floor["memory get"] == ("jeromq echo", "pyzdb get", "bare zmtp echo")
    assert with_floor["rocksdb set"] == ("jeromq echo", "bare zmtp echo")  # no pyzdb set that day
    assert with_floor["bare zmtp echo"] == ("jeromq echo", "pyzdb get")  # the most any server shows over pyzdb


def test_cpu_per_request_is_each_rounds_cpu_over_its_requests_and_pyzdbs_over_ours():
    table = (rows("memory get", req_s=[10, 10, 10], requests=[100_000] * 3, server_cpu_s=[1.0, 1.2, 2.0],
                  generator_cpu_s=[2.0, 2.0, 3.0])
             + rows("pyzdb get", req_s=[5, 5, 5], requests=[50_000] * 3, server_cpu_s=[2.0, 1.8, 1.0],
                    generator_cpu_s=[1.0, 1.0, 1.0]))
    out = io.StringIO()
    with redirect_stdout(out):
        summarize.cpu_table(table, ["memory get", "pyzdb get"], summarize.docs_refs({"memory get", "pyzdb get"}))
    lines = {line.split(" | ")[0].strip("| "): line for line in out.getvalue().splitlines() if line.startswith("| ")}
    # 10 / 12 / 20 µs per request, median 12; pyzdb 40 / 36 / 20 µs: 4.00 / 3.00 / 1.00 times ours, median 3.00
    assert "| 10.0 / 12.0 / 20.0 | **12.0** | 20.0 | 4.00 / 3.00 / 1.00 | **3.00** |" in lines["memory get"]
    assert "| 40.0 / 36.0 / 20.0 | **36.0** | 20.0 |  |  |" in lines["pyzdb get"]
    out = io.StringIO()
    with redirect_stdout(out):  # runs from before the CPU was recorded: no table
        summarize.cpu_table(rows("memory get", req_s=[1, 1, 1]), ["memory get"], {})
    assert out.getvalue() == ""


def test_a_servers_cpu_counts_its_childrens():
    # the parent sleeps while its child spins for about 0.4 s of CPU, then both wait to be ended
    code = ("import os, time\n"
            "if os.fork() == 0:\n"
            "    t = time.process_time()\n"
            "    while time.process_time() - t < 0.4: pass\n"
            "    time.sleep(60); os._exit(0)\n"
            "time.sleep(60)\n")
    parent = subprocess.Popen([PY, "-c", code])
    try:
        deadline = time.monotonic() + 20
        while run.tree_ticks(parent.pid) < 0.35 * run.HZ and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.tree_ticks(parent.pid) >= 0.35 * run.HZ
        assert run.proc_ticks(parent.pid) < 0.2 * run.HZ  # the parent's own: the child's is not in it
    finally:
        for child in run.children_by_parent().get(parent.pid, []):
            os.kill(child, 9)
        parent.kill()
        parent.wait(timeout=10)



def test_the_fsync_floor_reports_both_kinds_of_write_and_refuses_a_count_of_zero(tmp_path):
    tool = [PY, os.path.join(BENCH, "fsync_floor.py"), "--dir", str(tmp_path)]
    r = subprocess.run(tool + ["--count", "5", "--rounds", "2"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["appended", "overwritten"]
    assert all("per write + fdatasync (rounds: " in line for line in lines), lines
    assert os.listdir(tmp_path) == []  # its files are removed
    r = subprocess.run(tool + ["--count", "0"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "--count" in r.stderr


def test_a_servers_data_folders_go_when_it_stops_and_its_logs_stay(tmp_path):
    servers = run.Servers(str(tmp_path))
    data = servers.scratch("conduit-bench-test-")
    open(os.path.join(data, "000004.log"), "w").write("a node's data")
    servers.start("sleeper", [PY, "-c", "import time; time.sleep(60)"], lambda: True)
    servers.stop()
    assert not os.path.exists(data)
    assert os.path.exists(os.path.join(str(tmp_path), "sleeper.log"))


@pytest.mark.parametrize("args, says", [
    (["only=" + __file__], "give at least two builds"),
    (["a=/no/such.jar", "b=" + __file__], "a: no jar at /no/such.jar"),
    (["a=" + __file__, "b=" + __file__ + ",Xmx1g"], "b: 'Xmx1g' is neither a JVM flag (-X..., -D...) nor a serve option"),
    (["a=" + __file__, "a=" + __file__], "each build needs a name of its own"),
    (["a=" + __file__, "b=" + __file__, "--pairs", "0"], "--pairs must be at least 1"),
    (["nojar"], "'nojar' is not NAME=JAR"),
    (["a=" + __file__, "b=" + __file__, "--backend", "lmdb"], "invalid choice: 'lmdb'"),
    (["a=" + __file__, "b=" + __file__, "--op", "put"], "invalid choice: 'put'"),
    (["a=" + __file__, "b=" + __file__ + ",serve:loop-spin=0"], "b: 'loop-spin=0' is neither a JVM flag"),
])
def test_the_ab_tool_refuses_wrong_builds_naming_the_problem(args, says):
    r = subprocess.run([PY, os.path.join(BENCH, "ab.py")] + args, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert says in r.stderr, r.stderr


def test_the_python_tool_gives_every_node_the_serve_options_it_was_given(tmp_path, monkeypatch):
    import python as pytool  # bench/python.py
    started = []

    class Procs:
        workdir = str(tmp_path)

        def start(self, name, cmd, ready, timeout=90):
            started.append(cmd)

        def pid(self, name):
            return 1

    monkeypatch.setattr(pytool, "SERVE_ARGS", ["--loop-spin=0"])
    pytool.start_deployed_node(Procs(), "node-workers", [])
    assert started[0][-1] == "--loop-spin=0", started[0]


def test_the_python_tool_refuses_a_serve_option_that_is_not_one():
    r = subprocess.run([PY, os.path.join(BENCH, "python.py"), "--serve-arg=loop-spin=0"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert "--serve-arg: 'loop-spin=0' is not an option of conduit serve" in r.stderr, r.stderr
