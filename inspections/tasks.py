"""Periodic jobs of the inspection engine. Thin: each calls one service; running twice does nothing more."""

from celery import shared_task
from django.utils import timezone

from inspections.cycles import cycles_catch_up
from inspections.hazards import tasks as hazard_tasks  # noqa: F401  (registers the hazard jobs)
from inspections.overdue import assignments_mark_overdue
from inspections.services import acknowledgements_remind
from inspections.summaries import rebuild_recent


@shared_task(name="inspections.open_cycles")
def open_cycles() -> list[int]:
    """Monthly (and safe daily): open this month's cycle if a run was missed, and next month's."""
    return [created for _cycle, created in cycles_catch_up()]


@shared_task(name="inspections.mark_overdue")
def mark_overdue() -> int:
    return assignments_mark_overdue()


@shared_task(name="inspections.acknowledgements_remind")
def remind_acknowledgements() -> dict[str, int]:
    """Daily: inspections not acknowledged in time remind the inspected side and escalate once."""
    return acknowledgements_remind()


@shared_task(name="inspections.rebuild_summaries")
def rebuild_summaries() -> int:
    """Nightly: the dashboards' summary tables of the last two months and the next, from the raw rows
    (what a bulk import or a hand correction changed without a service). Idempotent."""

    return len(rebuild_recent(today=timezone.localdate()))
