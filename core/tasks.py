"""Celery tasks of the shared mechanisms: thin, take ids, call one service, safe to run twice."""

import logging
from smtplib import SMTPException

from celery import shared_task
from celery.signals import worker_ready

from core import outbox, services

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
)
def send_notification_email(notification_id: int) -> bool:
    return services.notification_send_email(notification_id=notification_id)


@shared_task
def render_document(document_id: int) -> bool:
    return services.document_render(document_id=document_id)


@shared_task(name="core.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    """Publish what waited in the outbox while the broker was down (beat, every minute)."""
    return outbox.outbox_sweep()


@worker_ready.connect
def outbox_sweep_on_start(sender, **kwargs) -> None:
    """A worker that starts after an outage publishes what waited at once, not a minute later."""
    try:
        outbox_sweep.apply_async(retry=False, ignore_result=True)
    except Exception:  # the worker is up; beat sweeps again within a minute
        logger.exception("Could not queue the outbox sweep at worker start")
