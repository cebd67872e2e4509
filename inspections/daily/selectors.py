"""Scoped reads of daily checks: today's list, pending co-signs, coverage and the monthly register."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from inspections.choices import AssignmentStatus, InspectionStatus, Level, Purpose
from inspections.daily.rules import COSIGNED, DAILY, may_cosign_filter
from inspections.models import Assignment, DailySummary, Inspection
from safetybank.periods import month_end


def todays_checks(*, user, today: datetime.date | None = None):
    """Today's daily checks at the premises the person works at or covers (patrols of a
    self-service bank assigned to them included), earliest first."""
    today = today or timezone.localdate()
    mine = Q(assignee=user)
    if user.home_premises_id:
        mine |= Q(premises_id=user.home_premises_id)
    return (
        Assignment.objects.for_user(user)
        .filter(mine, level=Level.L4_PREMISES, period_start=today, version__template__purpose__in=DAILY)
        .select_related("premises", "version__template", "assignee")
        .prefetch_related("inspections")
        .order_by("premises__code", "rule__code", "slot")
    )


def cosigns_pending(*, user, today: datetime.date | None = None):
    """Submitted two-person checks of today at premises where ``user`` may co-sign (``cosigners_of``),
    not yet co-signed. Two queries however many checks are waiting."""
    today = today or timezone.localdate()
    candidates = (
        Inspection.objects.for_user(user)
        .filter(
            status=InspectionStatus.SUBMITTED,
            cosigned_at__isnull=True,
            version__template__purpose__in=COSIGNED,
            assignment__period_start=today,
        )
        .exclude(inspector=user)
        .filter(may_cosign_filter(user))
        .select_related("premises", "version__template", "assignment", "inspector")
    )
    return list(candidates)


@dataclass
class DailyCoverage:
    """Premises-days with both the before-opening and after-closing check done and co-signed."""

    required_days: int = 0
    covered_days: int = 0
    late_checks: int = 0
    missed_checks: int = 0
    unsigned_checks: int = 0
    too_fast_checks: int = 0

    @property
    def rate(self) -> float | None:
        return self.covered_days / self.required_days if self.required_days else None


def daily_coverage(*, user, start: datetime.date, end: datetime.date, unit=None, today=None) -> DailyCoverage:
    """Coverage of the opening/closing checks between two local dates, in the user's scope
    (and ``unit``'s subtree). Two queries whatever the number of premises."""
    today = today or timezone.localdate()
    assignments = Assignment.objects.for_user(user).filter(
        level=Level.L4_PREMISES,
        period_start__range=(start, end),
        version__template__purpose__in=[Purpose.DAILY_OPEN, Purpose.DAILY_CLOSE],
    )
    if unit is not None:
        assignments = assignments.filter(unit__path__startswith=unit.path)
    per_day = assignments.values("premises_id", "period_start").annotate(
        required=Count("pk"),
        done=Count("pk", filter=Q(status__in=[AssignmentStatus.DONE, AssignmentStatus.LATE])),
        late=Count("pk", filter=Q(status=AssignmentStatus.LATE)),
        missed=Count("pk", filter=Q(status=AssignmentStatus.OVERDUE) | Q(status="open", period_end__lt=today)),
    )
    coverage = DailyCoverage()
    for row in per_day:
        coverage.required_days += 1
        coverage.covered_days += row["done"] == row["required"] == 2
        coverage.late_checks += row["late"]
        coverage.missed_checks += row["missed"]
    flags = (
        Inspection.objects.for_user(user)
        .filter(assignment__in=assignments, status=InspectionStatus.SUBMITTED)
        .aggregate(
            unsigned=Count("pk", filter=Q(cosigned_at__isnull=True)),
            too_fast=Count("pk", filter=Q(too_fast=True)),
        )
    )
    coverage.unsigned_checks = flags["unsigned"]
    coverage.too_fast_checks = flags["too_fast"]
    return coverage


def summary_daily_coverage(*, user, months, unit=None, today=None) -> dict[datetime.date, DailyCoverage]:
    """{month: what ``daily_coverage`` answers for that whole month}, read from the summary table:
    two queries for any number of months and premises."""
    today = today or timezone.localdate()
    rows = DailySummary.objects.for_user(user).filter(month__in=list(months))
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    fields = ("required_days", "covered_days", "late_checks", "overdue_checks", "unsigned_checks", "too_fast_checks")
    result = {month: DailyCoverage() for month in months}
    for month, t in rows.totals(fields, today=today).items():
        result[month] = DailyCoverage(
            required_days=t["required_days"],
            covered_days=t["covered_days"],
            late_checks=t["late_checks"],
            missed_checks=t["overdue_checks"] + t["open_past"],
            unsigned_checks=t["unsigned_checks"],
            too_fast_checks=t["too_fast_checks"],
        )
    return result


def register_rows(*, user, premises, month: datetime.date):
    """Every daily check of one premises in one month, for the printed register (台账)."""
    return (
        Inspection.objects.for_user(user)
        .filter(
            premises=premises,
            level=Level.L4_PREMISES,
            status=InspectionStatus.SUBMITTED,
            assignment__period_start__range=(month, month_end(month)),
        )
        .select_related("version__template", "inspector", "cosigned_by", "assignment")
        .prefetch_related("answers__item")
        .order_by("assignment__period_start", "performed_at")
    )


def missed_days(*, user, premises, month: datetime.date, today=None):
    """Daily checks of the month that were never done, for the register."""
    today = today or timezone.localdate()
    return (
        Assignment.objects.for_user(user)
        .filter(
            premises=premises,
            level=Level.L4_PREMISES,
            period_start__range=(month, month_end(month)),
            period_end__lt=today,
            status__in=[AssignmentStatus.OPEN, AssignmentStatus.OVERDUE],
        )
        .select_related("version__template")
        .order_by("period_start")
    )
