#!/usr/bin/python3
"""Starts the servers, runs interleaved series (A, B, C, A, B, C, ...) and prints medians and ratios.

    /usr/bin/python3 bench/run.py sync          # a) 1 REQ client: Conduit echo vs JeroMQ vs libzmq echo
    /usr/bin/python3 bench/run.py pipelined     # b) conduit bench: 8 x 1000 window, and 1,000 sockets x 1
    /usr/bin/python3 bench/run.py docs          # c) document store get/set, memory and RocksDB, 1 and 16 clients
                                                #    (16: pyzmq in 16 processes, pyzmq polled, and C on libzmq)
    /usr/bin/python3 bench/run.py docs-java     # c') the same store ops from conduit bench --sync (Java), 1 and 16 clients
    /usr/bin/python3 bench/run.py idle          # d) CPU of an idle node for 30 s after traffic
    /usr/bin/python3 bench/run.py all           # sync, pipelined, docs, idle, in that order
    /usr/bin/python3 bench/run.py sync,docs-java --rounds 7   # several series on the same nodes

Options: --rounds N (default 5), --max-load L and --wait-max S (before a series, wait at most S
seconds for the 1-minute load average to fall below L), --out FILE (every run as a JSON line),
--jfr (record the first Conduit node with JFR, to FILE.jfr next to --out), --docs-loads (which
of the document store's loads to run), --transport io_uring (the Conduit nodes on io_uring),
--node-java JAVA (the java command the nodes run on; everything else keeps `java`).

The C generator (bench/zmq_load.c, for the docs series' "16-c" and "16-z" loads) is compiled into
the run's log folder with gcc and libzmq's headers (Debian: gcc libzmq3-dev). "16-z" is the same
16 REQ clients speaking ZMTP themselves on plain TCP connections (--wire zmtp), without libzmq's
I/O thread: the lightest client there is, so the most of the two cores is left to the servers.
With those loads the series also runs the bare ZMTP echo (bench/zmtp_echo.c, compiled with gcc
alone): a server that does nothing but read and write, the most any server can answer here.

Every process it starts is ended by its pid when it stops (SIGTERM, then SIGKILL after 10 s);
every load is bounded by a request count and a time limit. Only loopback, ports probed free.
Each run is printed with the command that produced it, the load average at its start and the
CPU time that processes other than this benchmark's used meanwhile ("other" cores).
"""
import argparse
import json
import os
import re
import resource
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import zmq

import summarize  # bench/summarize.py, beside this file: the same references in both tables

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
JAR = os.path.join(ROOT, "cli", "target", "conduit.jar")
M2 = os.path.expanduser("~/.m2/repository")
JEROMQ_CP = ":".join([os.path.join(M2, "org/zeromq/jeromq/0.6.0/jeromq-0.6.0.jar"),
                      os.path.join(M2, "eu/neilalexander/jnacl/1.0.0/jnacl-1.0.0.jar")])
PY = sys.executable
LOAD = os.path.join(HERE, "zmq_load.py")
HZ = os.sysconf("SC_CLK_TCK")

SET_BODY = '{"op":"set","path":["k"],"value":"0123456789"}'
GET_BODY = '{"op":"get","path":["k"]}'
# what pyzdb's own client sends for db['k'] = "0123456789" and db['k'] (bench/pyzdb.py)
PYZDB_SET = '{"mode": "write", "index": [], "func": "__setitem__", "args": ["k", "0123456789"], "kwargs": {}}'
PYZDB_GET = '{"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}'


