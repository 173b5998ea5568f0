"""The app's process-wide resources, created once Django is set up."""

from __future__ import annotations

import httpx
from django.apps import AppConfig
from django.conf import settings

from lab_contract.meta import target_meta
from lab_contract.redis_store import open_blocking
from lab_contract.request_log import RequestLog
from lab_contract.upstream import client_options


class ApiConfig(AppConfig):
    name = "api"
    default = True

    def ready(self) -> None:
        lab = settings.LAB
        self.request_log = RequestLog()
        # One keep-alive client for the upstream, sized like the pool; shared by the threads.
        self.upstream = httpx.Client(**client_options(lab))
        # Redis of the cache, session and flow routes (REDIS_URL): redis-py's blocking client, a
        # pool as large as the database's (one connection per gunicorn thread at most).
        self.redis = open_blocking(lab.redis_url, lab.db_pool) if lab.redis_url else None
        self.meta = target_meta(
            target="django",
            framework="django-rest-framework",
            distribution="djangorestframework",
            data_layer=lab.data_layer,
            db_pool=lab.db_pool,
        )
