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
from django.utils import timezone
from django.utils.translation import get_language

PREFIX = "v:"
DATA = "data"  # everything a cached page shows that no summary table keeps (bumped on save, see dashboards.apps)
TTL = 3600  # a cached page older than this is computed again even if nothing bumped it
REFRESH_EVERY = 60  # seconds: a page served stale is recomputed in the background at most this often


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
    key = _page_key((parts, get_language(), current([*names, DATA])))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, ttl)
    return value


def _page_key(raw: tuple) -> str:
    return "page:" + hashlib.sha256(repr(raw).encode()).hexdigest()


def _refresh_due(lock: str) -> bool:
    """True at most once per ``REFRESH_EVERY`` seconds for ``lock`` (a clock value, not only a TTL, so
    that the rule is the same on every cache backend and under a test's moved clock)."""
    now = time.time()
    if cache.add(lock, now, REFRESH_EVERY * 10):
        return True
    if now - (cache.get(lock) or 0) >= REFRESH_EVERY:
        cache.set(lock, now, REFRESH_EVERY * 10)
        return True
    return False


def cached_or_stale(parts: tuple, names: list[str], compute, *, refresh=None, ttl: int = TTL):
    """``cached``, for a page many people watch while the figures under it keep changing (head office's
    dashboard moves with every daily check in the bank). Returns ``(value, computed_at, stale)``.

    When a version has moved on and ``refresh`` is given, the page last computed for ``parts`` (not older
    than ``ttl``) is served at once, marked stale, and ``refresh()`` — which schedules this same call
    without ``refresh`` in the background — is called at most once per ``REFRESH_EVERY`` seconds for the
    page. Only a page never computed is computed while the reader waits."""
    language = get_language()
    fresh_key = _page_key(("stamped", parts, language, current([*names, DATA])))
    latest_key = _page_key(("latest", parts, language))
    found = cache.get(fresh_key)
    if found is not None:
        return found[1], found[0], False
    if refresh is not None:
        latest = cache.get(latest_key)
        if latest is not None:
            if _refresh_due(latest_key + ":refreshing"):
                refresh()
            return latest[1], latest[0], True
    computed_at = timezone.now()  # the figures are as of the start: a change during the computation bumps again
    value = compute()
    cache.set_many({fresh_key: (computed_at, value), latest_key: (computed_at, value)}, ttl)
    return value, computed_at, False