def log(*a):
    print(*a, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def cpu_busy_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


def proc_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def thread_ticks(pid):
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                s = f.read()
            name = s[s.index("(") + 1:s.rindex(")")]
            fields = s.rsplit(")", 1)[1].split()
            out[tid] = (name, int(fields[11]) + int(fields[12]))
        except (OSError, ValueError):
            pass
    return out


def children_by_parent():
    """Every process's children, by parent pid, from /proc."""
    kids = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree_ticks(pid):
    """CPU ticks of pid and of every process descended from it (pyzdb's queue processes are its
    children, and /proc counts a child's time in its parent only once the child has ended)."""
    kids = children_by_parent()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += proc_ticks(p)
        todo.extend(kids.get(p, ()))
    return total


def children_ticks():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * HZ


class Servers:
    """The long-running processes of a series, all ended by pid on stop(), and their scratch
    folders (a node's data), removed once they have ended; the logs in workdir stay."""

    def __init__(self, workdir):
        self.procs = {}
        self.endpoints = {}
        self.workdir = workdir
        self.scratch_dirs = []

    def scratch(self, prefix):
        """A fresh folder for a server's data, removed by stop()."""
        d = tempfile.mkdtemp(prefix=prefix)
        self.scratch_dirs.append(d)
        return d

    def start(self, name, cmd, ready, timeout=90):
        logf = open(os.path.join(self.workdir, name + ".log"), "w")
        log(f"# start {name}: {shlex.join(cmd)}")
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
        self.procs[name] = p
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if p.poll() is not None:
                raise RuntimeError(f"{name} exited with {p.returncode}; see {logf.name}")
            if ready():
                log(f"# {name} ready (pid {p.pid})")
                return p
            time.sleep(0.5)
        raise RuntimeError(f"{name} not ready within {timeout} s; see {logf.name}")

    def pid(self, name):
        return self.procs[name].pid

    def pids(self):
        return [p.pid for p in self.procs.values() if p.poll() is None]

    def stop(self):
        for name, p in self.procs.items():
            if p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for name, p in self.procs.items():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        self.procs.clear()
        for d in self.scratch_dirs:
            shutil.rmtree(d, ignore_errors=True)
        self.scratch_dirs.clear()


def cbp(endpoint, command, address=b"", body=b"", timeout_ms=1000):
    """One CBP/1 request on a fresh DEALER; the reply frames, or None."""
    ctx = zmq.Context.instance()
    s = ctx.socket(zmq.DEALER)
    s.linger = 0
    try:
        s.connect(endpoint)
        s.send_multipart([b"CBP1", command, b"x", address, b"", body])
        if s.poll(timeout_ms):
            return s.recv_multipart()
        return None
    finally:
        s.close(0)


def ping(endpoint):
    r = cbp(endpoint, b"PING")
    return r is not None and len(r) > 1 and r[1] == b"OK"


def echo_ready(endpoint):
    r = cbp(endpoint, b"REQUEST", b"echo", b'"hi"')
    return r is not None


def start_node(servers, name, backend, extra=(), jfr=None, java="java"):
    port, web = free_port(), free_port()
    data = servers.scratch(f"conduit-bench-{name}-")
    endpoint = f"tcp://127.0.0.1:{port}"
    jvm = [java, "-XX:+ExitOnOutOfMemoryError"]
    if jfr:
        jvm += [f"-XX:StartFlightRecording=filename={jfr},settings=profile,dumponexit=true"]
    cmd = jvm + ["-jar", JAR, "serve", "-a", endpoint, "--events", "none", "--web", f"127.0.0.1:{web}",
                 "-b", backend, "--data", data] + list(extra)
    # ready = it printed "Ready." (every service deployed) and answers PING; PING alone is not enough:
    # the bridge was seen answering it ~0.1 s before the stores' consumers were registered
    logpath = os.path.join(servers.workdir, name + ".log")
    servers.start(name, cmd, lambda: "Ready." in open(logpath, errors="replace").read() and ping(endpoint))
    return endpoint


def start_jeromq_echo(servers):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    servers.start("jeromq-echo", ["java", "-cp", JEROMQ_CP, os.path.join(HERE, "JeromqEcho.java"), endpoint, "7200"],
                  lambda: echo_ready(endpoint))
    return endpoint


def start_libzmq_echo(servers):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    servers.start("libzmq-echo", [PY, os.path.join(HERE, "zmq_echo.py"), endpoint, "--max-seconds", "7200"],
                  lambda: echo_ready(endpoint))
    return endpoint


def pyzdb_request(endpoint, body, timeout_ms=1000):
    """One pyzdb request (one JSON frame) on a fresh REQ socket; the reply frame, or None."""
    s = zmq.Context.instance().socket(zmq.REQ)
    s.linger = 0
    s.rcvtimeo = timeout_ms
    try:
        s.connect(endpoint)
        s.send(body.encode())
        return s.recv()
    except zmq.Again:
        return None
    finally:
        s.close(0)


def start_pyzdb(servers, folder):
    """pyzdb ported by `bench/pyzdb.py prepare` into folder; key k set once."""
    port = free_port()
    endpoint = f"tcp://127.0.0.1:{port}"
    servers.start("pyzdb", [PY, os.path.join(HERE, "pyzdb.py"), "serve", "--dir", folder, "--port", str(port)],
                  lambda: pyzdb_request(endpoint, PYZDB_SET) is not None)
    return endpoint


def seed(endpoint):
    for _ in range(20):
        r = cbp(endpoint, b"REQUEST", b"docs", SET_BODY.encode(), timeout_ms=10000)
        if r is not None and r[1] == b"OK":
            return
        time.sleep(0.5)
    raise RuntimeError(f"seeding k on {endpoint} failed: {r}")


# ---- one run ---------------------------------------------------------------------------------

def compile_c_load(workdir):
    """bench/zmq_load.c compiled into workdir; exits naming what is missing when it cannot be."""
    return compile_c(workdir, "zmq_load.c", "zmq_load_c", ["-lzmq", "-lpthread"])


def compile_c_echo(workdir):
    """bench/zmtp_echo.c, the bare ZMTP echo, compiled into workdir (gcc alone, no library)."""
    return compile_c(workdir, "zmtp_echo.c", "zmtp_echo", [])


def compile_c(workdir, source, name, libs):
    binary = os.path.join(workdir, name)
    cmd = ["gcc", "-O2", "-o", binary, os.path.join(HERE, source)] + libs
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        sys.exit("the docs series' 16-c and 16-z loads need gcc (Debian: apt-get install gcc libzmq3-dev), "
                 "or leave it out with --docs-loads 1,16,16-polled")
    if r.returncode != 0:
        sys.exit(f"compiling bench/{source} failed (Debian: apt-get install gcc libzmq3-dev):\n{r.stderr}")
    return binary


def start_zmtp_echo(servers):
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    binary = compile_c_echo(servers.workdir)
    servers.start("zmtp-echo", [binary, endpoint, "--max-seconds", "7200"], lambda: echo_ready(endpoint))
    return endpoint


def zmq_load_cmd(endpoint, clients=1, count=10000, address="echo", body=None, mode="req", window=1,
                 warmup=1000, time_limit=60, processes=0, protocol="cbp", c_binary=None, wire="libzmq"):
    """A zmq_load.py command; with c_binary, the same REQ load from the C generator (zmq_load.c),
    its clients polled by one thread, on libzmq or (wire "zmtp") speaking ZMTP themselves."""
    program = [c_binary] if c_binary else [PY, LOAD, "--mode", mode]
    if c_binary and wire != "libzmq":
        program += ["--wire", wire]
    cmd = program + ["-e", endpoint, "--clients", str(clients), "--count", str(count),
                     "--warmup", str(warmup), "--time-limit", str(time_limit)]
    cmd += ["--address", address] if protocol == "cbp" else ["--protocol", protocol]
    if processes and not c_binary:
        cmd += ["--processes", str(processes)]
    if mode == "dealer":
        cmd += ["--window", str(window)]
    if body is not None:
        cmd += ["--body", body]
    return cmd


def parse_zmq_load(stdout):
    line = [l for l in stdout.splitlines() if l.startswith("{")][-1]
    d = json.loads(line)
    return {"req_s": d["req_s"], "p50_us": d["p50_us"], "p99_us": d["p99_us"], "p999_us": d["p999_us"],
            "errors": d["errors"] + d["unanswered"], "error_codes": d["error_codes"],
            # every request sent, the warm-up's too: what the CPU figures of the whole run cover
            "requests": d["count"] + d["warmup_per_client"] * d["clients"]}


_LINE = re.compile(r"^\s+(bridge|raw):\s+([\d,]+) req/s\s+p50 ([\d.,]+ (?:µs|ms))\s+p99 ([\d.,]+ (?:µs|ms))"
                   r"\s+p99\.9 ([\d.,]+ (?:µs|ms))\s+\(([\d,]+) ok, ([\d,]+) errors, ([\d,]+) unanswered")


def _us(text):
    v, unit = text.split()
    v = float(v.replace(",", ""))
    return v * 1000 if unit == "ms" else v


def parse_conduit_bench(stdout):
    out = {}
    for line in stdout.splitlines():
        m = _LINE.match(line)
        if m:
            out[m.group(1)] = {"req_s": float(m.group(2).replace(",", "")), "p50_us": _us(m.group(3)),
                               "p99_us": _us(m.group(4)), "p999_us": _us(m.group(5)),
                               "errors": int(m.group(7).replace(",", "")),
                               # requests still in flight when a --duration run stops: not errors
                               "unanswered": int(m.group(8).replace(",", ""))}
    if "bridge" not in out:
        raise RuntimeError("no bridge line in conduit bench output:\n" + stdout)
    return out


def run_one(cmd, parse, servers, watch=None, timeout=600, server=None):
    """Runs cmd to its end; returns (parsed, conditions). watch: pid whose threads' CPU is reported;
    server: pid of the process under load, whose CPU (with its children's) and the generator's
    are reported as server_cpu_s and generator_cpu_s."""
    load0 = loadavg()
    busy0, kids0 = cpu_busy_ticks(), children_ticks()
    own0 = {pid: proc_ticks(pid) for pid in servers.pids()}
    server0 = tree_ticks(server) if server else 0
    thr0 = thread_ticks(watch) if watch else {}
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    wall = time.monotonic() - t0
    thr1 = thread_ticks(watch) if watch else {}
    server1 = tree_ticks(server) if server else 0
    own = sum(proc_ticks(pid) - t for pid, t in own0.items())
    kids = children_ticks() - kids0
    busy = cpu_busy_ticks() - busy0
    if r.returncode != 0:
        raise RuntimeError(f"exit {r.returncode}: {shlex.join(cmd)}\n{r.stdout}\n{r.stderr}")
    cond = {"load1": load0, "wall_s": round(wall, 2),
            "other_cores": round(max(0.0, busy - own - kids) / HZ / wall, 2),
            "bench_cores": round((own + kids) / HZ / wall, 2)}
    if server:
        cond["server_cpu_s"] = round((server1 - server0) / HZ, 2)
        cond["generator_cpu_s"] = round(kids / HZ, 2)
    if watch:
        per = {}
        for tid, (name, t) in thr1.items():
            d = t - thr0.get(tid, (name, 0))[1]
            if d > 0:
                # event loops apart (which loop carries what matters); numbered helpers together
                key = f"{name}/{tid}" if name.startswith("vert.x-eventloo") else re.sub(r"\d+$", "N", name)
                per[key] = per.get(key, 0) + d
        cond["node_threads_cpu_s"] = {k: round(v / HZ, 2) for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:8]}
    return parse(r.stdout), cond


