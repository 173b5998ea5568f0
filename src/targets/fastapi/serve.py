"""Entry point: checks the configuration, then runs uvicorn with production settings.

One process by default (``--workers``/``{workers}`` in the manifest for more), uvloop and
httptools, no access log, warnings only, no reload. Bad configuration is one line on stderr and
exit 2, before uvicorn starts (with several workers it would otherwise restart failing workers
forever).
"""

from __future__ import annotations

import argparse
import signal
import sys

import uvicorn

# Imported here (not only by uvicorn, from the string below) so that importing this module checks
# the whole application imports: what `pnpm lab doctor` does.
from app.main import create_app

from lab_contract.config import settings_or_exit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1)
    workers = parser.parse_args().workers
    settings = settings_or_exit("fastapi", data_layers=("sqlalchemy",))
    # uvicorn stops gracefully on SIGTERM (stops accepting, finishes in-flight requests, runs the
    # lifespan shutdown that closes the pool), then raises the signal again for its embedder: a
    # stop we asked for ends with status 0, like the Node targets.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(
        f"{create_app.__module__}:{create_app.__name__}",
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


if __name__ == "__main__":
    main()
