#!/usr/bin/python3
"""pyzdb (github.com/asrp/pyzdb, Python 2) ported to Python 3 at run time, as a reference server for
the document-store figures. No pyzdb code is kept in this repository: `prepare` exports it from a
git checkout the user gives and transforms it; `serve` runs the result on loopback only.

    /usr/bin/python3 bench/pyzdb.py prepare --pyzdb-git PYZDB/.git --undoable-git UNDOABLE/.git \
        --out /tmp/pyzdb-py3
    /usr/bin/python3 bench/pyzdb.py serve --dir /tmp/pyzdb-py3 --port PORT
    /usr/bin/python3 bench/zmq_load.py -e tcp://127.0.0.1:PORT --protocol pyzdb --clients 16 \
        --count 48000 --body '{"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}'

What pyzdb's own client sends (client.py, Caller._run; one JSON frame on a REQ socket, the reply is
one frame, json.dumps of the result):
    db['k']        {"mode": "read", "index": ["k"], "func": null, "args": [], "kwargs": {}}
    db['k'] = v    {"mode": "write", "index": [], "func": "__setitem__", "args": ["k", v], "kwargs": {}}
(Python 2 ordered these keys by hash; the server reads them with json.loads, so order is irrelevant.)
The server answers an exception with json.dumps(traceback.format_exc()), i.e. a JSON string that
starts with "Traceback (most recent call last):", and a result json cannot encode with str(result).

prepare: exports server.py and util.py (pyzdb, HEAD) and undoable.py (undoable, HEAD) into OUT (the
originals also into OUT/orig/, the differences into OUT/port.diff, the commits into OUT/SOURCE),
then ports them mechanically:
  1. `python3 -m lib2to3 -w -n` on server.py and util.py (the standard fixers; lib2to3 is in
     Python 3.11 and 3.12, deprecated, gone in 3.13). In server.py it
     changes exactly: cStringIO -> io (StringIO), cPickle -> pickle, copy_reg -> copyreg,
     `exec co in globals()` -> `exec(co, globals())`. util.py needs nothing. undoable.py is
     copied unchanged: upstream made it Python 2/3 compatible (its commit 60332c3), and 2to3 would
     only add a needless list() copy in deepwrap. One gap is left as it is: Python 3 no longer
     calls __setslice__/__delslice__, so slice assignment on observed lists and trees is not
     logged, and a write after an undo (UndoLog.clear_redo deletes a slice of the undo tree)
     fails with AttributeError. The benchmark's get and set never undo.
  2. Textual fixes in server.py, each of which must match exactly once (else prepare fails):
     - Database.__init__'s default `bigfiledir=os.path.join([".", "bigfiles"])` is evaluated when
       the class is defined; Python 3's os.path.join refuses a list (TypeError at import), Python
       2's returned the list unchanged. Made `os.path.join(".", "bigfiles")`, the evident intent
       (only used when a file is stored, which the benchmark never does).
     - pickle files are opened 'rb' (load) and 'wb' (save): Python 3 pickles are bytes; save
       passes protocol 0, Python 2 cPickle's default: with Python 3's default (4) a Database (a
       dict subclass) is rebuilt item by item through observed_dict.__setitem__ before its
       attributes exist, and load fails (AttributeError: no attribute 'callbacks').
     - ProcessDevice identities: '%s-router' % prefix -> (...).encode() (pyzmq wants bytes).
     - the reply: self.socket.send(output) -> self.socket.send(output.encode("utf-8")); in Python 2
       output was already a byte string (json.dumps is ASCII by default), pyzmq 3 refuses str.
     - the list of iterator types the server turns into lists before json.dumps
       ('listiterator', 'dictionary-keyiterator') also gets their Python 3 names
       ('list_iterator', 'dict_keyiterator') and the dict views ('dict_keys', 'dict_values',
       'dict_items'): in Python 2 keys()/values()/items() returned lists, so `db.keys()` answered
       a JSON list; without this it would answer "dict_keys([...])".
  Nothing else changes: the request loop (recv, json.loads, walk "index", getattr "func", deepwrap
  of args and kwargs, call, json.dumps with util.Encoder, send), the ROUTER/DEALER ProcessDevice
  queues and the REP socket are pyzdb's own, not optimised. The server never saves by itself
  (only a client's db.save() does) and logs every request with logging.debug, formatting it first,
  as the original does.

serve: runs OUT/server.py as __main__ (runpy, in this process) with explicit URIs so that it binds
127.0.0.1 only: write_client tcp://127.0.0.1:PORT (clients connect there), and probed free loopback
ports for write_server, read_client, read_server and lock; the database file in a new temporary
folder (removed at exit). Its two ProcessDevice queues are child processes of this one: on SIGTERM
or SIGINT this process ends them (SIGTERM, SIGKILL after 3 s) and exits; they also get
PR_SET_PDEATHSIG, so that they end if this process is killed. Prints one JSON line first (its pid,
the URIs, the database file); the server is ready when a request is answered. It exits 1 if the
server's code raises.
"""
import argparse
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import traceback

