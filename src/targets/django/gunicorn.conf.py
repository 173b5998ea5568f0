"""gunicorn settings of the Django target (the bind address and worker count come from the
manifest's command line). Read by the master before it forks, so a bad configuration stops here:
one line on stderr and exit 2.

- gthread workers with as many threads as the database pool has connections (LAB_DB_POOL): each
  thread holds at most one pooled connection during a request, so no thread waits for one.
- no access log, warnings only, no reload; no control socket (gunicorn >= 25 opens one per
  instance at a fixed path, which two targets running side by side would fight over).
"""

import os

from lab_contract.config import settings_or_exit

_settings = settings_or_exit("django", data_layers=("django-orm",))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")

# gthread with the contract's request timeout, LAB_REQUEST_TIMEOUT_MS (lab_contract.gunicorn_worker).
worker_class = "lab_contract.gunicorn_worker.ThreadWorker"
threads = _settings.db_pool
accesslog = None
loglevel = "warning"
reload = False
control_socket_disable = True
# SIGTERM: stop accepting, let in-flight requests finish (up to this many seconds), exit 0.
graceful_timeout = 10


def post_worker_init(worker):
    """Open the worker's connection pool before the first request: its connections (and their
    one-time setup) are there before anything is measured or counted."""
    from django.db import connection

    connection.ensure_connection()
    connection.close()
