"""The contract in clean architecture: ``domain`` (entities, value objects, domain errors; no
framework), ``application`` (ports and use cases; depends on the domain only), ``infrastructure``
(SQLAlchemy repositories, HTTP and JWT adapters implementing the ports), ``presentation``
(FastAPI routes, request/response models), wired in ``container`` (the composition root) and
handed to the routes by FastAPI's dependency injection. The same work as the `fastapi` target,
the same SQL (lab_sqlalchemy); what differs is the architecture."""
