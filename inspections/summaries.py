"""Maintenance of the summary tables (``inspections/summary_models.py``).

Services call one function each, inside their transaction:

- ``record_assignment(assignment)`` when an assignment's status changes (an inspection completes it);
- ``record_overdue(today)`` after the overdue job marked assignments;
- ``record_cycle_opened(month, assignments)`` after a cycle opened, from the rows it planned;
- ``rebuild_month(month)`` after a cycle gained rows (and from ``manage.py rebuild_summaries``, beat).

Every function recomputes whole rows from the raw assignments (never adds deltas; a cycle just opened
counts every row it has from what it wrote), so running it twice, or after the rows changed again, gives
the same answer. A row is locked before it is recomputed, so two
checks of the same premises submitted at once cannot both write a count that misses the other.
Each change bumps the cache version of its unit and every unit above it for that month
(``dashboard_version_names``), after commit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, Q

from branches.models import Unit
from inspections.choices import AssignmentStatus, InspectionStatus, Level, Purpose
from inspections.models import Assignment, Inspection, InspectionCycle
from inspections.summary_models import ComplianceSummary, DailySummary
from safetybank import cacheversions
from safetybank.periods import month_end, month_start, months_back

DAILY_PURPOSES = (Purpose.DAILY_OPEN, Purpose.DAILY_CLOSE)
OPEN_FIELDS = ("open_count", "open_first_due", "open_last_due", "open_due")
COMPLIANCE_FIELDS = ("unit_id", "premises_id", "on_time", "late", "overdue", "unassigned", *OPEN_FIELDS)
DAILY_FIELDS = (
    "unit_id",
    "required_days",
    "covered_days",
    "late_checks",
    "overdue_checks",
    "unsigned_checks",
    "too_fast_checks",
    *OPEN_FIELDS,
)


def dashboard_version_names(path: str, month: datetime.date) -> list[str]:
    """The cache version names a change in the unit at ``path`` touches: it and its ancestors, that month
    (dashboards of a unit), and the whole bank's month (the compliance grid, whatever the reader's scope)."""
    ids = [part for part in path.strip("/").split("/") if part]
    return [f"unit:{pk}:{month:%Y-%m}" for pk in ids] + [f"all:{month:%Y-%m}"]


def _bump(unit_ids, months) -> None:
    paths = Unit.objects.filter(pk__in=set(unit_ids)).values_list("path", flat=True)
    _bump_paths(paths, months)


def _bump_paths(paths, months) -> None:
    cacheversions.bump(
        *[name for path in paths for month in set(months) for name in dashboard_version_names(path, month)]
    )


# --------------------------------------------------------------------------- counting raw rows


def _add_open(values: dict, due: datetime.date, n: int) -> None:
    values["open_count"] += n
    values["open_due"][due.isoformat()] = values["open_due"].get(due.isoformat(), 0) + n
    first, last = values["open_first_due"], values["open_last_due"]
    values["open_first_due"] = due if first is None or due < first else first
    values["open_last_due"] = due if last is None or due > last else last


def _empty(fields) -> dict:
    values = dict.fromkeys(fields, 0)
    values.update(open_first_due=None, open_last_due=None, open_due={}, unit_id=None)
    return values


def _compliance_values(assignments) -> dict[tuple, dict]:
    """{(month, target_key, level): field values} from raw assignments, classified as compliance_counts does."""
    rows = (
        assignments.order_by()
        .values("cycle__month", "target_key", "level", "status", "period_end")
        .annotate(
            n=Count("pk"),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            unit=Max("unit_id"),
            premises=Max("premises_id"),
        )
    )
    return _compliance_fold(rows)


def _compliance_fold(rows) -> dict[tuple, dict]:
    """The compliance rows' values from grouped (or single) assignment rows: what ``_compliance_values`` reads."""
    result: dict[tuple, dict] = {}
    for row in rows:
        key = (row["cycle__month"], row["target_key"], row["level"])
        values = result.get(key)
        if values is None:
            values = result[key] = _empty(COMPLIANCE_FIELDS)
        values["unit_id"], values["premises_id"] = row["unit"], row["premises"]
        status, assigned = row["status"], row["n"] - row["unassigned"]
        if status == AssignmentStatus.DONE:
            values["on_time"] += row["n"]
        elif status == AssignmentStatus.LATE:
            values["late"] += row["n"]
        else:
            values["unassigned"] += row["unassigned"]
            if not assigned:
                continue
            if status == AssignmentStatus.OVERDUE:
                values["overdue"] += assigned
            else:
                _add_open(values, row["period_end"], assigned)
    return result


