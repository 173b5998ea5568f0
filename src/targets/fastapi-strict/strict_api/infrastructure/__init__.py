"""Adapters implementing the application's ports: SQLAlchemy repositories, the upstream's HTTP
client, the JWT verifier, the in-memory request log."""
