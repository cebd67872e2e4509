"""/healthz: 200 when the database and broker answer, 503 naming what does not."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the message names it
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _broker() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
def healthz(request):
    parts = {"database": _database(), "broker": _broker()}
    healthy = all(value in ("ok", "eager") for value in parts.values())
    body = {"status": "ok" if healthy else "error", **parts}
    if not healthy:
        body["failing"] = [name for name, value in parts.items() if value not in ("ok", "eager")]
    return JsonResponse(body, status=200 if healthy else 503)
