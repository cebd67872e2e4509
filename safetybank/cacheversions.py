"""Version keys for cached pages: a writer bumps the names its change touches; a reader puts their
current values into its cache key, so the next view after a change misses and recomputes.

A version that is missing from the cache (a cleared or evicted cache) starts again from the clock,
never from 0, so an old cached page can never match it again. Bumps run after commit: a reader
that recomputes in between cannot store the old figures under the new version.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

PREFIX = "v:"


def _key(name: str) -> str:
    return f"{PREFIX}{name}"


def _bump_now(names: list[str]) -> None:
    for name in names:
        key = _key(name)
        try:
            cache.incr(key)
        except ValueError:  # not there (yet, or evicted): a fresh start that no old entry can match
            if not cache.add(key, time.time_ns(), None):
                cache.incr(key)


def bump(*names: str) -> None:
    """Invalidate what was cached under these names, once the current transaction commits."""
    wanted = sorted(set(names))
    if wanted:
        transaction.on_commit(lambda: _bump_now(wanted))


def current(names: list[str]) -> tuple:
    """The current version of each name, in order (one cache round trip when all exist)."""
    keys = [_key(n) for n in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), None)
            found[key] = cache.get(key)
    return tuple(found[k] for k in keys)
