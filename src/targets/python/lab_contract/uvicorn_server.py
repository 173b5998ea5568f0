"""How the FastAPI targets are served: uvicorn with production settings, after a configuration
check. One process by default (``--workers``, the manifest's ``{workers}``, for more: uvicorn's
own supervisor), uvloop and httptools, no access log, warnings only, no reload. Bad configuration
is one line on stderr and exit 2 before uvicorn starts (with several workers it would otherwise
restart failing workers forever)."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

from .config import settings_or_exit


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
        http="httptools",
        access_log=False,
        log_level="warning",
        server_header=False,
        timeout_graceful_shutdown=10,
    )
