"""One task through the real broker (Redis) to a real worker, as production runs it."""

import datetime

import pytest
from django.conf import settings

from inspections.models import Assignment
from inspections.services import standard_content_install


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_monthly_cycle_job_runs_on_a_worker_through_redis(org, time_machine):
    if not settings.REDIS_URL:
        pytest.skip("no broker configured: tasks run eagerly (CI sets REDIS_URL)")
    from celery.contrib.testing.worker import start_worker

    from inspections.tasks import open_cycles
    from safetybank.celery import app

    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    time_machine.move_to("2026-11-20 10:00:00+08:00")
    app.conf.task_always_eager = False
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=30):
        created = open_cycles.delay().get(timeout=60)
    assert created[0] > 0 and created[1] > 0  # November (caught up) and December
    assert set(Assignment.objects.values_list("cycle__month", flat=True)) == {
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
    }