PYZDB_FILES = ("server.py", "util.py")
UNDOABLE_FILES = ("undoable.py",)

# (old, new) in server.py after 2to3; each old must occur exactly once
SERVER_FIXES = [
    ('bigfiledir=os.path.join([".", "bigfiles"])',
     'bigfiledir=os.path.join(".", "bigfiles")'),
    ('pickle.load(open(filename))',
     'pickle.load(open(filename, "rb"))'),
    ('pickle.dump(self, open(self.filename + ".new", "w"))',
     'pickle.dump(self, open(self.filename + ".new", "wb"), 0)'),
    ("pd.setsockopt_in(zmq.IDENTITY, '%s-router' % prefix)",
     "pd.setsockopt_in(zmq.IDENTITY, ('%s-router' % prefix).encode())"),
    ("pd.setsockopt_out(zmq.IDENTITY, '%s-dealer' % prefix)",
     "pd.setsockopt_out(zmq.IDENTITY, ('%s-dealer' % prefix).encode())"),
    ("self.socket.send(output)",
     'self.socket.send(output.encode("utf-8"))'),
    ("['listiterator', 'dictionary-keyiterator']",
     "['listiterator', 'dictionary-keyiterator',"
     " 'list_iterator', 'dict_keyiterator', 'dict_keys', 'dict_values', 'dict_items']"),
]
# what lib2to3 must have done (checked after it ran)
EXPECT_2TO3 = ["from io import StringIO", "import pickle as pickle", "import copyreg",
               "copyreg.pickle(types.MethodType, reduce_method)", "exec(co, globals())"]


