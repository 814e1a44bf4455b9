"""Opening the package's ZeroMQ sockets, the one way every client and the worker do it."""

from typing import Any, Optional

import zmq


def connect(context: Any, kind: int, endpoint: str, curve: Optional[Any]) -> Any:
    """A socket of ``context`` (plain or asyncio) connected to ``endpoint``, CURVE when ``curve``
    (``server``, ``public``, ``secret`` keys) is given, lingering not at all. A socket that fails
    half-made is closed, or its context could never be terminated."""
    socket = context.socket(kind)
    try:
        socket.setsockopt(zmq.LINGER, 0)
        if curve is not None:
            socket.curve_serverkey = curve.server
            socket.curve_publickey = curve.public
            socket.curve_secretkey = curve.secret
        socket.connect(endpoint)
    except BaseException:
        socket.close(linger=0)
        raise
    return socket
