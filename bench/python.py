#!/usr/bin/python3
"""The Python package (client/python) measured against its references, in interleaved rounds:

    /usr/bin/python3 bench/python.py --rounds 5 --out bench/results/2026-12-03/python.jsonl
    /usr/bin/python3 bench/python.py --parts client --rounds 7     # one part (client, worker, scale)

client  conduit.Client.request("echo", "hello world"), N sequential requests, against a bare pyzmq
        REQ socket sending the same CBP/1 frames (same headers, same body) to the same node; each
        run in a process of its own that warms up first (`python.py client-loop ...`); A then B,
        next round B then A, after an uncounted round 0. Figures: µs per request (wall / N),
        p50/p99 of the per-request latencies, ratio package/bare.
worker  one node with a deployment file: the bridge, the web console, the process service
        py.upper (`/usr/bin/python3 -m conduit.worker shop:worker`, bench/python/shop.py) and the
        Java ServiceVerticle java.upper (io.conduit.service.bench.UpperService, from the bench
        harness jar); `conduit bench --address ADDR --body '{"op":"upper","text":"hello world"}'
        --clients 8 --window W --count N` against py.upper with 1 process, py.upper scaled to 2
        processes (REST API) and java.upper, interleaved (order reversed every other round), after an
        uncounted round 0.
scale   per round a fresh node with the process service py.slow (an op that sleeps 20 ms;
        instances {min 1, max 4}, default scaling unless --target-in-flight), a steady load of
        16 clients x 1 outstanding (`conduit bench --duration D --warmup 0`) and GET /api/services
        every 100 ms: seconds from load start until 2, 3 and 4 instances.

Options: --rounds N (5), --out FILE (every run as a JSON line, as bench/run.py writes them),
--max-load L --wait-max S (before each part, wait up to S seconds for the 1-minute load average
to drop below L), --client-count, --worker-count, --window, --scale-duration, --target-in-flight,
--serve-arg=OPTION (added to every node's `conduit serve` command, e.g. --serve-arg=--loop-spin=0;
repeatable).

Every process it starts (nodes, load generators, client loops) is ended by its pid when it stops,
also on Ctrl-C, SIGTERM or failure; the nodes' worker processes, which the node stops itself,
are remembered and killed by pid if one outlives its node. Only loopback, ports probed free; every
wait has a deadline.
"""
import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as common  # noqa: E402  (bench/run.py: ports, servers, conditions, conduit bench's output)

ROOT = common.ROOT
JAR = common.JAR
HARNESS = os.path.join(HERE, "harness", "target", "conduit-bench-harness.jar")
PYSRC = os.path.join(ROOT, "client", "python", "src")
WORKDIR_PY = os.path.join(HERE, "python")
PY = "/usr/bin/python3"
log = common.log
SERVE_ARGS = []  # --serve-arg: options added to every node's `conduit serve` command

BODY_TEXT = "hello world"
UPPER_BODY = '{"op":"upper","text":"hello world"}'
SLOW_BODY = '{"op":"slow"}'


# ---- the client loops (run as `python.py client-loop`, one process per run) -----------------------

