"""The lab's `fastapi` target as the original lab ran its FastAPI app: SQLAlchemy echo on (every
statement logged), uvicorn's defaults (info log level, access log on, auto-selected loop and
parser) and auto-reload. Only to measure how much those settings explain of the original's
figures (docs/seed-findings.md); never a target of its own.

Run from the repository root with the target's environment (DATABASE_URL, UPSTREAM_URL, PORT, …),
e.g. the URLs `pnpm lab serve fastapi --fixtures users` prints:

    PYTHONPATH=src/targets/python:src/targets/fastapi:scripts \
      DATABASE_URL=… UPSTREAM_URL=… REDIS_URL=… PORT=8099 \
      taskset -c 0 .venv/bin/python scripts/original_fastapi.py > /tmp/original-fastapi.log 2>&1

and measure it beside the real targets as an external one:

    pnpm lab run --scenario 01,03 --target fastapi,django \
      --target-url http://127.0.0.1:8099 --name fastapi-as-original
"""

from __future__ import annotations

import os
from typing import Any

import uvicorn

import lab_sqlalchemy.pool as pool

_production = pool.engine_options


def _echoing(pool_size: int) -> dict[str, Any]:
    return {**_production(pool_size), "echo": True, "hide_parameters": False}


# Before app.main imports it: the patched options are the ones its engine is built with.
pool.engine_options = _echoing

from app.main import create_app  # noqa: E402  (must follow the patch)

__all__ = ["create_app"]

if __name__ == "__main__":
    # `uvicorn app.main:create_app --factory --reload`: reload needs an import string, and the
    # reloader's worker imports this module again (the patch comes with it).
    uvicorn.run(
        "original_fastapi:create_app",
        factory=True,
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        reload=True,
        reload_dirs=["src/targets/fastapi"],
    )
