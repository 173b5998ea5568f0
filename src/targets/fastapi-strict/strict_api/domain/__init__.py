"""Entities, value objects and errors of the lab's domain. No framework, no database."""
