"""Conduit for Python: a client for a Conduit node's ZeroMQ bridge, with the APIs of the tools
Conduit replaces (pyzdb's documents, GrapheekDB's graphs, Celery's task results) and workers that
serve an address from Python.

    import conduit

    with conduit.connect("tcp://127.0.0.1:5555") as client:
        client.request("echo", {"hello": "world"})       # {'hello': 'world'}
        db = client.docs()                                # the document store "docs"
        db["fruits"] = ["apple"]
        db["fruits"].append("pear")

Every failure the node reports is a :class:`ConduitError` with its ``code``.
"""

from .client import Client, MapResult, Subscription, connect
from .docs import Batch, Docs, Lock, Ref
from .errors import ConduitError
from .graph import Edge, Graph, Node, Query
from .tasks import Progress, TaskError, TaskEvent, TaskFailed, TaskResult, TaskRevoked, Tasks

__all__ = ["Batch", "Client", "ConduitError", "Docs", "Edge", "Graph", "Lock", "MapResult", "Node", "Progress",
           "Query", "Ref", "Subscription", "TaskError", "TaskEvent", "TaskFailed", "TaskResult", "TaskRevoked",
           "Tasks", "Worker", "connect"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Worker is imported on first use, so `python -m conduit.worker` runs a module not yet imported.
    if name == "Worker":
        from .worker import Worker
        return Worker
    raise AttributeError("module 'conduit' has no attribute %r" % (name,))