class Series:
    def __init__(self, name, out):
        self.name = name
        self.out = out
        self.rows = []  # (round, label, metrics, cond, cmd)

    def record(self, rnd, label, metrics, cond, cmd):
        row = {"series": self.name, "round": rnd, "label": label, **metrics, **cond, "cmd": shlex.join(cmd),
               "time": time.strftime("%H:%M:%S")}
        self.rows.append(row)
        if self.out:
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
            self.out.flush()
        log(f"  {'r' + str(rnd) if rnd else 'warm'} {label:<28} {metrics.get('req_s', 0):>10,.0f} req/s  p50 {metrics.get('p50_us')} µs  "
            f"p99 {metrics.get('p99_us')} µs  err {metrics.get('errors')}  load {cond['load1']}  "
            f"other {cond['other_cores']} cores")

    def values(self, label, key):
        return [r[key] for r in self.rows if r["label"] == label and r["round"] > 0 and r.get(key) is not None]

    def by_round(self, label, key):
        return {r["round"]: r[key] for r in self.rows
                if r["label"] == label and r["round"] > 0 and r.get(key) is not None}

    def summary(self, refs):
        """refs: label -> reference label for the ratio (per round, then the median of the ratios)."""
        log(f"\n== {self.name}: medians over rounds (per-round values in brackets) ==")
        labels = []
        for r in self.rows:
            if r["label"] not in labels:
                labels.append(r["label"])
        for label in labels:
            rs, p50, p99 = self.values(label, "req_s"), self.values(label, "p50_us"), self.values(label, "p99_us")
            line = (f"{label:<28} req/s {statistics.median(rs):>9,.0f} [{', '.join(f'{v:,.0f}' for v in rs)}]  "
                    f"p50 {statistics.median(p50):.0f} µs  p99 {statistics.median(p99):.0f} µs"
                    f" [{', '.join(f'{v:.0f}' for v in p99)}]")
            wanted = refs.get(label) or ()
            for ref in (wanted,) if isinstance(wanted, str) else wanted:
                a, b = self.by_round(label, "req_s"), self.by_round(ref, "req_s")
                ratios = [a[k] / b[k] for k in a if k in b and b[k]]
                if ratios:
                    line += (f"  x{ref}: {statistics.median(ratios):.2f} (per round "
                             f"{', '.join(f'{x:.2f}' for x in ratios)})")
            log(line)
        loads = [r["load1"] for r in self.rows if r["round"] > 0]
        other = [r["other_cores"] for r in self.rows if r["round"] > 0]
        log(f"load1 at run starts {min(loads)}-{max(loads)}; other processes' CPU during runs "
            f"{min(other)}-{max(other)} cores (median {statistics.median(other)})")


