"""Summary tables the dashboards read instead of raw assignments (issue 19).

Kept up to date by ``inspections.summaries`` in the transaction of the service that changes the counts
(an inspection completing its assignment, the overdue job, a cycle opening) and rebuilt from raw rows by
``manage.py rebuild_summaries`` (beat ``inspections-rebuild-summaries``). Scoped like the assignments they
count (``Scope(unit="unit", premises="premises")``), so ``for_user`` gives the same rows a reader would see.

What depends on "today" is kept so that it can be worked out at read time, exactly as the raw selectors
do: open assignments are stored as a histogram of their due dates (``open_due``: {"YYYY-MM-DD": n}), with
the first and last due date so that most rows are settled in SQL (all past due, or none).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, Sum

from branches.models import Premises, Unit
from branches.scoping import Scope, ScopedQuerySet


class SummaryQuerySet(ScopedQuerySet):
    scope = Scope(unit="unit", premises="premises")

    def totals(self, fields: tuple[str, ...], *, today, by: str = "month") -> dict:
        """{value of ``by``: {field: sum, "open_past": n, "open_future": n}}: the sums in one grouped query,
        the open assignments split on ``today`` (rows due partly before it are read one by one: a second,
        small query, only rows of the running month)."""
        sums = {f"sum_{name}": Sum(name) for name in fields}  # aliases may not be field names
        sums["sum_open_past"] = Sum("open_count", filter=Q(open_last_due__lt=today))
        sums["sum_open_future"] = Sum("open_count", filter=Q(open_first_due__gte=today))
        result = {
            row[by]: {k.removeprefix("sum_"): v or 0 for k, v in row.items() if k != by}
            for row in self.order_by().values(by).annotate(**sums)
        }
        straddling = self.filter(open_count__gt=0, open_first_due__lt=today, open_last_due__gte=today)
        for row in straddling.only(by, *OPEN_FIELDS) if result else ():
            past, future = row.open_split(today)
            result[getattr(row, by)]["open_past"] += past
            result[getattr(row, by)]["open_future"] += future
        return result


OPEN_FIELDS = ("open_count", "open_first_due", "open_last_due", "open_due")


class OpenDue(models.Model):
    """Open assignments by due date: what is missed and what is still pending depends on the day it is read."""

    open_count = models.PositiveIntegerField(default=0)
    open_first_due = models.DateField(null=True, blank=True)
    open_last_due = models.DateField(null=True, blank=True)
    open_due = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def open_split(self, today) -> tuple[int, int]:
        """(past due, not yet due) among the open assignments, on ``today``."""
        if not self.open_count:
            return 0, 0
        if self.open_last_due < today:
            return self.open_count, 0
        if self.open_first_due >= today:
            return 0, self.open_count
        past = sum(n for day, n in self.open_due.items() if day < today.isoformat())
        return past, self.open_count - past


class ComplianceSummary(OpenDue):
    """The required inspections of one target (premises "P<id>" or sub-branch "U<id>") at one level in
    one cycle month, by what became of them: what ``inspections.selectors.compliance_counts`` counts."""

    month = models.DateField()
    target_key = models.CharField(max_length=20)
    level = models.CharField(max_length=2)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    premises = models.ForeignKey(Premises, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)  # marked overdue by the job, someone assigned
    unassigned = models.PositiveIntegerField(default=0)  # not done and nobody holds the post

    objects = SummaryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "target_key", "level"], name="compliance_summary_once"),
        ]
        indexes = [models.Index(fields=["month", "unit"], name="compliance_summary_unit")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.target_key} {self.level}"


class DailySummary(OpenDue):
    """One premises' before-opening and after-closing checks in one month (by the day they are for):
    what ``inspections.daily.selectors.daily_coverage`` counts."""

    month = models.DateField()
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    premises = models.ForeignKey(Premises, on_delete=models.CASCADE, related_name="+")
    required_days = models.PositiveIntegerField(default=0)
    covered_days = models.PositiveIntegerField(default=0)
    late_checks = models.PositiveIntegerField(default=0)
    overdue_checks = models.PositiveIntegerField(default=0)
    unsigned_checks = models.PositiveIntegerField(default=0)
    too_fast_checks = models.PositiveIntegerField(default=0)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "premises"], name="daily_summary_once")]
        indexes = [models.Index(fields=["month", "unit"], name="daily_summary_unit")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.premises_id}"
