"""Heavy pages take turns across the whole site, so they never starve the counter.

gunicorn runs several ``gthread`` workers (docker-compose.yml): an officer's quick page does not queue
behind a president's dashboard. But two dashboards computing at once, one in each process, would take
both processor cores of the server, and three in one process would leave the officer's thread a
quarter of its interpreter lock. ``@heavy`` on a view (dashboards, their exports, report PDFs) lets at
most ``HEAVY_PAGES_AT_ONCE`` of them run at once:

- with Redis (``REDIS_URL``), across every web process that shares it: a turn is one of that many
  Redis locks, each a lease of ``HEAVY_PAGE_LEASE_SECONDS`` (longer than gunicorn's timeout), so a
  killed worker's turn frees itself; if Redis cannot be reached, the page falls back to the process's
  own gate rather than fail;
- without Redis (the zero-setup default), inside each process.

The others wait without using the processor; a request that has waited ``HEAVY_PAGE_WAIT_SECONDS``
gets a 503 with ``Retry-After`` and a message in the reader's language instead of holding its thread
longer. ``HEAVY_PAGES_AT_ONCE=0`` turns the gate off.

A turn is also held only ``HEAVY_PAGES_SHARE_PERCENT`` of the time over a run of pages: a page that
took ``t`` spends ``t * 100 / share`` of the turns' time (its own ``t`` and a rest of at most
``MAX_REST_SECONDS``), and a page starts only while the turns are at most
``HEAVY_PAGES_BURST_SECONDS`` in debt. A president clicking from the bank down to a branch never waits
for it; six reloading without pause get a quarter of the time between them. One turn kept busy back to
back is one thread that shares its process's interpreter lock half and half with an officer's page
there: measured, officers' p50 rose 1.5-2x (docs/benchmarks.md, the "mixed" row).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time

from django.conf import settings
from django.shortcuts import render

log = logging.getLogger(__name__)

KEY = "safetybank:heavy-page:{}"  # one Redis lock per turn
POLL_SECONDS = 0.02  # how often a waiting request looks for a free turn
MAX_REST_SECONDS = 3.0  # a long page (the month's zip of PDFs) rests no longer than this

_lock = threading.Lock()
_gate: tuple[int, threading.BoundedSemaphore] | None = None
_client: tuple[str, object] | None = None


def _semaphore(size: int) -> threading.BoundedSemaphore:
    """The process's gate, sized by the setting (made again if the setting changed, as in tests)."""
    global _gate  # noqa: PLW0603 (one gate per process is the point)
    with _lock:
        if _gate is None or _gate[0] != size:
            _gate = (size, threading.BoundedSemaphore(size))
        return _gate[1]


def _redis():
    """One client (and its connection pool) per process for the configured Redis, or None without it."""
    global _client  # noqa: PLW0603
    url = settings.REDIS_URL
    if not url:
        return None
    with _lock:
        if _client is None or _client[0] != url:
            import redis

            _client = (url, redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2))
        return _client[1]


# The turns' budget (see the module's docstring) as one time, "due": heavy pages may start while it is at
# most HEAVY_PAGES_BURST_SECONDS ahead of now. Each page moves it on by its time over the share. In Redis
# (Redis's own clock, so every process and server agrees) or, without it, in this process.
BUDGET_KEY = "safetybank:heavy-pages:due"
_AHEAD = "local n = redis.call('TIME') return tostring(tonumber(redis.call('GET', KEYS[1]) or '0') - n[1] - n[2] / 1e6)"
_CHARGE = """
local n = redis.call('TIME')
local now = n[1] + n[2] / 1e6
local due = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now - tonumber(ARGV[1])) + tonumber(ARGV[2])
redis.call('SET', KEYS[1], tostring(due), 'EX', 3600)
return tostring(due)
"""
_due = 0.0  # this process's budget without Redis (time.monotonic)