def wait_for_quiet(max_load, wait_max):
    deadline = time.monotonic() + wait_max
    while loadavg() >= max_load and time.monotonic() < deadline:
        time.sleep(10)
    log(f"# load average {open('/proc/loadavg').read().strip()} at {time.strftime('%H:%M:%S')}")


# ---- the series -----------------------------------------------------------------------------

def series_sync(args, servers, out):
    """a) 1 pyzmq REQ client: Conduit echo, JeroMQ echo, libzmq echo; and conduit bench --sync --raw."""
    node = servers_node(servers, "node-memory", "memory", args)
    jeromq, libzmq = servers_echo(servers, "jeromq-echo"), servers_echo(servers, "libzmq-echo")
    wait_for_quiet(args.max_load, args.wait_max)
    s = Series("a) sync echo, 1 pyzmq REQ client", out)
    npid = servers.pid("node-memory")
    for rnd in range(0 if args.warm_round else 1, args.rounds + 1):  # round 0 warms the JVMs, not counted
        for label, ep, watch in (("conduit echo", node, npid), ("jeromq echo", jeromq, None),
                                 ("libzmq echo", libzmq, None)):
            cmd = zmq_load_cmd(ep, count=args.sync_count)
            m, c = run_one(cmd, parse_zmq_load, servers, watch)
            s.record(rnd, label, m, c, cmd)
        cmd = ["java", "-jar", JAR, "bench", "-e", node, "--sync", "--clients", "1", "--count", "10000", "--raw"]
        m, c = run_one(cmd, parse_conduit_bench, servers, npid)
        s.record(rnd, "conduit bench --sync (bridge)", m["bridge"], c, cmd)
        s.record(rnd, "conduit bench --sync (raw)", m["raw"], c, cmd)
        # the same Java client against the JeroMQ echo process, the reference the pyzmq client has
        cmd = ["java", "-jar", JAR, "bench", "-e", jeromq, "--sync", "--clients", "1", "--count", "10000"]
        m, c = run_one(cmd, parse_conduit_bench, servers, None)
        s.record(rnd, "conduit bench --sync (jeromq echo)", m["bridge"], c, cmd)
    s.summary({"conduit echo": "jeromq echo", "libzmq echo": "jeromq echo",
               "conduit bench --sync (bridge)": ("conduit bench --sync (jeromq echo)", "conduit bench --sync (raw)")})
    return s


