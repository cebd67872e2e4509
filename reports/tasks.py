"""Periodic and background jobs of the reports. Thin: each calls one service; running twice
leaves one current version per unit and period."""

import datetime

from celery import shared_task
from django.utils import timezone

from reports.services import report_files_store, reports_generate_month, reports_generate_year
from safetybank.periods import previous_month


@shared_task(name="reports.generate_month")
def generate_month(month: str | None = None) -> int:
    """After month end (daily, as a catch-up): every unit's draft reports for last month.
    Drafts get fresh numbers; finalised and published versions are left alone."""
    day = datetime.date.fromisoformat(month) if month else previous_month(timezone.localdate())
    return reports_generate_month(month=day)


@shared_task(name="reports.generate_for_units")
def generate_for_units(month: str, unit_ids: list[int]) -> int:
    """From the report list: the drafts of the units a manager may see, in the background."""
    from branches.models import Unit

    units = Unit.objects.filter(pk__in=unit_ids).order_by("path")
    return reports_generate_month(month=datetime.date.fromisoformat(month), units=units)


@shared_task(name="reports.generate_year")
def generate_year(year: int | None = None) -> int:
    """In the first days of January: every unit's year-end summary draft for the year just ended."""
    return reports_generate_year(year=year or timezone.localdate().year - 1)


@shared_task(name="reports.generate_year_for_units")
def generate_year_for_units(year: int, unit_ids: list[int]) -> int:
    """From the report list: year-to-date drafts (截至 today) of the units a manager may see."""
    from branches.models import Unit

    units = Unit.objects.filter(pk__in=unit_ids).order_by("path")
    return reports_generate_year(year=year, units=units)


@shared_task(name="reports.store_files")
def store_files(report_id: int) -> int:
    """After finalising, signing or publishing: the version's PDF in each language, stored once."""
    return report_files_store(report_id=report_id)
