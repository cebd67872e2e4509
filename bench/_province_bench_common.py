"""What every row of the provincial benchmark uses: Django on the bank (``DEBUG=0``), a page measured through
the test client, a raw query's time, and the record of a row in ``var/province-bench.json``."""

from __future__ import annotations

import datetime
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

from _province_setup import ROOT, database_url

RESULTS = ROOT / "var" / "province-bench.json"
SECRET = "bench-only-secret-key-" + "x" * 40


def environment(db: str, host: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(db, host),
        "DJANGO_SETTINGS_MODULE": "safetybank.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "ALLOW_INSECURE_HTTP": "1",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    }


def setup(db: str, host: str) -> None:
    os.environ.update(environment(db, host))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG=0 serves from the manifest
        call_command("collectstatic", "--noinput", verbosity=0)
    # Pages are timed in a process started as a gunicorn worker starts: safetybank/wsgi.py loads the URLs
    # and views, then sets what it loaded aside from the garbage collector (gc.freeze).
    import safetybank.wsgi  # noqa: F401


def record(key: str, measured: str, baseline: str, note: str = "", data: dict | None = None) -> None:
    from django.db import connection

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM branches_premises")
        premises = cursor.fetchone()[0]
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True).stdout  # noqa: S603, S607
    results[key] = {
        "measured": measured,
        "baseline": baseline,
        "note": note,
        "premises": premises,
        "commit": commit.strip(),
        "at": datetime.datetime.now().isoformat(timespec="minutes"),
        "data": data or {},
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"{key}: {measured} | raw SQL: {baseline}" + (f" | {note}" if note else ""), flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sql_ms(sql: str, params=None, runs: int = 3) -> float:
    """Median time of a raw query (all rows fetched), in ms."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params or [])
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def person(username: str):
    from branches.models import User

    return User.objects.get(username=username)


def measure_page(username: str, url: str, runs: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from safetybank import cacheversions

    client = Client()
    client.force_login(person(username))
    # The first view computes what the page caches (per scope and month, bumped by summary updates): its
    # time is the cold cost, recorded beside the warm runs a working server mostly answers. The bench's
    # cache (its own Redis database) is emptied first: an earlier run's pages would be served otherwise.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(url)
        cold_ms, cold_queries = (time.perf_counter() - started) * 1000, len(captured.captured_queries)
    times, queries, size, status = [], 0, 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries, size, status = len(captured.captured_queries), len(response.content), response.status_code
    if status != 200:
        raise SystemExit(f"{url} as {username} answered {status}")
    # After a saved record elsewhere (a daily check anywhere in the bank bumps head office's versions):
    # a page served stale while the background recomputes answers like a warm one; others compute again.
    cacheversions.bump(cacheversions.DATA)
    started = time.perf_counter()
    client.get(url)
    changed_ms = (time.perf_counter() - started) * 1000
    return {
        "changed_ms": changed_ms,
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "queries": queries,
        "bytes": size,
        "runs": runs,
        "cold_ms": cold_ms,
        "cold_queries": cold_queries,
    }


def month_bounds():
    from django.utils import timezone

    today = timezone.localdate()
    first = today.replace(day=1)
    return today, first


class Rollback(Exception):
    """Raised at the end of a measured write, so that its transaction leaves the bank as it was."""
