"""Production settings from the lab's environment (lab_contract.config): no debug, no admin,
sessions, CSRF or templates (an API of plain JSON), the ORM on a psycopg 3 connection pool of
exactly LAB_DB_POOL connections."""

from lab_contract.config import JSON_BODY_LIMIT_BYTES, database_parts, load_settings

LAB = load_settings(data_layers=("django-orm",))

SECRET_KEY = "lab-target-not-secret"  # required by Django; nothing here signs anything
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = ["rest_framework", "api"]
# Only CommonMiddleware: it sets Content-Length (gunicorn would send chunked bodies otherwise);
# no sessions, CSRF, auth or messages: an API of plain JSON.
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
APPEND_SLASH = False  # /users/ is an unknown path (404), not a redirect
ROOT_URLCONF = "labsite.urls"
WSGI_APPLICATION = "labsite.wsgi.application"

_db = database_parts(LAB.database_url)
DATABASES = {
    "default": {
        # Django's PostgreSQL backend, replacing pooled connections the server closed
        # (labsite/postgresql/base.py).
        "ENGINE": "labsite.postgresql",
        "NAME": _db.name,
        "USER": _db.user,
        "PASSWORD": _db.password,
        "HOST": _db.host,
        "PORT": _db.port or "",
        # Django's psycopg 3 pool (Django >= 5.1): a fixed size of exactly LAB_DB_POOL
        # connections per worker process, opened at worker start (gunicorn.conf.py).
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "pool": {"min_size": LAB.db_pool, "max_size": LAB.db_pool, "timeout": 30},
            # The session time zone Django wants, set at connect: no SET on a new connection.
            "options": "-c TimeZone=UTC",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# JSON bodies up to 1 MiB (413 above; the JSON parser enforces it for DRF's streamed bodies).
DATA_UPLOAD_MAX_MEMORY_SIZE = JSON_BODY_LIMIT_BYTES

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.ContractJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JSONOnly",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.contract_exception_handler",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
