"""Flask extensions, created unbound and initialised by the app factory."""

from flask_sqlalchemy import SQLAlchemy

#: ``database.session``: one session per application context (per request), closed (its
#: connection back in the pool) when the request's context ends, before the response is written.
#: The mapped classes are lab_sqlalchemy's, shared with the other SQLAlchemy targets.
database = SQLAlchemy(session_options={"expire_on_commit": False})
