"""Heavy pages take turns inside a web process, so they never starve the counter.

gunicorn runs ``gthread`` workers (docker-compose.yml): each process serves several requests at
once, so an officer's quick page does not queue behind a president's dashboard. Threads of one
process share one interpreter lock, though: three dashboards computing at once would leave the
officer's thread a quarter of it. ``@heavy`` on a view (dashboards, their exports, report PDFs)
lets at most ``HEAVY_PAGES_AT_ONCE`` of them run in a process; the others wait without using the
processor, and a request that has waited ``HEAVY_PAGE_WAIT_SECONDS`` gets a 503 with
``Retry-After`` and a message in the reader's language instead of holding its thread longer.
``HEAVY_PAGES_AT_ONCE=0`` turns the gate off.
"""

from __future__ import annotations

import functools
import logging
import threading

from django.conf import settings
from django.shortcuts import render

log = logging.getLogger(__name__)

_lock = threading.Lock()
_gate: tuple[int, threading.BoundedSemaphore] | None = None


def _semaphore() -> threading.BoundedSemaphore | None:
    """The process's gate, sized by the setting (made again if the setting changed, as in tests)."""
    global _gate  # noqa: PLW0603 (one gate per process is the point)
    size = settings.HEAVY_PAGES_AT_ONCE
    if size <= 0:
        return None
    with _lock:
        if _gate is None or _gate[0] != size:
            _gate = (size, threading.BoundedSemaphore(size))
        return _gate[1]


def heavy(view):
    """Mark ``view`` as a heavy page: it takes its turn (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        gate = _semaphore()
        if gate is None:
            return view(request, *args, **kwargs)
        if not gate.acquire(timeout=settings.HEAVY_PAGE_WAIT_SECONDS):
            log.warning("heavy page refused after %s s waiting: %s", settings.HEAVY_PAGE_WAIT_SECONDS, request.path)
            response = render(request, "busy.html", status=503)
            response["Retry-After"] = "10"
            return response
        try:
            return view(request, *args, **kwargs)
        finally:
            gate.release()

    return wrapper
