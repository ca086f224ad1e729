"""A service of this process (the Redis cache, the Celery queue) that failed a moment
ago: for a few seconds callers skip it, so that one that does not answer costs one
timeout, not one on every call."""

from __future__ import annotations

import threading
import time


class Outage:
    def __init__(self, retry_after_seconds: float) -> None:
        self.retry_after_seconds = retry_after_seconds
        self._lock = threading.Lock()
        self.until = 0.0

    @property
    def active(self) -> bool:
        return time.monotonic() < self.until

    def begin(self, error: Exception | None = None) -> bool:
        """The service failed: skip it for a while. True when it was not already out,
        for logging an outage once."""
        with self._lock:
            first = self.until == 0.0
            self.until = time.monotonic() + self.retry_after_seconds
        return first

    def end(self) -> bool:
        """The service answered. True when that ends an outage."""
        with self._lock:
            ended = self.until != 0.0
            self.until = 0.0
        return ended
