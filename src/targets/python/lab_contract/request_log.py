"""The request-logging middleware's sink: an in-memory ring buffer, never stdout, so scenario 06
measures the middleware chain and not terminal I/O."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LogEntry:
    method: str
    path: str
    status: int
    duration_ms: float


class RequestLog:
    """Holds the last ``capacity`` entries. deque.append is atomic, so gthread workers share it."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[LogEntry] = deque(maxlen=capacity)
        self.capacity = capacity

    def append(self, entry: LogEntry) -> None:
        self._entries.append(entry)

    @property
    def size(self) -> int:
        """Entries currently held (at most ``capacity``)."""
        return len(self._entries)
