"""gunicorn's gthread worker plus the contract's request timeout (``LAB_REQUEST_TIMEOUT_MS``),
for the gunicorn targets (``worker_class`` in their gunicorn.conf.py: gunicorn takes a worker
class by its Python path).

gunicorn has no setting for it: ``timeout`` is the worker's heartbeat, ``keepalive`` bounds the
wait between requests, and a gthread thread reads a request's head and body with a blocking
socket for as long as the client takes (its docs put a buffering proxy in front for that). So a
client trickling bytes would hold a thread, of which there are only LAB_DB_POOL, indefinitely.
Here a request's head and body must arrive within the timeout of its first byte; past it the
connection is shut down (the contract's "closed connection"), the application sees the body end
early, and its answer goes nowhere. Reads after the request is in, and the application's own time,
are not limited.
"""

from __future__ import annotations

import contextlib
import socket
import time
from typing import Any

from gunicorn.workers import gthread

from .config import request_timeout


class RequestSocket:
    """A connection's socket (everything delegated) whose reads end at the current request's
    deadline: ``timeout`` seconds after the request's first read."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self._sock = sock
        self._timeout = timeout
        self._reading_request = False
        self._deadline: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

    def begin_request(self) -> None:
        self._reading_request = True
        self._deadline = None

    def end_request(self) -> None:
        self._reading_request = False

    def recv(self, size: int, *flags: int) -> bytes:
        if not self._reading_request:
            return self._sock.recv(size, *flags)
        now = time.monotonic()
        if self._deadline is None:
            self._deadline = now + self._timeout
        remaining = self._deadline - now
        if remaining > 0:
            # gunicorn may have bounded this read itself (draining an unread body): the shorter
            # bound applies, and its timeout is its own to handle.
            bound = self._sock.gettimeout()
            self._sock.settimeout(remaining if bound is None else min(bound, remaining))
            try:
                return self._sock.recv(size, *flags)
            except TimeoutError:
                if bound is not None and bound <= remaining:
                    raise
            finally:
                self._sock.settimeout(bound)
        # Too late: reads see the end, writes fail (gunicorn lets EPIPE pass quietly).
        with contextlib.suppress(OSError):  # the client may be gone already
            self._sock.shutdown(socket.SHUT_RDWR)
        return b""


class ThreadWorker(gthread.ThreadWorker):
    """The gthread worker, its connections' sockets wrapped in RequestSocket."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_timeout = request_timeout()

    def enqueue_req(self, conn: gthread.TConn) -> None:
        # Every request of a connection goes through here (new, kept alive or read ahead), before
        # the connection's parser is made from its socket.
        if not isinstance(conn.sock, RequestSocket):
            conn.sock = RequestSocket(conn.sock, self.request_timeout)
        super().enqueue_req(conn)

    def handle(self, conn: gthread.TConn) -> Any:
        conn.sock.begin_request()
        try:
            return super().handle(conn)
        finally:
            conn.sock.end_request()
