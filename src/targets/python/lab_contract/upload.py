"""``POST /upload``: size and SHA-256 of the ``file`` part, fed chunk by chunk."""

from __future__ import annotations

import hashlib

from .errors import ApiError

#: Room for the multipart framing around a file at the limit (boundaries, part headers), so a
#: server-level body cap never refuses a file the contract accepts.
MULTIPART_SLACK_BYTES = 64 * 1024


class Digest:
    """Hashes a file as it streams; past ``limit`` it only counts (the rest is still read, so the
    connection stays usable) and ``result()`` answers 413."""

    __slots__ = ("_hash", "limit", "size")

    def __init__(self, limit: int) -> None:
        self._hash = hashlib.sha256()
        self.limit = limit
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= self.limit:
            self._hash.update(chunk)

    def result(self) -> dict[str, int | str]:
        if self.size > self.limit:
            raise ApiError("payload_too_large", f"file exceeds {self.limit} bytes")
        return {"size": self.size, "sha256": self._hash.hexdigest()}