def series_pipelined(args, servers, out):
    """b) conduit bench: 8 DEALERs x 1000 window; 1,000 sockets x 1 outstanding on 2 threads."""
    node = servers_node(servers, "node-memory", "memory", args)
    jeromq = servers_echo(servers, "jeromq-echo")
    wait_for_quiet(args.max_load, args.wait_max)
    s = Series("b) pipelined, conduit bench --raw", out)
    npid = servers.pid("node-memory")
    loads = (("8x1000", ["--clients", "8", "--window", "1000", "--size", "100", "--count", "300000", "--raw"]),
             ("1000x1", ["--clients", "1000", "--threads", "2", "--window", "1", "--duration", "20", "--raw"]))
    for rnd in range(1, args.rounds + 1):
        for label, flags in loads:
            cmd = ["java", "-jar", JAR, "bench", "-e", node] + flags
            m, c = run_one(cmd, parse_conduit_bench, servers, npid)
            s.record(rnd, f"{label} bridge", m["bridge"], c, cmd)
            s.record(rnd, f"{label} raw", m["raw"], c, cmd)
            # the same load against the JeroMQ echo process (a server of its own, as the node is)
            cmd = ["java", "-jar", JAR, "bench", "-e", jeromq] + [f for f in flags if f != "--raw"]
            m, c = run_one(cmd, parse_conduit_bench, servers, None)
            s.record(rnd, f"{label} jeromq echo", m["bridge"], c, cmd)
    s.summary({"8x1000 bridge": ("8x1000 raw", "8x1000 jeromq echo"),
               "1000x1 bridge": ("1000x1 raw", "1000x1 jeromq echo")})
    return s


