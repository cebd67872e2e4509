"""The transactional outbox: queue a Celery task so that a broker outage never blocks, fails or loses it.

``enqueue(task, *args, **kwargs)`` writes an ``OutboxMessage`` in the caller's transaction (so the
task exists exactly when the change that asks for it does) and, after commit, publishes it with a
short broker timeout and no retries. When Redis does not answer, the request goes on as if nothing
happened: the message waits in the database and ``outbox_sweep`` (beat, every minute, and when a
worker starts) publishes it once the broker is back. Every call site uses this instead of
``transaction.on_commit(lambda: task.delay(...))``, which waited ~19 s for the result store and
then answered 500 for a change that had been committed.

Without a broker (``task_always_eager``: development and tests) the task runs at once after commit,
as ``.delay()`` did, and its errors propagate as they did.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safetybank.celery import app
from safetybank.models import OutboxMessage

logger = logging.getLogger(__name__)

# Published rows are kept this long for whoever investigates a delay, then removed by the sweep.
KEEP_SENT = datetime.timedelta(days=7)


def enqueue(task, *args, **kwargs) -> OutboxMessage:
    """Run ``task(*args, **kwargs)`` in the background once the current transaction commits.

    Arguments must be JSON (ids, strings, lists): the row is written now, in the same
    transaction as the change, and published after commit without ever raising.
    """
    message = OutboxMessage.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    # robust: even a database hiccup while marking the row is logged, not turned into a 500 for a
    # change that is already committed (eager mode keeps today's loud failures).
    transaction.on_commit(partial(_publish_after_commit, message.pk), robust=not _eager())
    return message


def enqueue_many(task, arguments: list[tuple]) -> list[OutboxMessage]:
    """``enqueue(task, *args)`` for each ``args`` of ``arguments``: the rows in one INSERT, published
    after commit over one broker connection (a nightly job telling thousands of people)."""
    if not arguments:
        return []
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task.name, args=list(args), kwargs={}) for args in arguments], batch_size=1000
    )
    transaction.on_commit(partial(_publish_many_after_commit, [m.pk for m in messages]), robust=not _eager())
    return messages


def _publish_many_after_commit(message_ids: list[int]) -> None:
    if _eager():
        for message_id in message_ids:
            _publish_after_commit(message_id)
        return
    with transaction.atomic():
        # As one by one: a message a sweep holds (or has sent) is the sweep's.
        waiting = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, sent_at__isnull=True)
            .order_by("pk")
        )
        if waiting:
            with _broker() as connection:
                for message in waiting:
                    if not _publish(message, connection):
                        break  # the broker is down: the sweep publishes the rest later


def outbox_sweep(*, limit: int | None = None) -> int:
    """Publish waiting messages, oldest first, at most ``limit`` (``OUTBOX_SWEEP_BATCH``) per run.

    Rows are locked with SKIP LOCKED, so two sweeps, or a sweep and a request's own publish,
    never take the same message. The run stops at the first failure: the broker is down and
    the next run tries again. Returns how many were published.
    """
    limit = limit or settings.OUTBOX_SWEEP_BATCH
    published = 0
    with transaction.atomic():
        waiting = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True)
            .order_by("created_at", "pk")[:limit]
        )
        if waiting:
            with _broker() as connection:
                for message in waiting:
                    if not _publish(message, connection):
                        break
                    published += 1
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return published


def _eager() -> bool:
    return bool(app.conf.task_always_eager)


def _publish_after_commit(message_id: int) -> None:
    if _eager():
        message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
        if message is not None:
            _publish(message, None)
        return
    with transaction.atomic():
        # Skipped when a sweep holds it (the sweep publishes it) or it has gone already.
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is not None:
            with _broker() as connection:
                _publish(message, connection)


@contextlib.contextmanager
def _broker():
    """A connection of its own with short limits: publishing gives up within about a second.

    Not the pooled producer: a pooled connection broken by an outage is not what a request
    should wait on, and these limits must not reach the worker's own long-polling connection.
    """
    seconds = settings.OUTBOX_PUBLISH_TIMEOUT
    connection = app.connection_for_write(
        connect_timeout=seconds,
        transport_options={"max_retries": 0, "socket_connect_timeout": seconds, "socket_timeout": seconds},
    )
    try:
        yield connection
    finally:
        connection.release()


def _publish(message: OutboxMessage, connection) -> bool:
    """Publish one message; record the outcome on its row. True when the broker took it."""
    message.attempts += 1
    try:
        if _eager():
            task = app.tasks[message.task]
            task.apply_async(message.args, message.kwargs, ignore_result=True)
        else:
            # No result is ever read from these, and subscribing to one is what hung for ~19 s.
            app.send_task(
                message.task, message.args, message.kwargs, connection=connection, retry=False, ignore_result=True
            )
    except Exception as exc:
        if _eager():
            raise  # the task itself failed, in-process, as .delay() let it
        message.last_error = f"{exc.__class__.__name__}: {exc}"[:2000]
        message.save(update_fields=["attempts", "last_error"])
        logger.warning("Outbox message %s (%s) not published yet: %s", message.pk, message.task, message.last_error)
        return False
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "sent_at"])
    return True
