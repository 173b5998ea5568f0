"""How the FastAPI targets are served: uvicorn with production settings, after a configuration
check. One process by default (``--workers``, the manifest's ``{workers}``, for more: uvicorn's
own supervisor), uvloop and httptools (with the contract's request timeout), no access log,
warnings only, no reload. Bad configuration is one line on stderr and exit 2 before uvicorn
starts (with several workers it would otherwise restart failing workers forever)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .config import request_timeout, settings_or_exit

_REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class RequestTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol plus the contract's request timeout (``LAB_REQUEST_TIMEOUT_MS``),
    which uvicorn has no setting for: its one timeout is keep-alive, so a client trickling a request
    would hold its connection, and the handler waiting for the body, for as long as it likes.
    A request's head and body must arrive within the timeout of its first byte, else the answer is
    408 (when no response has started) and the connection closes, as Node's ``requestTimeout``
    does. What the application does once the request is in is not limited. uvicorn takes a
    protocol class as its ``http`` setting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timeout = request_timeout()
        self._deadline: asyncio.TimerHandle | None = None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._deadline = self.loop.call_later(self._timeout, self._timed_out)

    def on_message_complete(self) -> None:
        self._cancel_deadline()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        # The cycle of this request exists once its head is complete.
        cycle = self.cycle if self.cycle is not None and self.cycle.scope is self.scope else None
        if cycle is None or not cycle.response_started:
            self.transport.write(_REQUEST_TIMEOUT)
        if cycle is not None:
            # The application is told the client is gone, and sends nothing more.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()


def serve(target: str, app_factory: Callable[[], Any], data_layers: tuple[str, ...]) -> None:
    parser = argparse.ArgumentParser(description=f"the {target} target")
    parser.add_argument("--workers", type=int, default=1)
    workers = parser.parse_args().workers
    settings = settings_or_exit(target, data_layers=data_layers)
    # uvicorn stops gracefully on SIGTERM (stops accepting, finishes in-flight requests, runs the
    # lifespan shutdown that closes the pool), then raises the signal again for its embedder: a
    # stop we asked for ends with status 0, like the Node targets.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        # An import string (workers import it themselves), and a factory: the app is built in
        # the serving process.
        f"{app_factory.__module__}:{app_factory.__name__}",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        loop="uvloop",
        http=f"{__name__}:{RequestTimeoutProtocol.__name__}",
        access_log=False,
        log_level="warning",
        server_header=False,
        timeout_graceful_shutdown=10,
    )
