"""The outbox: a task asked for by a change is never blocked, failed or lost by a broker outage."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from core.models import Notification
from core.services import notify
from safetybank.celery import app
from safetybank.models import OutboxMessage
from safetybank.outbox import outbox_sweep
from tests.broker_helpers import REFUSING, broker_at, published_in_memory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = gettext_lazy("Business calendar %(year)s")
EMAIL_TASK = "core.tasks.send_notification_email"


def _notify(user, obj):
    return notify(user=user, kind="test.outbox", obj=obj, title=TITLE, params={"year": 2027}, url="/calendar/")


@pytest.fixture
def memory_broker():
    published_in_memory()  # whatever an earlier test left behind
    with broker_at("memory://"):
        yield


def test_a_notification_asked_for_while_the_broker_is_down_waits_and_the_request_goes_on(
    org, django_capture_on_commit_callbacks
):
    with broker_at(REFUSING):
        started = time.perf_counter()
        with django_capture_on_commit_callbacks(execute=True):
            notification = _notify(org.officer, org.outlet_a)
        seconds = time.perf_counter() - started
    assert seconds < 2
    assert Notification.objects.filter(pk=notification.pk).exists()
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.sent_at) == (EMAIL_TASK, [notification.pk], None)
    assert message.attempts == 1 and "OperationalError" in message.last_error


def test_the_sweep_publishes_what_waited_once_the_broker_is_back(
    org, django_capture_on_commit_callbacks, memory_broker
):
    with broker_at(REFUSING), django_capture_on_commit_callbacks(execute=True):
        first = _notify(org.officer, org.outlet_a)
        second = _notify(org.outlethead, org.outlet_a)
    assert outbox_sweep() == 2
    assert published_in_memory() == [(EMAIL_TASK, [first.pk]), (EMAIL_TASK, [second.pk])]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert outbox_sweep() == 0  # a second run publishes nothing again
    assert published_in_memory() == []


def test_the_sweep_takes_the_oldest_first_and_no_more_than_a_batch(
    org, django_capture_on_commit_callbacks, memory_broker
):
    with broker_at(REFUSING), django_capture_on_commit_callbacks(execute=True):
        notifications = [_notify(org.officer, premises) for premises in (org.outlet_a, org.outlet_a2, org.outlet_b)]
    assert outbox_sweep(limit=2) == 2
    assert [args for _, args in published_in_memory()] == [[notifications[0].pk], [notifications[1].pk]]
    assert OutboxMessage.objects.get(sent_at__isnull=True).args == [notifications[2].pk]


def test_a_sweep_while_the_broker_is_still_down_stops_at_the_first_message(org, django_capture_on_commit_callbacks):
    with broker_at(REFUSING):
        with django_capture_on_commit_callbacks(execute=True):
            _notify(org.officer, org.outlet_a)
            _notify(org.officer, org.outlet_a2)
        assert outbox_sweep() == 0
    assert list(OutboxMessage.objects.values_list("attempts", flat=True)) == [2, 1]
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2


def test_asking_for_this_months_drafts_while_the_broker_is_down_says_they_are_being_generated(org, login):
    client = login(org.security)
    with broker_at(REFUSING):
        started = time.perf_counter()
        response = client.post(reverse("reports:report_generate"), {"month": "2026-05"}, follow=True)
        seconds = time.perf_counter() - started
    assert seconds < 2 and response.status_code == 200
    assert "正在生成 2026-05 的总结草稿" in response.content.decode()
    message = OutboxMessage.objects.get()
    assert (message.task, message.args[0], message.sent_at) == ("reports.generate_for_units", "2026-05-01", None)
    assert org.branch1.pk in message.args[1]


def test_a_change_that_is_rolled_back_leaves_no_task_behind(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError, match="the change failed"):
        with transaction.atomic():
            _notify(org.officer, org.outlet_a)
            raise RuntimeError("the change failed")
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_without_a_broker_the_task_still_runs_at_once(org, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _notify(org.officer, org.outlet_a)
    assert [message.to for message in mail.outbox] == [[org.officer.email]]
    assert OutboxMessage.objects.get().sent_at is not None


def test_an_administrator_sees_what_waits_and_why(org, client, django_capture_on_commit_callbacks):
    with broker_at(REFUSING), django_capture_on_commit_callbacks(execute=True):
        _notify(org.officer, org.outlet_a)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:safetybank_outboxmessage_changelist") + "?sent_at__isnull=True")
    assert page.status_code == 200
    text = page.content.decode()
    assert EMAIL_TASK in text and "OperationalError" in text


def test_the_sweep_runs_every_minute_from_the_one_schedule_table():
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]
    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks


def test_no_code_queues_a_task_around_the_outbox():
    """``.delay()`` or a bare ``apply_async`` in a request path blocks on a broker that is down."""
    root = Path(__file__).resolve().parent.parent
    allowed = {root / "safetybank" / "outbox.py", root / "safetybank" / "tasks.py"}
    offenders = []
    folders = [
        folder
        for folder in root.iterdir()
        if folder.is_dir() and not folder.is_symlink() and folder.name not in {"tests", "bench", "var", "staticfiles"}
    ]
    for path in (path for folder in folders if not folder.name.startswith(".") for path in folder.rglob("*.py")):
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(delay|apply_async|send_task)\(", line):
                offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