def servers_node(servers, name, backend, args, extra=()):
    """The node `name`, started on first use."""
    if name not in servers.endpoints:
        transport = ["--transport", args.transport] if args.transport != "nio" else []
        servers.endpoints[name] = start_node(servers, name, backend, list(extra) + transport,
                                             jfr=args.jfr_file if name == "node-memory" else None,
                                             java=args.node_java)
    return servers.endpoints[name]


def servers_echo(servers, name):
    if name not in servers.endpoints:
        start = {"jeromq-echo": start_jeromq_echo, "libzmq-echo": start_libzmq_echo, "zmtp-echo": start_zmtp_echo}[name]
        servers.endpoints[name] = start(servers)
    return servers.endpoints[name]


WARM_ONE_CLIENT = 30000  # requests per target in the docs series' uncounted round 0 with one client
# Round 0 connects its clients this many times: the JIT compiles the serving path while the clients
# of the first connection are served, then the next handshakes take branches that compiled code never
# saw, and a node deoptimised its whole request path there (PrintCompilation: some 100 methods "made
# not entrant"), recompiling through the first counted round.
WARM_CONNECTS = 4
DOCS_LOADS = ("1", "16", "16-polled", "16-c", "16-z")  # series_docs's loads, the names --docs-loads takes


def series_docs(args, servers, out):
    """c) docs get/set on memory and RocksDB nodes, 1 REQ client and 16; echo references in the same rounds."""
    mem = servers_node(servers, "node-memory", "memory", args)
    rocks = servers_node(servers, "node-rocksdb", "rocksdb", args)
    nofsync = servers_node(servers, "node-rocksdb-nofsync", "rocksdb", args, extra=["durability:none"])
    for ep in (mem, rocks, nofsync):
        seed(ep)
    jeromq, libzmq = servers_echo(servers, "jeromq-echo"), servers_echo(servers, "libzmq-echo")
    c_loads = bool({"16-c", "16-z"} & set(args.docs_loads))  # gcc is needed for those, and for the bare echo
    one_loop = []
    if args.one_loop:  # the same nodes with one event loop: bridge, store and echo share it
        mem1 = servers_node(servers, "node-memory-1loop", "memory", args, extra=["--event-loops", "1"])
        rocks1 = servers_node(servers, "node-rocksdb-1loop", "rocksdb", args, extra=["--event-loops", "1"])
        for ep in (mem1, rocks1):
            seed(ep)
        one_loop = [("memory get, 1 loop", mem1, "docs", GET_BODY, "node-memory-1loop"),
                    ("memory set, 1 loop", mem1, "docs", SET_BODY, "node-memory-1loop"),
                    ("rocksdb get, 1 loop", rocks1, "docs", GET_BODY, "node-rocksdb-1loop"),
                    ("rocksdb set, 1 loop", rocks1, "docs", SET_BODY, "node-rocksdb-1loop")]
    wait_for_quiet(args.max_load, args.wait_max)
    pid = servers.pid
    targets = [("conduit echo", mem, "echo", None, "node-memory"),
               ("memory get", mem, "docs", GET_BODY, "node-memory"),
               ("memory set", mem, "docs", SET_BODY, "node-memory"),
               ("rocksdb get", rocks, "docs", GET_BODY, "node-rocksdb"),
               ("rocksdb set", rocks, "docs", SET_BODY, "node-rocksdb"),
               ("rocksdb-nofsync set", nofsync, "docs", SET_BODY, "node-rocksdb-nofsync"),
               ("jeromq echo", jeromq, "echo", None, "jeromq-echo"),
               ("libzmq echo", libzmq, "echo", None, "libzmq-echo")] + one_loop
    if c_loads:  # what a server that only reads and writes answers: the ceiling for any server here
        targets.append(("bare zmtp echo", servers_echo(servers, "zmtp-echo"), "echo", None, "zmtp-echo"))
    if args.pyzdb:  # the system the document store replaces, in the same rounds
        if "pyzdb" not in servers.endpoints:
            servers.endpoints["pyzdb"] = start_pyzdb(servers, args.pyzdb)
        pyzdb = servers.endpoints["pyzdb"]
        targets += [("pyzdb get", pyzdb, None, PYZDB_GET, "pyzdb"), ("pyzdb set", pyzdb, None, PYZDB_SET, "pyzdb")]
    refs = summarize.docs_refs({label for label, *_ in targets})
    results = []
    # 16 clients four ways, from the dearest generator to the cheapest: a pyzmq process each, the 16
    # pyzmq sockets polled by one process, the same 16 REQ sockets on libzmq from C, and 16 C clients
    # that speak ZMTP themselves, where the generator takes least of the two cores from the server
    c_binary = compile_c_load(servers.workdir) if c_loads else None
    loads = {"1": (1, args.docs_count_1, 0, None, "libzmq", "1 pyzmq REQ client"),
             "16": (16, args.docs_count_16, 0, None, "libzmq", "16 pyzmq REQ clients, a process each"),
             "16-polled": (16, args.docs_count_16, 1, None, "libzmq", "16 pyzmq REQ clients, one process polling them"),
             "16-c": (16, args.docs_count_16_c, 0, c_binary, "libzmq", "16 libzmq REQ clients, one C thread polling them"),
             "16-z": (16, args.docs_count_16_c, 0, c_binary, "zmtp",
                      "16 REQ clients speaking ZMTP on plain sockets, one C thread (no libzmq)")}
    for clients, count, processes, c_bin, wire, title in (loads[k] for k in args.docs_loads):
        s = Series(f"c) document store, {title}", out)
        for rnd in range(0 if args.warm_round else 1, args.rounds + 1):  # round 0 warms up, not counted
            for label, ep, address, body, watch in targets:
                # one client's few thousand requests leave the JIT compiling a RocksDB node's write path
                # for rounds (its C2 threads were busy for ~20,000 `set`s): round 0 sends it at least that
                run_count = max(count, WARM_ONE_CLIENT) if rnd == 0 and clients == 1 else count
                cmd = zmq_load_cmd(ep, clients=clients, count=run_count, address=address, body=body,
                                   warmup=500 if clients == 1 else 200, processes=processes,
                                   protocol="cbp" if address else "pyzdb", c_binary=c_bin, wire=wire)
                own = pid(watch)
                for _ in range(WARM_CONNECTS - 1 if rnd == 0 else 0):
                    run_one(cmd, parse_zmq_load, servers, own)
                # CPU per request only with 16 clients: one client's few seconds are a handful of 10 ms ticks
                m, c = run_one(cmd, parse_zmq_load, servers, own, server=own if clients > 1 else None)
                s.record(rnd, label, m, c, cmd)
        s.summary(refs)
        results.append(s)
    return results


