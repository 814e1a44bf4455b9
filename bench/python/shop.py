"""Workers of bench/python.py, run by the node as supervised processes
(``/usr/bin/python3 -m conduit.worker shop:worker`` / ``shop:slow``, cwd bench/python).

``worker``: the op ``upper`` measured against the Java ``UpperService``; ``slow``: an op that
sleeps 20 ms (one process serves about 50 requests a second), for the scaler's reaction time.
Both also answer ``pid`` (this process's id), which the driver uses to see every process serving.
"""
import os
import time

import conduit

worker = conduit.Worker()


@worker.op("upper")
def upper(args):
    return {"text": args["text"].upper()}


@worker.op("pid")
def pid():
    return os.getpid()


slow = conduit.Worker()


@slow.op("slow")
def sleep20():
    time.sleep(0.020)
    return "done"


slow.op("pid", pid)
