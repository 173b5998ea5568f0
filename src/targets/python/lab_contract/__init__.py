"""Pieces of the lab's HTTP contract (docs/contract.md) shared by the Python targets."""
