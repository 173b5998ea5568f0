"""gunicorn settings of the Flask target (the bind address and worker count come from the
manifest's command line). Read by the master before it forks, so a bad configuration stops here:
one line on stderr and exit 2.

- gthread workers with as many threads as the database pool has connections (LAB_DB_POOL), so a
  worker serves as many requests at once as it has connections for, like the async targets.
- no access log, warnings only, no reload; no control socket (gunicorn >= 25 opens one per
  instance at a fixed path, which two targets running side by side would fight over).
"""

from lab_contract.config import settings_or_exit

_settings = settings_or_exit("flask", data_layers=("sqlalchemy",))

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
    """First database connection at worker start: the dialect's one-time queries (server version,
    type lookups) happen here, not inside the first (measured, statement-counted) request."""
    from app.extensions import database

    with worker.wsgi.app_context(), database.engine.connect():
        pass
