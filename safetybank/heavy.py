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

A turn is also held only ``HEAVY_PAGES_SHARE_PERCENT`` of the time: after a page that took ``t``, the
turn rests ``t * (100 / share - 1)`` (at most ``MAX_REST_SECONDS``) before anyone takes it again (a
Redis lease shortened to the rest, or a timer that frees the process's gate). One turn kept busy back
to back is one thread that shares its process's interpreter lock half and half with an officer's page
there: measured, officers' p50 rose 1.5-2x under six presidents reloading without pause
(docs/benchmarks.md, the "mixed" row). With 25 %, three officer pages in four meet no dashboard at all,
and presidents still get a dozen dashboards a second.
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


def _rest(started: float) -> float:
    """How long the turn rests after a heavy page that started at ``started`` (``time.monotonic``)."""
    share = min(settings.HEAVY_PAGES_SHARE_PERCENT, 100)
    return min((time.monotonic() - started) * (100 / share - 1), MAX_REST_SECONDS)


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
            started = time.monotonic()
            try:
                yield held is not None
            finally:
                if held is not None:
                    rest = _rest(started)
                    with contextlib.suppress(redis.RedisError):  # an expired lease is already free
                        if rest >= 0.001:
                            held.extend(rest, replace_ttl=True)  # the lease ends when the rest does
                        else:
                            held.release()
            return
    gate = _semaphore(size)
    if not gate.acquire(timeout=max(0.0, deadline - time.monotonic())):
        yield False
        return
    started = time.monotonic()
    try:
        yield True
    finally:
        rest = _rest(started)
        if rest >= 0.001:
            timer = threading.Timer(rest, gate.release)
            timer.daemon = True
            timer.start()
        else:
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