def git(git_dir, *args):
    """stdout of a git command on git_dir; a checkout that is not there ends prepare with its reason."""
    r = subprocess.run(["git", "--git-dir", git_dir, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit(f"prepare: git --git-dir {git_dir} {' '.join(args)}: {r.stderr.decode(errors='replace').strip()}")
    return r.stdout


def git_show(git_dir, path):
    return git(git_dir, "show", "HEAD:" + path)


def git_head(git_dir):
    return git(git_dir, "rev-parse", "HEAD").decode().strip()


def prepare(args):
    out = os.path.abspath(args.out)
    orig = os.path.join(out, "orig")
    os.makedirs(orig, exist_ok=True)
    sources = [(args.pyzdb_git, f) for f in PYZDB_FILES] + [(args.undoable_git, f) for f in UNDOABLE_FILES]
    for git_dir, name in sources:
        data = git_show(git_dir, name)
        for d in (orig, out):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    with open(os.path.join(out, "SOURCE"), "w") as f:
        f.write(f"pyzdb {git_head(args.pyzdb_git)} {os.path.abspath(args.pyzdb_git)}\n")
        f.write(f"undoable {git_head(args.undoable_git)} {os.path.abspath(args.undoable_git)}\n")

    # 1. lib2to3, standard fixers, in place, no backups
    subprocess.run([sys.executable, "-W", "ignore", "-m", "lib2to3", "-w", "-n", "--no-diffs"]
                   + [os.path.join(out, f) for f in PYZDB_FILES],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = os.path.join(out, "server.py")
    with open(path) as f:
        text = f.read()
    for line in EXPECT_2TO3:
        if line not in text:
            sys.exit(f"prepare: lib2to3 did not produce {line!r} in server.py")
    # 2. the textual fixes
    for old, new in SERVER_FIXES:
        n = text.count(old)
        if n != 1:
            sys.exit(f"prepare: expected {old!r} once in server.py, found it {n} times")
        text = text.replace(old, new)
    with open(path, "w") as f:
        f.write(text)
    for name in PYZDB_FILES + UNDOABLE_FILES:  # must at least compile
        with open(os.path.join(out, name)) as f:
            compile(f.read(), name, "exec")
    diff = subprocess.run(["diff", "-u", "-r", "orig", "."], cwd=out, stdout=subprocess.PIPE, text=True).stdout
    diff = "".join(l for l in diff.splitlines(True) if not l.startswith("Only in "))
    with open(os.path.join(out, "port.diff"), "w") as f:
        f.write(diff)
    print(json.dumps(dict(out=out, files=list(PYZDB_FILES + UNDOABLE_FILES), diff=os.path.join(out, "port.diff"))))
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(args):
    import multiprocessing
    import runpy

    src = os.path.abspath(args.dir)
    server_py = os.path.join(src, "server.py")
    if not os.path.isfile(server_py):
        sys.exit(f"serve: no {server_py}; run prepare first")
    tmp = tempfile.mkdtemp(prefix="pyzdb-db-")
    ports = [free_port() for _ in range(4)]
    uris = dict(write_client=f"tcp://127.0.0.1:{args.port}",
                write_server=f"tcp://127.0.0.1:{ports[0]}",
                read_client=f"tcp://127.0.0.1:{ports[1]}",
                read_server=f"tcp://127.0.0.1:{ports[2]}",
                lock=f"tcp://127.0.0.1:{ports[3]}")
    db_file = os.path.join(tmp, "db.pkl")
    main_pid = os.getpid()
    libc = ctypes.CDLL(None, use_errno=True)

    def in_child():  # the ProcessDevice children (forked by multiprocessing)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG

    os.register_at_fork(after_in_child=in_child)

    def stop(signum, frame, code=0):
        if os.getpid() != main_pid:
            os._exit(0)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        children = multiprocessing.active_children()
        for p in children:
            p.terminate()
        for p in children:
            p.join(3)
            if p.is_alive():
                p.kill()
                p.join(3)
        shutil.rmtree(tmp, ignore_errors=True)
        sys.stderr.write(f"pyzdb serve: {signum}, ended {[p.pid for p in children]}\n")
        sys.stderr.flush()
        os._exit(code)  # not SystemExit: the server's request loop has a bare except

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps(dict(pid=main_pid, db=db_file, **uris)), flush=True)

    sys.path.insert(0, src)
    sys.argv = [server_py, db_file, uris["write_client"], uris["write_server"],
                uris["read_client"], uris["read_server"], uris["lock"]] + ["-v"] * args.verbose
    try:
        runpy.run_path(server_py, run_name="__main__")
    except BaseException:  # the server loop only ends on an exception; do not leave the devices behind
        traceback.print_exc()
        stop("exception", None, 1)
    stop("end", None, 1)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare", help="export pyzdb and undoable from git and port them to Python 3")
    p.add_argument("--pyzdb-git", required=True, help="git directory of a pyzdb checkout")
    p.add_argument("--undoable-git", required=True, help="git directory of an undoable checkout")
    p.add_argument("--out", required=True, help="folder for the ported files")
    s = sub.add_parser("serve", help="run the ported server on 127.0.0.1")
    s.add_argument("--dir", required=True, help="a folder made by prepare")
    s.add_argument("--port", type=int, required=True, help="write_client port (clients connect here)")
    s.add_argument("-v", "--verbose", action="count", default=0, help="passed to server.py (-v info, -vv debug)")
    args = ap.parse_args(argv)
    return prepare(args) if args.cmd == "prepare" else serve(args)


if __name__ == "__main__":
    sys.exit(main())
