#!/usr/bin/env python3
"""Submits a task to Conduit's task queue and follows it to the end with a progress bar.

    python3 task_demo.py [ENDPOINT] [EVENTS_ENDPOINT] [TASK] [ARGS_JSON]

Defaults: tcp://127.0.0.1:5555, the next port for events, example.count, {"to": 10, "stepMs": 200}.
Progress arrives as events on tasks.events.<id> through the bridge's XPUB; when none comes for a
second (the subscription is not in place yet, or the task is quiet) the status is asked instead.
Exit status 0 only when the task ends in SUCCESS.
"""

import json
import sys

from conduit_client import ConduitClient, ConduitError

FINAL = ("SUCCESS", "FAILURE", "REVOKED")


def bar(status):
    progress = status.get("progress", {})
    current, total = progress.get("current", 0), progress.get("total", 0)
    filled = current * 20 // total if total else 0
    return "[%s%s] %s/%s %s %s" % ("#" * filled, "." * (20 - filled), current, total, status["state"],
                                    progress.get("message", ""))


def main(argv):
    endpoint = argv[1] if len(argv) > 1 else "tcp://127.0.0.1:5555"
    events = argv[2] if len(argv) > 2 else None
    task = argv[3] if len(argv) > 3 else "example.count"
    args = json.loads(argv[4]) if len(argv) > 4 else {"to": 10, "stepMs": 200}
    with ConduitClient(endpoint, events, timeout_ms=10000) as client:
        try:
            task_id = client.request("tasks", {"op": "submit", "task": task, "args": args})["id"]
        except ConduitError as e:
            # The queue's own status (400, 404 ...) is the error's code, and its failureCode.
            print("submit refused: %s %s" % (e.details.get("failureCode", e.code), e.message))
            return 2
        print("submitted %s" % task_id)
        with client.subscribe("tasks.events." + task_id) as updates:
            status = client.request("tasks", {"op": "status", "id": task_id})
            shown = None
            while True:
                line = bar(status)
                if line != shown:
                    print(line, flush=True)
                    shown = line
                if status["state"] in FINAL:
                    break
                try:
                    _, event = updates.receive(timeout_ms=1000)
                    status = event if event["state"] not in FINAL else client.request(
                        "tasks", {"op": "status", "id": task_id})
                except ConduitError as e:
                    if e.code != "TIMEOUT":
                        raise
                    status = client.request("tasks", {"op": "status", "id": task_id})
    if status["state"] == "SUCCESS":
        print("SUCCESS %s" % json.dumps(status["result"], sort_keys=True))
        return 0
    print("%s %s" % (status["state"], status.get("error", "")))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
