#!/usr/bin/python3
"""Markdown tables from the JSON lines of `bench/run.py --out FILE`: per series and target, the
median over the counted rounds (round 0 is a warm-up) of req/s, p50 and p99, the per-round values,
and the median of the per-round ratios to the reference of the same round.

    /usr/bin/python3 bench/summarize.py results.jsonl
"""
import json
import statistics
import sys

REFS = {
    "a) sync echo, 1 pyzmq REQ client": {"conduit echo": "jeromq echo", "libzmq echo": "jeromq echo",
                                         "conduit bench --sync (bridge)": ("conduit bench --sync (jeromq echo)",
                                                                           "conduit bench --sync (raw)")},
    "b) pipelined, conduit bench --raw": {"8x1000 bridge": ("8x1000 raw", "8x1000 jeromq echo"),
                                          "1000x1 bridge": ("1000x1 raw", "1000x1 jeromq echo")},
}


FLOOR = "bare zmtp echo"  # bench/zmtp_echo.c: reads and writes, nothing else


def docs_refs(labels):
    """The document-store series' references: the JeroMQ echo for every target; for a store's get
    and set also pyzdb's same operation when pyzdb ran in the same rounds, and the bare ZMTP echo
    when it ran (the share of the most any server answers here). The bare echo itself is compared
    with pyzdb's get: the highest ratio to pyzdb that any server can show on this machine."""
    refs = {lbl: "jeromq echo" for lbl in labels if lbl != "jeromq echo"}
    for lbl in labels:
        op = lbl.split()[-1]
        if op in ("get", "set") and not lbl.startswith("pyzdb"):
            wanted = ("jeromq echo",) + (("pyzdb " + op,) if "pyzdb " + op in labels else ())
            wanted += (FLOOR,) if FLOOR in labels else ()
            refs[lbl] = wanted if len(wanted) > 1 else "jeromq echo"
    if FLOOR in labels and "pyzdb get" in labels:
        refs[FLOOR] = ("jeromq echo", "pyzdb get")
    return refs


def cpu_table(counted, labels, refs):
    """CPU per request, when the rows carry it (bench/run.py's document-store series): the server's
    process (with its children) and the load generator's, over all the requests of each run, its
    warm-up included; then, for a target compared with pyzdb, pyzdb's server CPU per request over
    the target's, round by round (how many times the CPU pyzdb spends on the same request)."""
    rows = [r for r in counted if r.get("server_cpu_s") is not None and r.get("requests")]
    if not rows:
        return
    print("\n| target | server CPU µs/request, per round | median | generator CPU µs/request (median) | "
          "pyzdb's server CPU / this, per round | median |")
    print("| --- | --- | --- | --- | --- | --- |")

    def per_req(r, key):
        return r[key] * 1e6 / r["requests"]
    for lbl in labels:
        mine = {r["round"]: r for r in rows if r["label"] == lbl}
        if not mine:
            continue
        server = [per_req(mine[k], "server_cpu_s") for k in sorted(mine)]
        gen = statistics.median(per_req(m, "generator_cpu_s") for m in mine.values())
        wanted = refs.get(lbl) or ()
        pyzdb = [ref for ref in ((wanted,) if isinstance(wanted, str) else wanted) if ref.startswith("pyzdb")]
        ratios = []
        if pyzdb:
            theirs = {r["round"]: r for r in rows if r["label"] == pyzdb[0]}
            ratios = [per_req(theirs[k], "server_cpu_s") / per_req(mine[k], "server_cpu_s") for k in sorted(mine)
                      if k in theirs and mine[k]["server_cpu_s"] > 0]
        print(f"| {lbl} | {' / '.join(f'{v:.1f}' for v in server)} | **{statistics.median(server):.1f}** | {gen:.1f} | "
              f"{' / '.join(f'{x:.2f}' for x in ratios)} | {'**%.2f**' % statistics.median(ratios) if ratios else ''} |")


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    series = []
    for r in rows:
        if r["series"] not in series:
            series.append(r["series"])
    for s in series:
        rs = [r for r in rows if r["series"] == s]
        if s.startswith("d)"):
            print(f"\n### {s}\n\n| node | CPU % of a core | busiest threads |\n| --- | --- | --- |")
            for r in rs:
                print(f"| {r['label']} | {r['cpu_pct']:.2f} % over {r['seconds']} s | {r['threads']} |")
            continue
        counted = [r for r in rs if r["round"] > 0]
        if s.startswith("c')"):
            refs = {r["label"]: r["label"] + " (raw)" for r in rs if not r["label"].endswith("(raw)")}
        else:
            refs = REFS.get(s) or docs_refs({r["label"] for r in rs})
        labels = []
        for r in counted:
            if r["label"] not in labels:
                labels.append(r["label"])
        t0, t1 = min(r["time"] for r in counted), max(r["time"] for r in counted)
        print(f"\n### {s} ({len({r['round'] for r in counted})} rounds, {t0}-{t1})\n")
        print("| target | req/s, per round | median req/s | median p50 µs | median p99 µs | ratio to | per round | median ratio |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for lbl in labels:
            mine = {r["round"]: r for r in counted if r["label"] == lbl}
            vals = [mine[k]["req_s"] for k in sorted(mine)]
            wanted = refs.get(lbl) or ()
            # a target compared with two references gets a row per reference
            for i, ref in enumerate((wanted,) if isinstance(wanted, str) else wanted or (None,)):
                ratios = []
                if ref:
                    theirs = {r["round"]: r for r in counted if r["label"] == ref}
                    ratios = [mine[k]["req_s"] / theirs[k]["req_s"] for k in sorted(mine)
                              if k in theirs and theirs[k]["req_s"]]
                head = (f"| {lbl} | {' / '.join(f'{v:,.0f}' for v in vals)} | **{statistics.median(vals):,.0f}** | "
                        f"{statistics.median(m['p50_us'] for m in mine.values()):,.0f} | "
                        f"{statistics.median(m['p99_us'] for m in mine.values()):,.0f} |") if i == 0 else "| | | | | |"
                print(f"{head} {ref or ''} | {' / '.join(f'{x:.2f}' for x in ratios)} | "
                      f"{'**%.2f**' % statistics.median(ratios) if ratios else ''} |")
        cpu_table(counted, labels, refs)
        loads = [r["load1"] for r in counted]
        other = [r["other_cores"] for r in counted]
        errs = sum(r.get("errors", 0) for r in counted)
        print(f"\nConditions: load average {min(loads)}-{max(loads)} at run starts; other processes used "
              f"{min(other)}-{max(other)} cores during runs (median {statistics.median(other)}); errors: {errs}.")


if __name__ == "__main__":
    main(sys.argv[1])
