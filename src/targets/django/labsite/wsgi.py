"""The WSGI application gunicorn serves (``labsite.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labsite.settings")

application = get_wsgi_application()
# The URLconf (and with it every view) now, at worker start, not on the first request.
get_resolver().url_patterns  # noqa: B018 - evaluated for its side effect
