"""Plumbing tasks: publishing what waited in the outbox."""

import logging

from celery import shared_task
from celery.signals import worker_ready

from safetybank import outbox

logger = logging.getLogger(__name__)


@shared_task(name="safetybank.outbox_sweep", ignore_result=True)
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
