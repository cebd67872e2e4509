"""Fault test: Redis stops while officers submit their daily checks.

PostgreSQL (CI's DATABASE_URL) and a Redis server of this test's own — the broker and the cache, as in
production — which it stops and starts; the shared Redis is never touched. Every submission must answer
"submitted" within two seconds with Redis down, nothing may be lost, head office's dashboard is still
served, and once Redis is back the outbox sweep and a real ``celery worker`` process deliver the co-sign
e-mails.
"""

import datetime
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse

from core.models import Notification
from inspections.cycles import cycle_open
from inspections.models import Assignment
from inspections.services import inspection_start, standard_content_install
from safetybank.models import OutboxMessage
from safetybank.outbox import outbox_sweep
from tests.broker_helpers import OwnRedis, broker_at
from tests.inspection_helpers import answer_all

ROOT = Path(__file__).resolve().parent.parent
DAYS = [datetime.date(2026, 12, day) for day in (1, 2, 3, 4)]  # Tuesday to Friday, business days


@pytest.fixture
def own_redis(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the broker fault test runs on PostgreSQL (CI sets DATABASE_URL); SQLite cannot serve a worker")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    server = OwnRedis(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def _worker_environment(broker_url: str) -> dict:
    """The worker process reads the test database and the test's own broker; e-mail goes to its output."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "EMAIL_HOST"))}
    environment.update(DATABASE_URL=f"postgres://{credentials}@{host}/{db['NAME']}", REDIS_URL=broker_url)
    return environment


def _start_worker(broker_url: str, log: Path):
    command = [sys.executable, "-m", "celery", "-A", "safetybank", "worker", "--pool=solo", "--loglevel=info"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", f"--hostname=fault-{os.getpid()}@%h"]
    with log.open("wb") as output:
        return subprocess.Popen(
            command, cwd=ROOT, env=_worker_environment(broker_url), stdout=output, stderr=subprocess.STDOUT
        )


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _submit_check(phone, org, day, time_machine) -> float:
    """An officer does the opening check of ``day`` on the phone; returns the seconds the submission took."""
    time_machine.move_to(f"{day}T08:00:00+08:00")
    phone.force_login(org.officer)
    assignment = Assignment.objects.get(rule__code="L4-OPEN", premises=org.outlet_a, period_start=day)
    inspection = inspection_start(assignment=assignment, by=org.officer)
    answer_all(inspection, org.officer)
    time_machine.move_to(f"{day}T08:10:30+08:00")
    started = time.perf_counter()
    response = phone.post(reverse("inspections:daily_submit", args=[inspection.pk]), {"performed_at": f"{day}T08:10"})
    seconds = time.perf_counter() - started
    assert response.status_code == 302 and response["Location"] == reverse(
        "inspections:daily_check", args=[inspection.pk]
    )
    assert "已提交。全部合格。" in phone.get(response["Location"]).content.decode()
    inspection.refresh_from_db()
    assert inspection.is_submitted
    return seconds


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_checks_submitted_while_redis_is_down_are_saved_at_once_and_mailed_when_it_returns(
    org, own_redis, client, settings, time_machine, tmp_path
):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    settings.REDIS_URL = own_redis.url
    # As in production, the same Redis is the cache too: its outage must not refuse a submission either.
    settings.CACHES = {"default": {**settings.CACHES["default"], "BACKEND": "safetybank.cache.ForgivingRedisCache"}}
    settings.CACHES["default"].update(LOCATION=own_redis.url, OPTIONS={"socket_connect_timeout": 1})

    with broker_at(own_redis.url):
        own_redis.stop()
        seconds = [_submit_check(client, org, day, time_machine) for day in DAYS]
        health = client.get("/healthz")
        client.force_login(org.headoffice)
        dashboard = client.get(reverse("dashboards:dashboard"))  # computed afresh: no cache to read or fill

        assert max(seconds) < 2, seconds
        assert dashboard.status_code == 200 and "安全仪表板" in dashboard.content.decode()
        assert health.status_code == 503 and health.json()["failing"] == ["broker"]
        mails = list(Notification.objects.filter(user=org.outlethead, kind="daily_cosign").order_by("pk"))
        assert len(mails) == len(DAYS) and all(n.emailed_at is None for n in mails)
        waiting = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at", "pk")
        assert [(m.task, m.args) for m in waiting] == [("core.tasks.send_notification_email", [n.pk]) for n in mails]

        own_redis.start()
        # The sweep publishes what waited, a batch at a time; the worker's start sweeps the rest.
        assert outbox_sweep(limit=len(DAYS) - 1) == len(DAYS) - 1
        log = tmp_path / "worker.log"
        worker = _start_worker(own_redis.url, log)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and worker.poll() is None:
                if not Notification.objects.filter(pk__in=[n.pk for n in mails], emailed_at__isnull=True).exists():
                    break
                time.sleep(1)
        finally:
            _stop(worker)

    output = log.read_text(errors="replace")
    assert not Notification.objects.filter(pk__in=[n.pk for n in mails], emailed_at__isnull=True).exists(), output[
        -3000:
    ]
    assert output.count(f"To: {org.outlethead.email}") == len(DAYS)
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