def series_docs_java(args, servers, out):
    """c') docs get/set through `conduit bench --sync` (JeroMQ REQ clients in one JVM), 1 and 16 clients,
    each invocation with its own in-process raw JeroMQ echo for the ratio."""
    mem = servers_node(servers, "node-memory", "memory", args)
    rocks = servers_node(servers, "node-rocksdb", "rocksdb", args)
    for ep in (mem, rocks):
        seed(ep)
    wait_for_quiet(args.max_load, args.wait_max)
    targets = [("memory get", mem, GET_BODY, "node-memory"), ("memory set", mem, SET_BODY, "node-memory"),
               ("rocksdb get", rocks, GET_BODY, "node-rocksdb"), ("rocksdb set", rocks, SET_BODY, "node-rocksdb")]
    for clients, count in ((1, 10000), (16, 50000)):
        s = Series(f"c') document store, conduit bench --sync --clients {clients}", out)
        for rnd in range(1, args.rounds + 1):
            for label, ep, body, watch in targets:
                cmd = ["java", "-jar", JAR, "bench", "-e", ep, "--address", "docs", "--sync", "--clients", str(clients),
                       "--count", str(count), "--body", body, "--raw"]
                m, c = run_one(cmd, parse_conduit_bench, servers, servers.pid(watch))
                s.record(rnd, label, m["bridge"], c, cmd)
                s.record(rnd, label + " (raw)", m["raw"], c, cmd)
        s.summary({label: label + " (raw)" for label, *_ in targets})


