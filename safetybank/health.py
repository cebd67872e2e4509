"""/healthz: 200 when the database and broker answer, 503 naming what does not.

Each part is asked in a thread of its own and given ``PROBE_SECONDS``: a database or Redis that
hangs instead of refusing (a dropped network, a full disk) makes the answer "error: timeout"
within about a second, and a load balancer polling this page never queues behind it. The pool
is small and shared, so probes stuck on a hung part cannot pile up threads: once it is full,
later probes time out as well, which is the truth.
"""

from concurrent.futures import ThreadPoolExecutor, wait

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

PROBE_SECONDS = 1.0
_probes = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def _database() -> str:
    # A connection of its own, opened and closed here: the answer is about reaching the
    # database now, not about a connection some earlier probe left open.
    probe = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the message names it
        return f"error: {exc.__class__.__name__}"
    finally:
        probe.close()
    return "ok"


def _broker() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=PROBE_SECONDS, socket_timeout=PROBE_SECONDS
        )
        client.ping()
        client.close()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
def healthz(request):
    futures = {"database": _probes.submit(_database), "broker": _probes.submit(_broker)}
    wait(futures.values(), timeout=PROBE_SECONDS + 0.2)
    for future in futures.values():
        future.cancel()  # one still queued behind hung probes never runs
    parts = {name: future.result() if future.done() else "error: timeout" for name, future in futures.items()}
    healthy = all(value in ("ok", "eager") for value in parts.values())
    body = {"status": "ok" if healthy else "error", **parts}
    if not healthy:
        body["failing"] = [name for name, value in parts.items() if value not in ("ok", "eager")]
    return JsonResponse(body, status=200 if healthy else 503)
