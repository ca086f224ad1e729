"""The Redis cache, kept out of the way of pages when Redis is away.

Django's own RedisCache raises whenever Redis cannot be reached, and every page that
touches the cache (sign-in counts failed attempts there) would then fail with it. This
backend treats such errors as misses, as django-redis's IGNORE_EXCEPTIONS does: reads
find nothing, writes are dropped, `add` reports the key as added (as it would be in an
empty cache) and `incr` as missing. The first error is logged; for the next
RETRY_AFTER_SECONDS the process does not try Redis at all, so that a Redis that does
not answer (rather than refuses) costs one timeout, not one on every call; after that
the next call tries again and a success is logged.

What this means for sign-in: while Redis is away allauth's rate limits find no earlier
attempts and count none, so they do not hold (they "fail open"). People can still sign
in, the secretariat included; guessing passwords is still slowed by the password
hasher and, for every account with a say in the agreement, stopped by the second
factor. The alternative, refusing every sign-in until Redis is back, would lock
everybody out for a fault nobody outside can cause.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

from convenant.backoff import Outage

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0

T = TypeVar("T")


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outage = Outage(RETRY_AFTER_SECONDS)

    def _call(self, operation: Callable[[], T], fallback: Callable[[], T]) -> T:
        if self.outage.active:
            return fallback()
        try:
            result = operation()
        except RedisError as error:
            if self.outage.begin(error):
                logger.error(
                    "The Redis cache cannot be reached (%s); it is treated as empty "
                    "until it answers again",
                    error,
                )
            return fallback()
        if self.outage.end():
            logger.warning("The Redis cache answers again")
        return result

    # Each operation with what an empty cache would answer.
    def add(self, key, value, timeout):
        return self._call(
            lambda: RedisCacheClient.add(self, key, value, timeout), lambda: True
        )

    def get(self, key, default):
        return self._call(
            lambda: RedisCacheClient.get(self, key, default), lambda: default
        )

    def set(self, key, value, timeout):
        return self._call(
            lambda: RedisCacheClient.set(self, key, value, timeout), lambda: None
        )

    def touch(self, key, timeout):
        return self._call(
            lambda: RedisCacheClient.touch(self, key, timeout), lambda: False
        )

    def delete(self, key):
        return self._call(lambda: RedisCacheClient.delete(self, key), lambda: False)

    def get_many(self, keys):
        return self._call(lambda: RedisCacheClient.get_many(self, keys), dict)

    def has_key(self, key):
        return self._call(lambda: RedisCacheClient.has_key(self, key), lambda: False)

    def incr(self, key, delta):
        def missing() -> int:
            raise ValueError(f"Key '{key}' not found.")

        return self._call(lambda: RedisCacheClient.incr(self, key, delta), missing)

    def set_many(self, data, timeout):
        return self._call(
            lambda: RedisCacheClient.set_many(self, data, timeout), lambda: None
        )

    def delete_many(self, keys):
        return self._call(
            lambda: RedisCacheClient.delete_many(self, keys), lambda: None
        )

    def clear(self):
        return self._call(lambda: RedisCacheClient.clear(self), lambda: False)


class ResilientRedisCache(RedisCache):
    """RedisCache that treats an unreachable Redis as an empty cache (see above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