def _cost(took: float) -> float:
    """How far a heavy page that took ``took`` seconds moves the budget on: its time over the share."""
    share = min(settings.HEAVY_PAGES_SHARE_PERCENT, 100)
    return took + min(took * (100 / share - 1), MAX_REST_SECONDS)


def _ahead(client) -> float:
    """How far the budget is ahead of now, in seconds (negative: unspent)."""
    if client is None:
        with _lock:
            return _due - time.monotonic()
    return float(client.eval(_AHEAD, 1, BUDGET_KEY))


def _charge(client, took: float) -> None:
    global _due  # noqa: PLW0603 (the process's own budget, without Redis)
    if client is None:
        with _lock:
            _due = max(_due, time.monotonic() - took) + _cost(took)
        return
    client.eval(_CHARGE, 1, BUDGET_KEY, took, _cost(took))


def _budget(client, deadline: float) -> bool:
    """Wait (holding the turn) until the budget allows a heavy page; False if ``deadline`` comes first."""
    while _ahead(client) > settings.HEAVY_PAGES_BURST_SECONDS:
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True


def _site_turn(client, size: int, deadline: float):
    """Hold one of the site's ``size`` Redis locks, polling until ``deadline``; None when none came free."""
    locks = [client.lock(KEY.format(n), timeout=settings.HEAVY_PAGE_LEASE_SECONDS) for n in range(size)]
    while True:
        for turn in locks:
            if turn.acquire(blocking=False):
                return turn
        if time.monotonic() >= deadline:
            return None
        time.sleep(POLL_SECONDS)


@contextlib.contextmanager
def _spending(client, deadline: float):
    """Inside a held turn: wait for the budget, yield whether it came, charge the page's time after it.
    If Redis fails on the way, the page is served all the same (its budget is not kept)."""
    import redis

    try:
        allowed = _budget(client, deadline)
    except redis.RedisError as exc:
        log.warning("heavy pages: the turns' budget cannot be read (%s)", exc)
        allowed = True
    if not allowed:
        yield False
        return
    started = time.monotonic()
    try:
        yield True
    finally:
        try:
            _charge(client, time.monotonic() - started)
        except redis.RedisError as exc:
            log.warning("heavy pages: the turns' budget cannot be kept (%s)", exc)


@contextlib.contextmanager
def turn():
    """Wait for a heavy page's turn; yields True while it is held, False if the wait ran out."""
    size = settings.HEAVY_PAGES_AT_ONCE
    if size <= 0:
        yield True
        return
    deadline = time.monotonic() + settings.HEAVY_PAGE_WAIT_SECONDS
    client = _redis()
    if client is not None:
        import redis

        try:
            held = _site_turn(client, size, deadline)
        except redis.RedisError as exc:
            log.warning("heavy pages take turns inside this process only: Redis is unreachable (%s)", exc)
        else:
            if held is None:
                yield False
                return
            try:
                with _spending(client, deadline) as allowed:
                    yield allowed
            finally:
                with contextlib.suppress(redis.RedisError):  # an expired lease is already free
                    held.release()
            return
    gate = _semaphore(size)
    if not gate.acquire(timeout=max(0.0, deadline - time.monotonic())):
        yield False
        return
    try:
        with _spending(None, deadline) as allowed:
            yield allowed
    finally:
        gate.release()


def busy_message() -> str:
    """What a request refused after its wait is told (the page ``busy.html``, the API's problem)."""
    from django.utils.translation import gettext

    return gettext(
        "Many dashboards and reports are being prepared right now, so this one waited its turn for too long. "
        "Nothing was changed. Please open it again in a moment."
    )


def heavy(view):
    """Mark ``view`` as a heavy page: it takes its turn (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with turn() as held:
            if held:
                return view(request, *args, **kwargs)
        log.warning("heavy page refused after %s s waiting: %s", settings.HEAVY_PAGE_WAIT_SECONDS, request.path)
        response = render(request, "busy.html", {"message": busy_message()}, status=503)
        response["Retry-After"] = "10"
        return response

    return wrapper
