"""Version keys for cached pages: a writer bumps the names its change touches; a reader puts their
current values into its cache key, so the next view after a change misses and recomputes.

A version that is missing from the cache (a cleared or evicted cache) starts again from the clock,
never from 0, so an old cached page can never match it again. A bump happens at once and again after
commit: a reader that recomputes in between stores the old figures under a version nobody asks for.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

PREFIX = "v:"
DATA = "data"  # everything a cached page shows that no summary table keeps (bumped on save, see dashboards.apps)
TTL = 3600  # a cached page older than this is computed again even if nothing bumped it


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
    """Invalidate what was cached under these names: now, and again once the current transaction commits
    (a page computed in between, from the rows before the commit, is then never read again)."""
    wanted = sorted(set(names))
    if wanted:
        _bump_now(wanted)
        if transaction.get_connection().in_atomic_block:
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


def cached(parts: tuple, names: list[str], compute, *, ttl: int = TTL):
    """``compute()``, cached under ``parts`` (who, what, when: the caller's choice), the language and the
    current versions of ``names``: a bump of any of them makes the next call compute again."""
    raw = repr((parts, get_language(), current([*names, DATA])))
    key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, ttl)
    return value
