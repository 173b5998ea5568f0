"""SQLAlchemy 2 mapping and statements of the lab's tables, shared by the SQLAlchemy targets."""
