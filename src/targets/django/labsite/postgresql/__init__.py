"""Django's PostgreSQL backend, handing out only live pooled connections (``ENGINE``)."""