def series_idle(args, servers, out):
    """d) CPU of each Conduit node, idle for 30 s after traffic."""
    nodes = [n for n in servers.procs if n.startswith("node-")]
    if not nodes:
        ep = servers_node(servers, "node-memory", "memory", args)
        cmd = zmq_load_cmd(ep, count=20000)
        run_one(cmd, parse_zmq_load, servers)
        nodes = ["node-memory"]
    log(f"\n== d) idle CPU, {args.idle_seconds} s after traffic ==")
    time.sleep(2)
    pids = {n: servers.pid(n) for n in nodes + [x for x in ("jeromq-echo", "libzmq-echo") if x in servers.procs]}
    t0 = {n: (proc_ticks(p), thread_ticks(p)) for n, p in pids.items()}
    load0 = loadavg()
    time.sleep(args.idle_seconds)
    for n, p in pids.items():
        ticks = proc_ticks(p) - t0[n][0]
        pct = 100.0 * ticks / HZ / args.idle_seconds
        thr = thread_ticks(p)
        busy = {}
        for tid, (name, t) in thr.items():
            d = t - t0[n][1].get(tid, (name, 0))[1]
            if d > 0:
                busy[name] = busy.get(name, 0) + d
        top = ", ".join(f"{k} {v / HZ * 1000:.0f} ms" for k, v in sorted(busy.items(), key=lambda kv: -kv[1])[:6])
        row = {"series": "d) idle", "label": n, "cpu_pct": round(pct, 2), "seconds": args.idle_seconds,
               "load1": load0, "threads": top, "time": time.strftime("%H:%M:%S")}
        if out:
            out.write(json.dumps(row) + "\n")
            out.flush()
        log(f"{n:<24} {pct:.2f} % of a core over {args.idle_seconds} s ({ticks} ticks){'; ' + top if top else ''}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", help="sync, pipelined, docs, docs-java, idle or all; several with commas")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--max-load", type=float, default=1.5)
    ap.add_argument("--wait-max", type=float, default=300)
    ap.add_argument("--sync-count", type=int, default=10000)
    ap.add_argument("--docs-count-1", type=int, default=5000)
    ap.add_argument("--docs-count-16", type=int, default=48000)
    ap.add_argument("--docs-count-16-c", type=int, default=100000)
    ap.add_argument("--docs-loads", default="1,16,16-polled,16-c",
                    help="docs: which loads, in order, from 1, 16 (a pyzmq process each), 16-polled (one pyzmq "
                         "process), 16-c (the C generator on libzmq), 16-z (the C generator speaking ZMTP itself)")
    ap.add_argument("--idle-seconds", type=int, default=30)
    ap.add_argument("--out", default=None)
    ap.add_argument("--pyzdb", default=None, metavar="FOLDER",
                    help="docs: also pyzdb get/set, from a folder made by `bench/pyzdb.py prepare`")
    ap.add_argument("--jfr", action="store_true")
    ap.add_argument("--transport", choices=("nio", "io_uring"), default="nio",
                    help="the Conduit nodes' network transport (conduit serve --transport)")
    ap.add_argument("--node-java", default="java", metavar="JAVA",
                    help="the java command the Conduit nodes run on (the references and clients keep `java`)")
    ap.add_argument("--one-loop", action="store_true",
                    help="docs: also a memory and a RocksDB node started with --event-loops 1")
    ap.add_argument("--no-warm-round", dest="warm_round", action="store_false",
                    help="skip the uncounted round 0 of series a and c")
    args = ap.parse_args()
    args.docs_loads = [k for k in args.docs_loads.split(",") if k]
    bad = [k for k in args.docs_loads if k not in DOCS_LOADS]
    if bad or not args.docs_loads:
        ap.error(f"--docs-loads takes {', '.join(DOCS_LOADS)}, not {', '.join(bad) or 'nothing'}")
    if shutil.which(args.node_java) is None:
        ap.error(f"--node-java {args.node_java}: no such command")
    if not os.path.exists(JAR):
        sys.exit(f"{JAR} is missing: mvn -B -q -DskipTests package first")
    workdir = tempfile.mkdtemp(prefix="conduit-bench-run-")
    args.jfr_file = os.path.join(workdir, "node-memory.jfr") if args.jfr else None
    out = open(args.out, "a") if args.out else None
    log(f"# logs in {workdir}; {time.strftime('%Y-%m-%d %H:%M:%S')}; load {open('/proc/loadavg').read().strip()}")
    servers = Servers(workdir)

    def bye(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, bye)
    try:
        what = set(args.what.split(","))
        unknown = what - {"sync", "pipelined", "docs", "docs-java", "idle", "all"}
        if unknown:
            sys.exit(f"unknown series: {', '.join(sorted(unknown))}")
        if what & {"sync", "all"}:
            series_sync(args, servers, out)
        if what & {"pipelined", "all"}:
            series_pipelined(args, servers, out)
        if what & {"docs", "all"}:
            series_docs(args, servers, out)
        if what & {"docs-java"}:
            series_docs_java(args, servers, out)
        if what & {"idle", "all", "docs"}:
            series_idle(args, servers, out)
    finally:
        servers.stop()
        if out:
            out.close()
        log(f"# done {time.strftime('%H:%M:%S')}; load {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    main()
