"""Periodic job of the hidden-danger loop: thin, idempotent (running twice a day does nothing more)."""

from celery import shared_task

from inspections.hazards.services import hazards_mark_overdue


@shared_task(name="inspections.hazards_mark_overdue")
def mark_overdue() -> dict[str, int]:
    """Daily: mark overdue, remind the responsible person, escalate after the configured days."""
    return hazards_mark_overdue()
