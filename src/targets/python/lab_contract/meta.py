"""``GET /meta``: what reports need to name a target precisely."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from typing import Any


def installed_version(distribution: str) -> str:
    """The installed version of a distribution (what actually runs, from .venv)."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def target_meta(
    *, target: str, framework: str, distribution: str, data_layer: str, db_pool: int
) -> dict[str, Any]:
    """The Meta body; build it in each serving process (``pid`` is that process's)."""
    return {
        "target": target,
        "framework": framework,
        "frameworkVersion": installed_version(distribution),
        "adapter": None,
        "dataLayer": data_layer,
        "runtime": "python",
        "runtimeVersion": platform.python_version(),
        "pid": os.getpid(),
        "dbPool": db_pool,
    }
