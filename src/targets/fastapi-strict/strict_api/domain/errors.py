"""What can go wrong in the domain's terms; presentation maps each to the contract's error."""

from __future__ import annotations


class DomainError(Exception):
    """Base of the domain's errors."""


class NotFound(DomainError):
    """A user, product, post, column shape, column type or orders dimension that does not exist."""


class Conflict(DomainError):
    """An email or sku that exists already; a decrement that could not be applied."""


class UnsupportedStrategy(DomainError):
    """A bulk insert strategy the data layer does not have."""


class InvalidCredentials(DomainError):
    """A missing, malformed, badly signed or expired bearer token; an unknown, expired or ended
    session; a wrong email or password."""


class UpstreamUnavailable(DomainError):
    """The upstream service failed or answered an error."""


class FileTooLarge(DomainError):
    """An upload above the limit."""