def _daily_assignments():
    return Assignment.objects.filter(level=Level.L4_PREMISES, version__template__purpose__in=DAILY_PURPOSES)


def _daily_values(assignments) -> dict[tuple, dict]:
    """{(month, premises_id): field values} from raw daily assignments, counted as daily_coverage does."""
    rows = (
        assignments.order_by()
        .values("premises_id", "period_start", "status", "period_end")
        .annotate(n=Count("pk"), unit=Max("unit_id"))
    )
    result = _daily_fold(rows)
    flags = (
        Inspection.objects.filter(assignment__in=assignments, status=InspectionStatus.SUBMITTED)
        .order_by()
        .values("assignment__premises_id", "assignment__period_start")
        .annotate(
            unsigned=Count("pk", filter=Q(cosigned_at__isnull=True)),
            too_fast=Count("pk", filter=Q(too_fast=True)),
        )
    )
    for row in flags:
        values = result.get((month_start(row["assignment__period_start"]), row["assignment__premises_id"]))
        if values is not None:
            values["unsigned_checks"] += row["unsigned"]
            values["too_fast_checks"] += row["too_fast"]
    return result


def _daily_fold(rows) -> dict[tuple, dict]:
    """The daily rows' values (flags aside) from grouped (or single) daily assignment rows."""
    days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # (premises, day) -> [required, done]
    result: dict[tuple, dict] = {}
    for row in rows:
        key = (month_start(row["period_start"]), row["premises_id"])
        values = result.get(key)
        if values is None:
            values = result[key] = _empty(DAILY_FIELDS)
        values["unit_id"] = row["unit"]
        day = days[(row["premises_id"], row["period_start"])]
        day[0] += row["n"]
        status = row["status"]
        if status in (AssignmentStatus.DONE, AssignmentStatus.LATE):
            day[1] += row["n"]
            values["late_checks"] += row["n"] if status == AssignmentStatus.LATE else 0
        elif status == AssignmentStatus.OVERDUE:
            values["overdue_checks"] += row["n"]
        elif status == AssignmentStatus.OPEN:
            _add_open(values, row["period_end"], row["n"])
    for (premises_id, day), (required, done) in days.items():
        values = result[(month_start(day), premises_id)]
        values["required_days"] += 1
        values["covered_days"] += int(required == done == 2)
    return result


# --------------------------------------------------------------------------- one row at a time


def _store_one(model, lookup: dict, compute) -> None:
    """Lock the row, count the raw rows (after the lock: a concurrent writer's change is then committed
    and seen), and write what they say now: create the row, or delete it when nothing is left."""
    row = model.objects.select_for_update().filter(**lookup).first()
    values = compute()
    if values is None:
        if row is not None:
            row.delete()
        return
    if row is None:
        row, _created = model.objects.get_or_create(**lookup, defaults=values)
        row = model.objects.select_for_update().get(pk=row.pk)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def _refresh_compliance(month: datetime.date, target_key: str, level: str) -> None:
    lookup = {"month": month, "target_key": target_key, "level": level}
    raw = Assignment.objects.filter(cycle__month=month, target_key=target_key, level=level)
    _store_one(ComplianceSummary, lookup, lambda: _compliance_values(raw).get((month, target_key, level)))


def _refresh_daily(month: datetime.date, premises_id: int) -> None:
    lookup = {"month": month, "premises_id": premises_id}
    raw = _daily_assignments().filter(premises_id=premises_id, period_start__range=(month, month_end(month)))
    _store_one(DailySummary, lookup, lambda: _daily_values(raw).get((month, premises_id)))


def record_assignment(assignment: Assignment) -> None:
    """An assignment changed (done, late): its target's month and, for a daily check, its premises' month."""
    cycle_month = InspectionCycle.objects.values_list("month", flat=True).get(pk=assignment.cycle_id)
    _refresh_compliance(cycle_month, assignment.target_key, assignment.level)
    months = {cycle_month}
    if assignment.level == Level.L4_PREMISES and assignment.premises_id:
        day_month = month_start(assignment.period_start)
        _refresh_daily(day_month, assignment.premises_id)
        months.add(day_month)
    _bump_paths([assignment.unit.path], months)  # no query when the caller loaded the unit with it


