#!/usr/bin/env python3
"""What one durable write costs at least on this disk, before any database: a small record
written and fdatasync'ed, in a loop on one thread. Twice: appended to a file that grows (what a
log does), and written over a file allocated beforehand (the file's size no longer changes, so
the sync has no metadata to write).

    /usr/bin/python3 bench/fsync_floor.py [--dir DIR] [--count N] [--rounds R] [--bytes B]

Prints the median microseconds per write + fdatasync of each kind over the rounds.
"""
import argparse
import os
import statistics
import tempfile
import time


def one_round(directory, count, size, preallocated):
    fd, path = tempfile.mkstemp(dir=directory, prefix="fsync-floor-")
    try:
        if preallocated:
            os.write(fd, b"\0" * (count * size + 4096))
            os.fsync(fd)
            os.lseek(fd, 0, os.SEEK_SET)
        record = b"x" * size
        start = time.perf_counter()
        for _ in range(count):
            os.write(fd, record)
            os.fdatasync(fd)
        return (time.perf_counter() - start) / count * 1e6
    finally:
        os.close(fd)
        os.unlink(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", default=tempfile.gettempdir(), help="directory on the disk to measure")
    ap.add_argument("--count", type=int, default=2000, help="writes per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--bytes", type=int, default=120, help="record size")
    a = ap.parse_args()
    if a.count < 1 or a.rounds < 1 or a.bytes < 1:
        ap.error("--count, --rounds and --bytes must be positive")
    results = {"appended": [], "overwritten": []}
    for _ in range(a.rounds):  # interleaved, so both kinds see the same disk
        results["appended"].append(one_round(a.dir, a.count, a.bytes, False))
        results["overwritten"].append(one_round(a.dir, a.count, a.bytes, True))
    for kind, us in results.items():
        print(f"{kind:12} {statistics.median(us):6.0f} µs per write + fdatasync "
              f"(rounds: {', '.join(f'{u:.0f}' for u in us)})")


if __name__ == "__main__":
    main()
