#!/usr/bin/python3
"""Two (or more) builds of Conduit side by side: which one serves 16 (or --clients) clients' document requests
(or echoes, --op echo) faster, to within a per cent or two on a machine whose speed drifts.

Each build runs as a node (a memory store, or with --backend a RocksDB one; the transport given) and
all of them are warmed up; then
rounds of COUNT requests from the C ZMTP generator (bench/zmq_load.c --wire zmtp, 16 clients by default) go to
them in turn, A B, B A, A B, ..., for PAIRS rounds. A round is short (a quarter of a second at
140,000 requests per second), so a pair runs within the same state of the machine: on the
two-vCPU VM these figures were taken on, everything now and then runs 15-20 % slower for tens of
seconds, which long rounds turn into one build's loss. What is printed per build is the median
rate, the median CPU of the node's event-loop thread per request, and the median and quartiles of
the per-pair ratios to the first build.

    /usr/bin/python3 bench/ab.py --pairs 40 --count 40000 before=/tmp/before.jar after=cli/target/conduit.jar
    /usr/bin/python3 bench/ab.py --java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ... (every node on that JDK)
    /usr/bin/python3 bench/ab.py --op set --backend rocksdb-nofsync ... (RocksDB stores, writes not synced)
    /usr/bin/python3 bench/ab.py --op echo --clients 1 --transport nio ... (the echo service, one client)

A build is NAME=JAR, optionally NAME=JAR,-Dproperty=value,... (JVM flags for that node only) and
serve:--option=value (a `conduit serve` option for that node only, e.g. serve:--loop-spin=0); a
jar path or flag with a comma in it cannot be given. A round with a failed or unanswered request ends
the run, naming the node's log.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import run  # bench/run.py: ports, process CPU, the C generator and the bodies



# the serve arguments of each --backend
BACKENDS = {"memory": ["-b", "memory"], "rocksdb": ["-b", "rocksdb"],
            "rocksdb-nofsync": ["-b", "rocksdb", "durability:none"]}


def parse_build(text):
    name, sep, spec = text.partition("=")
    parts = spec.split(",")
    if not sep or not name or not parts[0]:
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME=JAR[,JVM flag or serve option,...]")
    if not os.path.isfile(parts[0]):
        raise argparse.ArgumentTypeError(f"{name}: no jar at {parts[0]}")
    serve = [p[len("serve:"):] for p in parts[1:] if p.startswith("serve:")]
    flags = [p for p in parts[1:] if not p.startswith("serve:")]
    bad = [p for p in flags if not p.startswith("-")] + [p for p in serve if not p.startswith("--")]
    if bad:
        raise argparse.ArgumentTypeError(f"{name}: '{bad[0]}' is neither a JVM flag (-X..., -D...) nor a serve option "
                                         f"(serve:--name=value)")
    return name, parts[0], flags, serve


def loop_ticks(pid):
    """CPU ticks of the node's event-loop threads (the bridge's and the stores' loop on two cores)."""
    return sum(t for name, t in run.thread_ticks(pid).values() if name.startswith("vert.x-eventloo"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("builds", nargs="+", type=parse_build, metavar="NAME=JAR[,FLAG...]")
    ap.add_argument("--pairs", type=int, default=40, help="rounds per build (default 40)")
    ap.add_argument("--count", type=int, default=40000, help="requests per round (default 40000)")
    ap.add_argument("--warmup", type=int, default=800000, help="requests each node gets first (default 800000)")
    ap.add_argument("--op", choices=("get", "set", "echo"), default="get",
                    help="a document get or set, or the echo service's echo (default get)")
    ap.add_argument("--clients", type=int, default=16, help="ZMTP clients, each with one request at a time (default 16)")
    ap.add_argument("--transport", choices=("nio", "io_uring"), default="io_uring")
    ap.add_argument("--backend", choices=tuple(BACKENDS), default="memory",
                    help="the nodes' document store: memory (default), rocksdb (durable writes) or rocksdb-nofsync")
    ap.add_argument("--java", default="java", help="the java command the nodes run on")
    args = ap.parse_args(argv)
    if len(args.builds) < 2:
        ap.error("give at least two builds to compare")
    if len({b[0] for b in args.builds}) != len(args.builds):
        ap.error("each build needs a name of its own")
    if args.pairs < 1 or args.count < 1000:
        ap.error("--pairs must be at least 1 and --count at least 1000")
    if not 1 <= args.clients <= 1000:
        ap.error("--clients must be 1 to 1000")
    body = {"get": run.GET_BODY, "set": run.SET_BODY, "echo": None}[args.op]
    address = "echo" if args.op == "echo" else "docs"
    workdir = tempfile.mkdtemp(prefix="conduit-ab-")
    servers = run.Servers(workdir)
    try:
        generator = run.compile_c_load(workdir)
        nodes = []
        for name, jar, flags, serve in args.builds:
            port, web = run.free_port(), run.free_port()
            endpoint = f"tcp://127.0.0.1:{port}"
            data = servers.scratch(f"conduit-ab-{name}-")
            logpath = os.path.join(workdir, name + ".log")
            cmd = [args.java, "-XX:+ExitOnOutOfMemoryError"] + flags + [
                "-jar", jar, "serve", "-a", endpoint, "--events", "none", "--web", f"127.0.0.1:{web}",
                "--data", data, "--transport", args.transport] + BACKENDS[args.backend] + serve
            servers.start(name, cmd, lambda p=logpath, e=endpoint: "Ready." in open(p, errors="replace").read()
                          and run.ping(e))
            nodes.append((name, endpoint))

        def load(endpoint, count, warmup=100):
            cmd = run.zmq_load_cmd(endpoint, clients=args.clients, count=count, address=address, body=body, warmup=warmup,
                                   c_binary=generator, wire="zmtp")
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if r.returncode != 0:
                sys.exit(f"the generator failed ({r.returncode}): {r.stderr.strip()}")
            return run.parse_zmq_load(r.stdout)

        for name, endpoint in nodes:
            run.seed(endpoint)
            load(endpoint, args.warmup)
        rates = {name: [] for name, _ in nodes}
        cpu = {name: [] for name, _ in nodes}
        for i in range(args.pairs):
            for name, endpoint in (nodes if i % 2 == 0 else nodes[::-1]):
                pid = servers.pid(name)
                t0 = loop_ticks(pid)
                m = load(endpoint, args.count)
                if m["errors"]:
                    sys.exit(f"{name}: {m['errors']} requests failed or went unanswered ({m['error_codes']}); "
                             f"see {os.path.join(workdir, name + '.log')}")
                rates[name].append(m["req_s"])
                # every request of the round, its warm-up's too, ran on the loop meanwhile
                cpu[name].append((loop_ticks(pid) - t0) * 1e6 / os.sysconf("SC_CLK_TCK") / m["requests"])
        first = nodes[0][0]
        print(f"{args.pairs} rounds of {args.count:,} {args.op}s per build, {args.backend}, {args.clients} ZMTP clients, {args.transport}, "
              f"{time.strftime('%H:%M:%S')}")
        for name, _ in nodes:
            ratios = [a / b for a, b in zip(rates[name], rates[first])]
            cpu_ratios = [a / b for a, b in zip(cpu[name], cpu[first]) if b > 0] or [float("nan")]
            q = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
            print(f"{name:12s} {statistics.median(rates[name]):9,.0f} /s   event loop "
                  f"{statistics.median(cpu[name]):5.2f} µs/request   × {first}: rate {statistics.median(ratios):.3f} "
                  f"(quartiles {q[0]:.3f}-{q[2]:.3f}), loop CPU {statistics.median(cpu_ratios):.3f}")
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
