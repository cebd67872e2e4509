"""The cache backend: Django's Redis cache, for which an unreachable Redis is a miss, not an error.

In production one Redis is both Celery's broker and the cache (``REDIS_URL``). The outbox keeps every
write safe while the broker is down (``safetybank/outbox.py``), but the cache is touched by nearly
every request and write: a daily check bumps the dashboards' versions (``safetybank/cacheversions.py``)
inside its transaction. With Django's backend a Redis that stopped answering turned each of those into
a 500, and the officer's submission was refused.

``ForgivingRedisCache`` answers as an empty cache instead while Redis is unreachable: reads miss (pages
are computed afresh, slower but right), writes and bumps are skipped, and a warning is logged at most
once a minute. A version bump lost that way cannot serve an old page for long: cached pages live at most
``cacheversions.TTL``, and a Redis that restarts empty starts every version again from the clock. Other
errors (a wrong command, a full memory) still raise.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARN_EVERY = 60  # seconds between two warnings that the cache is unreachable
_warned_at = 0.0


def _warn(exc: Exception) -> None:
    global _warned_at  # noqa: PLW0603 (one clock per process)
    now = time.monotonic()
    if now - _warned_at >= WARN_EVERY:
        _warned_at = now
        log.warning("cache unreachable, serving without it: %s", exc)


def _forgiving(answer):
    """Wrap a cache method: while Redis is unreachable, return ``answer(*args, **kwargs)`` instead."""

    def wrap(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _warn(exc)
                return answer(*args, **kwargs)

        return wrapper

    return wrap


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    return delta


class ForgivingRedisCache(RedisCache):
    get = _forgiving(_default)(RedisCache.get)
    get_many = _forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCache.has_key)
    add = _forgiving(lambda *a, **k: False)(RedisCache.add)
    set = _forgiving(lambda *a, **k: None)(RedisCache.set)
    set_many = _forgiving(lambda *a, **k: [])(RedisCache.set_many)
    touch = _forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _forgiving(_delta)(RedisCache.incr)
    clear = _forgiving(lambda *a, **k: False)(RedisCache.clear)
