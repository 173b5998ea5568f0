"""Ports (what the use cases need from the outside) and use cases. Depends on the domain only."""
