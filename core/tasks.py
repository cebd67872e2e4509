"""Celery tasks of the shared mechanisms: thin, take ids, call one service, safe to run twice."""

import logging
from smtplib import SMTPException

from celery import shared_task

from core import services

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


@shared_task(name="core.sweep_jobs")
def sweep_jobs() -> int:
    """Every few minutes: background jobs whose worker was lost go to a worker again."""
    from core.leases import jobs_sweep

    return jobs_sweep()


@shared_task(name="core.prune_audit_history")
def prune_audit_history() -> int:
    """Beat: drop audit-trail rows older than AUDIT_RETENTION_YEARS (idempotent)."""
    from django.conf import settings

    return services.audit_history_prune(years=settings.AUDIT_RETENTION_YEARS)


@shared_task
def deliver_to_channels(notification_id: int) -> int:
    """A new notification to the unit's group robots and the person's WeCom (core.channels)."""
    from core.channels import channels_deliver

    return channels_deliver(notification_id=notification_id)


@shared_task(name="core.channels_retry")
def channels_retry() -> int:
    """Beat: channel deliveries whose backoff has passed are tried again; idempotent."""
    from core.channels import channels_retry as retry

    return retry()
