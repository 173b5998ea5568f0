"""Flask 3 target: an application factory, one blueprint per area of the contract,
Flask-SQLAlchemy (SQLAlchemy 2 over psycopg 3) and gunicorn's gthread workers."""

from __future__ import annotations

import httpx
from flask import Flask

from lab_contract.config import JSON_BODY_LIMIT_BYTES, load_settings, sqlalchemy_url
from lab_contract.meta import target_meta
from lab_contract.redis_store import open_blocking
from lab_contract.request_log import RequestLog
from lab_contract.upstream import client_options
from lab_sqlalchemy.pool import discard_dead_connections, engine_options
from lab_sqlalchemy.statements import LAYER

from .blueprints import MemberConverter, auth, basic, cache, db, flow, protected, reports, upload, users
from .errors import install_error_handlers
from .extensions import database


def create_app() -> Flask:
    settings = load_settings(data_layers=(LAYER,))
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=sqlalchemy_url(settings.database_url, "psycopg"),
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.db_pool),
        # JSON bodies up to 1 MiB (413 above); /upload raises its own request's limit.
        MAX_CONTENT_LENGTH=JSON_BODY_LIMIT_BYTES,
        # Methods a route does not list are 405, OPTIONS included.
        PROVIDE_AUTOMATIC_OPTIONS=False,
    )
    # Echo returns objects with their keys in the order they came (and sorting costs time).
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["lab"] = {
        "settings": settings,
        "request_log": RequestLog(),
        # One keep-alive client for the upstream, sized like the pool; shared by the threads.
        "upstream": httpx.Client(**client_options(settings)),
        # Redis of the cache, session and flow routes: a pool as large as the database's (one
        # connection per thread at most).
        "redis": open_blocking(settings.redis_url, settings.db_pool) if settings.redis_url else None,
        "meta": target_meta(
            target="flask",
            framework="flask",
            distribution="flask",
            data_layer=settings.data_layer,
            db_pool=settings.db_pool,
        ),
    }
    database.init_app(app)
    with app.app_context():
        discard_dead_connections(database.engine)
    install_error_handlers(app)
    app.url_map.converters["member"] = MemberConverter
    blueprints = [basic.bp, users.bp, protected.bp, upload.bp, db.bp, auth.bp, reports.bp]
    if settings.redis_url:
        # Without Redis the cache, session and flow paths are not served: 404 like any unknown path.
        blueprints += [cache.bp, auth.session_bp, flow.bp]
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    return app