def client_loop(argv):
    ap = argparse.ArgumentParser(prog="python.py client-loop")
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--mode", choices=("package", "bare"), required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--warmup", type=int, default=1000)
    ap.add_argument("--profile", action="store_true", help="cProfile the measured loop, print the top entries")
    a = ap.parse_args(argv)
    sys.path.insert(0, PYSRC)
    import zmq
    now = time.perf_counter_ns
    lat = [0] * a.count

    if a.mode == "package":
        import conduit
        client = conduit.connect(a.endpoint, events="")
        request = client.request

        def loop(n, record):
            for i in range(n):
                t = now()
                reply = request("echo", BODY_TEXT)
                if record:
                    lat[i] = now() - t
                if reply != BODY_TEXT:
                    raise SystemExit("unexpected reply %r" % (reply,))
        close = client.close
    else:
        ctx = zmq.Context()
        sock = ctx.socket(zmq.REQ)
        sock.linger = 0
        sock.rcvtimeo = 30000
        sock.connect(a.endpoint)
        # the frames conduit.Client sends for request("echo", "hello world"): same headers, same body
        headers = json.dumps({"accept-encoding": "deflate", "content-type": "application/json", "timeout": "30000"},
                             separators=(",", ":")).encode()
        body = json.dumps(BODY_TEXT).encode()
        frames = [b"CBP1", b"REQUEST", b"", b"echo", headers, body]
        ids = [str(i).encode() for i in range(max(a.count, a.warmup) + 1)]

        def loop(n, record):
            for i in range(n):
                frames[2] = ids[i]
                t = now()
                sock.send_multipart(frames)
                reply = sock.recv_multipart()
                if record:
                    lat[i] = now() - t
                if reply[1] != b"OK" or reply[2] != ids[i]:
                    raise SystemExit("unexpected reply %r" % (reply,))

        def close():
            sock.close(0)
            ctx.term()
    loop(a.warmup, False)
    prof = None
    if a.profile:
        import cProfile
        prof = cProfile.Profile()
        prof.enable()
    cpu0, t0 = time.process_time(), time.perf_counter()
    loop(a.count, True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if prof:
        prof.disable()
        import pstats
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    close()
    lat.sort()
    out = {"mode": a.mode, "count": a.count, "us_per_req": round(wall / a.count * 1e6, 2),
           "req_s": round(a.count / wall, 1), "p50_us": round(lat[len(lat) // 2] / 1000, 1),
           "p99_us": round(lat[int(len(lat) * 0.99)] / 1000, 1), "p999_us": round(lat[int(len(lat) * 0.999)] / 1000, 1),
           "client_cpu_us_per_req": round(cpu / a.count * 1e6, 2), "errors": 0}
    print(json.dumps(out))
    return 0


# ---- processes ---------------------------------------------------------------------------------

class Procs(common.Servers):
    """Nodes (by name), plus the worker processes seen under them and the load generators started
    in the background, all ended by pid on stop()."""

    def __init__(self, workdir):
        super().__init__(workdir)
        self.workers = {}   # pid -> cmdline, every worker process seen under one of our nodes
        self.loads = []     # background Popen objects

    def stop_one(self, name):
        p = self.procs.pop(name, None)
        if p is None:
            return
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
        self.kill_workers()

    def kill_workers(self):
        alive = [pid for pid, cmd in self.workers.items() if cmdline(pid) == cmd]
        for pid in alive:
            _kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while alive and time.monotonic() < deadline:
            alive = [pid for pid in alive if cmdline(pid) == self.workers[pid]]
            time.sleep(0.05)
        for pid in alive:
            log(f"# worker {pid} outlived its node: SIGKILL")
            _kill(pid, signal.SIGKILL)
        self.workers = {pid: c for pid, c in self.workers.items() if cmdline(pid) == c}

    def stop(self):
        for p in self.loads:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        self.loads.clear()
        super().stop()
        self.kill_workers()


def _kill(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return None


def worker_pids(procs, node_pid):
    """The node's child processes running conduit.worker (remembered, to be killed at the end)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == node_pid:
            c = cmdline(int(d))
            if c and b"conduit.worker" in c:
                found.append(int(d))
                procs.workers[int(d)] = c
    return sorted(found)


def wait_until(what, condition, timeout, every=0.05):
    deadline = time.monotonic() + timeout
    while True:
        v = condition()
        if v:
            return v
        if time.monotonic() > deadline:
            raise RuntimeError(f"not within {timeout} s: {what}")
        time.sleep(every)


def http(web, method, path, body=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{web}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


def service_info(web, name):
    for node in http(web, "GET", "/api/services")["nodes"]:
        for s in node.get("services", []):
            if s["name"] == name:
                return s
    return None


def deployment(workdir, bridge, services):
    path = os.path.join(workdir, f"deployment-{int(time.time() * 1000)}.json")
    doc = {"services": [
        {"name": "bridge", "verticle": "io.conduit.bridge.ZmqBridgeVerticle",
         "config": {"endpoint": bridge, "eventsEndpoint": ""}},
        {"name": "web", "verticle": "io.conduit.web.WebVerticle"}] + services}
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
    return path


def process_service(name, target, instances, scaling=None):
    s = {"name": name, "instances": instances, "config": {"address": name},
         "process": {"command": [PY, "-m", "conduit.worker", target], "cwd": WORKDIR_PY, "stopGraceMs": 5000,
                     "env": {"PYTHONPATH": PYSRC, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}}}
    if scaling:
        s["scaling"] = scaling
    return s


def start_deployed_node(procs, name, services):
    """A node from a deployment file (bridge, web console, services); returns (endpoint, web port, pid)."""
    bridge, web = f"tcp://127.0.0.1:{common.free_port()}", common.free_port()
    data = tempfile.mkdtemp(prefix=f"conduit-bench-{name}-", dir=procs.workdir)
    cmd = ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", JAR, "serve", "-c", deployment(procs.workdir, bridge, services),
           "--classpath", HARNESS, "-b", "memory", "--data", data, "--web", f"127.0.0.1:{web}"] + SERVE_ARGS
    logpath = os.path.join(procs.workdir, name + ".log")
    procs.start(name, cmd, lambda: "Ready." in open(logpath, errors="replace").read() and common.ping(bridge),
                timeout=120)
    return bridge, web, procs.pid(name)


def serving_pids(endpoint, address, want, timeout=60):
    """Sends {"op": "pid"} to `address` until `want` distinct worker processes have answered (the
    bridge hands requests to its idle workers in turn); NO_HANDLERS while they register is retried."""
    seen = set()
    deadline = time.monotonic() + timeout
    while len(seen) < want:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{address}: {len(seen)} of {want} worker processes answered within {timeout} s")
        r = common.cbp(endpoint, b"REQUEST", address.encode(), b'{"op":"pid"}', timeout_ms=5000)
        if r is not None and r[1] == b"OK":
            seen.add(json.loads(r[-1]))
        else:
            time.sleep(0.05)
    return sorted(seen)


# ---- measuring one run ---------------------------------------------------------------------------

def run_measured(cmd, parse, procs, node_pid=None, timeout=600):
    """Runs cmd to its end; (figures, conditions): load average at its start, other processes' CPU
    (cores), and the CPU seconds of the node, its worker processes and the load generator."""
    workers = worker_pids(procs, node_pid) if node_pid else []
    load0 = common.loadavg()
    busy0, kids0 = common.cpu_busy_ticks(), common.children_ticks()
    own0 = {pid: common.proc_ticks(pid) for pid in procs.pids() + workers}
    thr0 = common.thread_ticks(node_pid) if node_pid else {}
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    wall = time.monotonic() - t0
    thr1 = common.thread_ticks(node_pid) if node_pid else {}
    own = {pid: common.proc_ticks(pid) - t for pid, t in own0.items()}
    kids = common.children_ticks() - kids0
    busy = common.cpu_busy_ticks() - busy0
    if r.returncode != 0:
        raise RuntimeError(f"exit {r.returncode}: {shlex.join(cmd)}\n{r.stdout}\n{r.stderr}")
    hz = common.HZ
    cond = {"load1": load0, "wall_s": round(wall, 2),
            "other_cores": round(max(0.0, busy - sum(own.values()) - kids) / hz / wall, 2),
            "loadgen_cpu_s": round(kids / hz, 2)}
    if node_pid:
        cond["node_cpu_s"] = round(own.get(node_pid, 0) / hz, 2)
        cond["workers_cpu_s"] = [round(own[p] / hz, 2) for p in workers]
        per = {}
        for tid, (tname, t) in thr1.items():
            d = t - thr0.get(tid, (tname, 0))[1]
            if d > 0:
                key = f"{tname}/{tid}" if tname.startswith("vert.x-eventloo") else common.re.sub(r"\d+$", "N", tname)
                per[key] = per.get(key, 0) + d
        cond["node_threads_cpu_s"] = {k: round(v / hz, 2) for k, v in sorted(per.items(), key=lambda kv: -kv[1])[:6]}
    return parse(r.stdout), cond


def parse_loop(stdout):
    return json.loads([l for l in stdout.splitlines() if l.startswith("{")][-1])


def parse_bench(stdout):
    return common.parse_conduit_bench(stdout)["bridge"]


def med(xs):
    return statistics.median(xs) if xs else None


# ---- 1. client overhead ----------------------------------------------------------------------------

def part_client(args, procs, out):
    endpoint = common.start_node(procs, "node-memory", "memory", extra=SERVE_ARGS)
    npid = procs.pid("node-memory")
    common.wait_for_quiet(args.max_load, args.wait_max)
    s = common.Series("python client: 1 sequential caller, echo", out)
    for rnd in range(0, args.rounds + 1):  # round 0 warms up node and caches, not counted
        order = ("package", "bare") if rnd % 2 else ("bare", "package")
        for mode in order:
            cmd = [PY, os.path.abspath(__file__), "client-loop", "--endpoint", endpoint, "--mode", mode,
                   "--count", str(args.client_count), "--warmup", "1000"]
            m, c = run_measured(cmd, parse_loop, procs, npid)
            del m["mode"]
            s.record(rnd, f"conduit.Client.request" if mode == "package" else "bare pyzmq REQ", m, c, cmd)
    procs.stop_one("node-memory")
    rows = [r for r in s.rows if r["round"] > 0]
    pkg = {r["round"]: r for r in rows if r["label"] == "conduit.Client.request"}
    bare = {r["round"]: r for r in rows if r["label"] == "bare pyzmq REQ"}
    ratios = [pkg[k]["us_per_req"] / bare[k]["us_per_req"] for k in pkg if k in bare]
    log("\n== client overhead: medians over rounds (per round in brackets) ==")
    for label, d in (("conduit.Client.request", pkg), ("bare pyzmq REQ", bare)):
        v = [d[k] for k in sorted(d)]
        log(f"{label:<24} {med([x['us_per_req'] for x in v]):.1f} µs/req [{', '.join(str(x['us_per_req']) for x in v)}]"
            f"  p50 {med([x['p50_us'] for x in v])} µs  p99 {med([x['p99_us'] for x in v])} µs"
            f"  client CPU {med([x['client_cpu_us_per_req'] for x in v])} µs/req")
    log(f"ratio package/bare (µs per request): {med(ratios):.2f} (per round {', '.join(f'{x:.2f}' for x in ratios)})")
    return s


# ---- 2. worker throughput --------------------------------------------------------------------------

def part_worker(args, procs, out):
    services = [process_service("py.upper", "shop:worker", 1),
                {"name": "java.upper", "verticle": "io.conduit.service.bench.UpperService",
                 "config": {"address": "java.upper"}}]
    endpoint, web, npid = start_deployed_node(procs, "node-workers", services)
    serving_pids(endpoint, "py.upper", 1)

    def ensure(n):
        if service_info(web, "py.upper")["instances"]["now"] != n:
            http(web, "POST", "/api/services/py.upper/scale", {"instances": n})
        wait_until(f"py.upper at {n} instances", lambda: service_info(web, "py.upper")["instances"]["now"] == n, 60,
                   every=0.1)
        wait_until(f"{n} worker processes", lambda: len(worker_pids(procs, npid)) == n, 60, every=0.1)
        pids = serving_pids(endpoint, "py.upper", n)
        if sorted(pids) != worker_pids(procs, npid):
            raise RuntimeError(f"serving pids {pids} are not the node's workers {worker_pids(procs, npid)}")

    common.wait_for_quiet(args.max_load, args.wait_max)
    s = common.Series(f"python worker: conduit bench --clients 8 --window {args.window}", out)

    def bench(address):
        return ["java", "-jar", JAR, "bench", "-e", endpoint, "--address", address, "--body", UPPER_BODY,
                "--clients", "8", "--window", str(args.window), "--count", str(args.worker_count)]

    for rnd in range(0, args.rounds + 1):  # round 0 warms up (the node's JIT compiles the MDP path), not counted
        # odd rounds: 1 process, 2 processes, Java; even rounds: Java, 2 processes, 1 process
        steps = [("py.upper x1", 1), ("py.upper x2", 2), ("java.upper", None)]
        for label, n in (steps if rnd % 2 else steps[::-1]):
            if n:
                ensure(n)
            cmd = bench("py.upper" if n else "java.upper")
            m, c = run_measured(cmd, parse_bench, procs, npid)
            s.record(rnd, label, m, c, cmd)
    procs.stop_one("node-workers")
    s.summary({"py.upper x1": "java.upper", "py.upper x2": "py.upper x1"})
    a, b = s.by_round("py.upper x2", "req_s"), s.by_round("java.upper", "req_s")
    r = [a[k] / b[k] for k in a if k in b]
    log(f"py.upper x2 / java.upper: {med(r):.2f} (per round {', '.join(f'{x:.2f}' for x in r)})")
    return s


# ---- 3. scale-up reaction --------------------------------------------------------------------------

def part_scale(args, procs, out):
    scaling = {"targetInFlight": args.target_in_flight} if args.target_in_flight else None
    results = []
    common.wait_for_quiet(args.max_load, args.wait_max)
    for rnd in range(1, args.rounds + 1):
        name = f"node-scale-{rnd}"
        endpoint, web, npid = start_deployed_node(
            procs, name, [process_service("py.slow", "shop:slow", {"min": 1, "max": 4}, scaling)])
        serving_pids(endpoint, "py.slow", 1)
        base = service_info(web, "py.slow")["meters"]["requests"]
        cmd = ["java", "-jar", JAR, "bench", "-e", endpoint, "--address", "py.slow", "--body", SLOW_BODY,
               "--clients", "16", "--window", "1", "--duration", str(args.scale_duration), "--warmup", "0"]
        load0 = common.loadavg()
        logf = open(os.path.join(procs.workdir, f"bench-scale-{rnd}.log"), "w+")
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
        procs.loads.append(p)
        first = None          # first poll at which the node had answered a request of the load
        at_now, at_procs = {}, {}
        samples = []
        deadline = t0 + args.scale_duration + 60
        tick = t0
        while p.poll() is None and time.monotonic() < deadline:
            info = service_info(web, "py.slow")
            t = time.monotonic() - t0
            nw = info["instances"]["now"]
            np_ = len(worker_pids(procs, npid))
            reqs = info["meters"]["requests"] - base
            samples.append((round(t, 2), nw, np_, reqs))
            if first is None and reqs > 0:
                first = t
            for k in (2, 3, 4):
                if nw >= k and k not in at_now:
                    at_now[k] = t
                if np_ >= k and k not in at_procs:
                    at_procs[k] = t
            tick += 0.1
            time.sleep(max(0.0, tick - time.monotonic()))
        if p.poll() is None:
            raise RuntimeError(f"bench did not end within {args.scale_duration + 60} s")
        procs.loads.remove(p)
        logf.seek(0)
        text = logf.read()
        logf.close()
        if p.returncode != 0:
            raise RuntimeError(f"exit {p.returncode}: {shlex.join(cmd)}\n{text}")
        m = parse_bench(text)
        final = service_info(web, "py.slow")["instances"]["now"]
        procs.stop_one(name)
        row = {"series": "python scale-up: py.slow 20 ms, 16 x 1 outstanding", "round": rnd,
               "label": "scaling " + (json.dumps(scaling) if scaling else "default"),
               "load_start_s": round(first, 2) if first is not None else None,
               **{f"to_{k}_s": round(at_now[k] - first, 2) if k in at_now and first is not None else None
                  for k in (2, 3, 4)},
               **{f"to_{k}_from_launch_s": round(at_now[k], 2) if k in at_now else None for k in (2, 3, 4)},
               **{f"procs_{k}_s": round(at_procs[k] - first, 2) if k in at_procs and first is not None else None
                  for k in (2, 3, 4)},
               "instances_at_end": final, "req_s": m["req_s"], "p50_us": m["p50_us"], "p99_us": m["p99_us"],
               "errors": m["errors"], "unanswered": m["unanswered"], "load1": load0,
               "samples": samples, "cmd": shlex.join(cmd), "time": time.strftime("%H:%M:%S")}
        results.append(row)
        if out:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            out.flush()
        log(f"  r{rnd} load visible at {row['load_start_s']} s after launch; instances.now 2/3/4 after "
            f"{row['to_2_s']} / {row['to_3_s']} / {row['to_4_s']} s (processes: {row['procs_2_s']} / "
            f"{row['procs_3_s']} / {row['procs_4_s']} s); {m['req_s']:,.0f} req/s over the run, "
            f"p50 {m['p50_us']:.0f} µs p99 {m['p99_us']:.0f} µs, err {m['errors']}, load {load0}")
    log("\n== scale-up 1 -> 4: medians over rounds ==")
    for k in (2, 3, 4):
        v = [r[f"to_{k}_s"] for r in results if r[f"to_{k}_s"] is not None]
        log(f"to {k} instances: {med(v)} s [{', '.join(str(x) for x in v)}] ({len(v)} of {len(results)} rounds)")
    return results


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "client-loop":
        return client_loop(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="client,worker,scale")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", default=None)
    ap.add_argument("--max-load", type=float, default=1.5)
    ap.add_argument("--wait-max", type=float, default=120)
    ap.add_argument("--client-count", type=int, default=10000)
    ap.add_argument("--worker-count", type=int, default=20000)
    ap.add_argument("--window", type=int, default=4)
    ap.add_argument("--scale-duration", type=int, default=30)
    ap.add_argument("--target-in-flight", type=float, default=None)
    ap.add_argument("--serve-arg", action="append", default=[],
                    help="an option for every node's `conduit serve`, e.g. --serve-arg=--loop-spin=0 (repeatable)")
    args = ap.parse_args()
    for option in args.serve_arg:
        if not option.startswith("--"):
            ap.error(f"--serve-arg: {option!r} is not an option of conduit serve (write it as --serve-arg=--NAME=VALUE)")
    SERVE_ARGS.extend(args.serve_arg)
    for f in (JAR, HARNESS):
        if not os.path.exists(f):
            sys.exit(f"{f} is missing: build first (mvn -B -q -DskipTests install)")
    parts = args.parts.split(",")
    if set(parts) - {"client", "worker", "scale"}:
        sys.exit("--parts: client, worker, scale")
    workdir = tempfile.mkdtemp(prefix="conduit-bench-python-")
    out = open(args.out, "a") if args.out else None
    log(f"# logs in {workdir}; {time.strftime('%Y-%m-%d %H:%M:%S')}; load {open('/proc/loadavg').read().strip()}")
    procs = Procs(workdir)

    def bye(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, bye)
    try:
        if "client" in parts:
            part_client(args, procs, out)
        if "worker" in parts:
            part_worker(args, procs, out)
        if "scale" in parts:
            part_scale(args, procs, out)
    finally:
        procs.stop()
        if out:
            out.close()
        log(f"# done {time.strftime('%H:%M:%S')}; load {open('/proc/loadavg').read().strip()}")


if __name__ == "__main__":
    sys.exit(main())
