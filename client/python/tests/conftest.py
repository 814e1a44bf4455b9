"""Starts one real `conduit serve` node for the session (memory stores, ports probed free) unless
CONDUIT_ENDPOINT names one already running; every test talks to it over the bridge. The node runs
`cli/target/conduit.jar`, or the jar CONDUIT_JAR names (a copy, while the build rewrites that one)."""

import contextlib
import os
import pathlib
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


# Probed below Linux's ephemeral range (32768 and up), so that no outgoing connection is given the
# port between the probe and the bind of the node it is for, which comes seconds later.
PORTS = range(30000, 32700)


def _free(*ports):
    try:
        with contextlib.ExitStack() as held:
            for port in ports:
                s = held.enter_context(socket.socket())
                s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False


def free_port_pair():
    """Two consecutive free ports (the bridge's requests and events)."""
    for _ in range(200):
        port = random.randrange(PORTS.start, PORTS.stop - 1)
        if _free(port, port + 1):
            return port
    raise RuntimeError("no two free consecutive ports")


def free_port():
    for _ in range(200):
        port = random.randrange(PORTS.start, PORTS.stop)
        if _free(port):
            return port
    raise RuntimeError("no free port")


class Node:
    """A `conduit serve` process: its endpoints, its output file, killed by its pid at the end."""

    def __init__(self, extra_args=()):
        jar = pathlib.Path(os.environ.get("CONDUIT_JAR") or ROOT / "cli" / "target" / "conduit.jar")
        if not jar.exists():
            raise RuntimeError("%s is missing: build Conduit (mvn -B install) or name a jar in CONDUIT_JAR" % jar)
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="conduit-py-"))
        port = free_port_pair()
        self.endpoint = "tcp://127.0.0.1:%d" % port
        self.events = "tcp://127.0.0.1:%d" % (port + 1)
        self.web = free_port()
        self.log = self.dir / "node.out"
        java = os.environ.get("CONDUIT_TEST_JAVA", "java")
        command = [java, "-XX:+ExitOnOutOfMemoryError", "-Xmx512m", "-jar", str(jar), "serve",
                   "-a", self.endpoint, "--events", self.events, "--web", "127.0.0.1:%d" % self.web,
                   "-b", "memory", "--data", str(self.dir / "data")] + list(extra_args)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=str(self.dir))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("conduit serve exited %s:\n%s" % (self.process.returncode, self.output()))
            if "Ready" in self.output():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("conduit serve not ready within 120 s:\n%s" % self.output())

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def node():
    if os.environ.get("CONDUIT_ENDPOINT"):
        class Running:
            endpoint = os.environ["CONDUIT_ENDPOINT"]
            events = os.environ.get("CONDUIT_EVENTS")
        yield Running()
        return
    started = Node()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def client(node):
    import conduit
    with conduit.connect(node.endpoint, events=node.events, timeout=10) as c:
        yield c