def record_inspection(inspection: Inspection) -> None:
    """A daily check was submitted or co-signed without its assignment changing: only its flags
    (unsigned, too fast) count, and only in its premises' month (the compliance rows count assignments)."""
    assignment = inspection.assignment if inspection.assignment_id else None
    if assignment is None or assignment.level != Level.L4_PREMISES or not assignment.premises_id:
        return
    day_month = month_start(assignment.period_start)
    _refresh_daily(day_month, assignment.premises_id)
    _bump_paths([assignment.unit.path], [day_month])  # no query when the caller loaded the unit with it


# --------------------------------------------------------------------------- whole months


def rebuild_month(month: datetime.date) -> tuple[int, int]:
    """Recompute every summary row of ``month`` from the raw rows. Returns (compliance rows, daily rows)."""
    month = month_start(month)
    with transaction.atomic():
        compliance = _compliance_values(Assignment.objects.filter(cycle__month=month))
        daily = _daily_values(_daily_assignments().filter(period_start__range=(month, month_end(month))))
        return _store(month, compliance, daily)


def record_cycle_opened(month: datetime.date, assignments: Iterable[dict]) -> tuple[int, int]:
    """A cycle was just opened for ``month`` and ``assignments`` are all the assignments it has, as dicts of
    target_key, level, unit_id, premises_id, assignee_id, period_start, period_end, status, ``daily`` (a daily
    check's) and ``n`` (how many such assignments: the slots of one period). Nothing is done or inspected yet,
    so the month's rows are counted from them as ``rebuild_month`` counts the raw rows, without reading
    140,000 rows back. Returns (compliance rows, daily rows)."""
    month = month_start(month)
    rows = [
        {
            **row,
            "cycle__month": month,
            "unit": row["unit_id"],
            "premises": row["premises_id"],
            "unassigned": row["n"] if row["assignee_id"] is None else 0,
        }
        for row in assignments
    ]
    compliance = _compliance_fold(rows)
    daily = _daily_fold(row for row in rows if row["daily"] and row["level"] == Level.L4_PREMISES)
    with transaction.atomic():
        return _store(month, compliance, daily)


def _store(month: datetime.date, compliance: dict[tuple, dict], daily: dict[tuple, dict]) -> tuple[int, int]:
    _store_month(ComplianceSummary, month, compliance, ["month", "target_key", "level"], COMPLIANCE_FIELDS)
    _store_month(DailySummary, month, daily, ["month", "premises"], DAILY_FIELDS)
    unit_ids = {v["unit_id"] for v in compliance.values()} | {v["unit_id"] for v in daily.values()}
    _bump(unit_ids, [month])
    return len(compliance), len(daily)


def _store_month(model, month, computed: dict[tuple, dict], unique: list[str], fields) -> None:
    objects = []
    for key, values in computed.items():
        ids = dict(zip(unique, key, strict=True))
        ids = {("premises_id" if k == "premises" else k): v for k, v in ids.items()}
        objects.append(model(**ids, **values))
    if objects:
        model.objects.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=unique,
            update_fields=[f.removesuffix("_id") if f.endswith("_id") else f for f in fields],
        )
    stale = model.objects.filter(month=month)
    if model is ComplianceSummary:
        present = {(k[1], k[2]) for k in computed}
        gone = [pk for pk, t, lv in stale.values_list("pk", "target_key", "level") if (t, lv) not in present]
    else:
        present = {k[1] for k in computed}
        gone = [pk for pk, p in stale.values_list("pk", "premises_id") if p not in present]
    model.objects.filter(pk__in=gone).delete()


def record_overdue(*, today: datetime.date) -> None:
    """After the overdue job: the months of the assignments it marked today (claimed today, due in the
    last 62 days; a run resumed the same night finds them again). Other months are the nightly
    rebuild's (``rebuild_recent``)."""
    months = set(
        Assignment.objects.filter(
            status=AssignmentStatus.OVERDUE,
            notified_overdue_on=today,
            period_end__range=(today - datetime.timedelta(days=62), today),
        )
        .order_by()
        .values_list("cycle__month", flat=True)
        .distinct()
    )
    for month in sorted(months):
        rebuild_month(month)


def rebuild_recent(*, today: datetime.date, months: int = 2) -> list[tuple[datetime.date, int, int]]:
    """The nightly job: the last ``months`` months and the next (an opened cycle), from raw rows."""
    wanted = [*months_back(month_start(today), months), month_start(month_end(today) + datetime.timedelta(days=1))]
    opened = set(InspectionCycle.objects.filter(month__in=wanted).values_list("month", flat=True))
    return [(m, *rebuild_month(m)) for m in wanted if m in opened or m <= today]
