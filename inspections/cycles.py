"""Opening a month's inspection cycle: from the frequency rules in force and the business
calendar to one assignment per required inspection.

Idempotent by construction: every assignment has a unique (rule, target, period, slot)
and rows are inserted with ``ignore_conflicts``, so running twice — or twice at once on
two workers — creates nothing new. It reads only the database, so a missed month is
caught up by the next run.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from branches.choices import PREMISES_POSTS, Post, PremisesKind, UnitKind
from branches.models import Acting, Contract, Premises, Unit, User
from core.selectors import WorkingCalendar
from inspections import summaries
from inspections.choices import AssignmentStatus, Period, Target
from inspections.models import Assignment, ChecklistVersion, FrequencyRule, InspectionCycle
from safetybank.periods import month_end, month_start, next_month, quarter_bounds

DAY = datetime.timedelta(days=1)


def default_month(now: datetime.datetime | None = None) -> datetime.date:
    """The month a cycle is opened for by default: the next one, in local (Asia/Shanghai) time."""
    return next_month(month_start(timezone.localdate(now)))


@dataclass(frozen=True)
class Window:
    start: datetime.date
    end: datetime.date  # the due date


def _periods(
    rule: FrequencyRule, month: datetime.date, cal: WorkingCalendar, premises: Premises | None
) -> list[Window]:
    first, last = month, month_end(month)
    if rule.period == Period.BUSINESS_DAY:
        days = [first + DAY * i for i in range((last - first).days + 1)]
        open_every_day = premises is not None and premises.open_24h
        return [Window(d, d) for d in days if open_every_day or cal.is_working(d)]
    if rule.period == Period.WEEK:
        periods = []
        monday = first + DAY * ((7 - first.weekday()) % 7)  # weeks that start in this month
        while monday <= last:
            sunday = monday + DAY * 6
            periods.append(Window(monday, cal.last_working_day(monday, sunday)))
            monday += DAY * 7
        return periods
    if rule.period == Period.MONTH:
        return [Window(first, cal.last_working_day(first, last))]
    if rule.period == Period.QUARTER:
        if (month.month - 1) % 3:
            return []
        return [Window(first, cal.last_working_day(first, quarter_bounds(first)[1]))]
    if rule.period == Period.SEASON:
        start, end = rule.season_start_month or 1, rule.season_end_month or 12
        in_season = start <= month.month <= end if start <= end else (month.month >= start or month.month <= end)
        return [Window(first, cal.last_working_day(first, last))] if in_season else []
    if rule.period == Period.HOLIDAY:
        periods = []
        for holiday in cal.holiday_starts(first, last + DAY * 40):
            due = cal.last_working_day(holiday - DAY * 14, holiday - DAY)
            if first <= due <= last:
                periods.append(Window(max(first, due - DAY * 6), due))
        return periods
    raise ValueError(f"unknown period {rule.period}")


class _People:
    """Who holds which post where, loaded once for the whole cycle."""

    def __init__(self, month: datetime.date):
        self.by_premises: dict[tuple[int, str], list[User]] = defaultdict(list)
        self.by_unit: dict[tuple[int, str], list[User]] = defaultdict(list)
        part_timers = []
        for user in User.objects.filter(is_active=True).select_related("unit__parent").order_by("pk"):
            if user.home_premises_id:
                self.by_premises[(user.home_premises_id, user.post)].append(user)
                if Post.SECURITY_OFFICER in (user.part_time_posts or ()) and user.post != Post.SECURITY_OFFICER:
                    part_timers.append(user)
            if user.unit_id:
                self.by_unit[(user.unit.scope_root.pk, user.post)].append(user)
        # A part-time security officer does the officer's checks where no full-time one works.
        for user in part_timers:
            self.by_premises[(user.home_premises_id, Post.SECURITY_OFFICER)].append(user)
        for acting in Acting.objects.filter(start_date__lte=month_end(month), end_date__gte=month).select_related(
            "user", "unit__parent"
        ):
            if acting.premises_id:
                self.by_premises[(acting.premises_id, acting.post)].append(acting.user)
            elif acting.unit_id:
                self.by_unit[(acting.unit.scope_root.pk, acting.post)].append(acting.user)
        self.contractors: dict[int, list[User]] = defaultdict(list)
        for contract in Contract.objects.filter(user__is_active=True).select_related("user").order_by("pk"):
            self.contractors[contract.premises_id].append(contract.user)
        self.attended_premises: dict[int, list[int]] = defaultdict(list)
        for premises_id, unit_id in (
            Premises.objects.filter(is_active=True, kind=PremisesKind.OUTLET)
            .values_list("pk", "unit_id")
            .order_by("code")
        ):
            self.attended_premises[unit_id].append(premises_id)

    def at_premises(self, premises: Premises, post: str) -> User | None:
        holders = self.by_premises.get((premises.pk, post))
        if holders:
            return holders[0]
        # An outlet without a security officer: its outlet head (or whoever acts as one) does the check.
        stand_in = STAND_INS.get(post)
        if stand_in and self.by_premises.get((premises.pk, stand_in)):
            return self.by_premises[(premises.pk, stand_in)][0]
        if post not in PREMISES_POSTS:
            return self.nearest(premises.unit, post)
        if not premises.is_attended:
            # An unattended self-service bank is covered by the staff of its sub-branch's outlets.
            for other_id in self.attended_premises.get(premises.unit_id, []):
                if self.by_premises.get((other_id, post)):
                    return self.by_premises[(other_id, post)][0]
        return None

    def nearest(self, unit: Unit, post: str) -> User | None:
        """The holder of ``post`` at the unit or, failing that, the nearest unit above it."""
        for ancestor_id in reversed(unit.ancestor_ids):
            holders = self.by_unit.get((ancestor_id, post))
            if holders:
                return holders[0]
        return None


# Who does a premises post's checks when nobody holds it there.
STAND_INS = {Post.SECURITY_OFFICER: Post.OUTLET_HEAD}


def _targets(rule: FrequencyRule, premises: list[Premises], sub_branches: list[Unit], people: _People):
    """(unit, premises or None, assignee or None) for each place the rule applies to."""
    if rule.target == Target.EACH_SUB_BRANCH:
        for unit in sub_branches:
            yield unit, None, people.nearest(unit, rule.performer_post)
    elif rule.target == Target.EACH_PREMISES_OF_KIND:
        for place in premises:
            if place.kind == rule.premises_kind:
                yield place.unit, place, people.at_premises(place, rule.performer_post)
    elif rule.target == Target.EACH_CONTRACTED_PREMISES:
        for place in premises:
            if not rule.premises_kind or place.kind == rule.premises_kind:
                contractors = people.contractors.get(place.pk) or [None]
                yield place.unit, place, contractors[0]


def _registered_since(cycle: InspectionCycle) -> dict[int, datetime.date]:
    """Premises registered after the cycle was opened, with the (local) day they were registered:
    catching the cycle up must not require checks of days before they existed."""
    rows = Premises.history.filter(
        history_type="+", history_date__gt=cycle.opened_at, history_date__lte=timezone.now()
    ).values_list("id", "history_date")
    return {pk: timezone.localdate(at) for pk, at in rows}


# Rows per INSERT: a month of 3,000 premises is about 142,000 assignments.
INSERT_BATCH = 10_000


@transaction.atomic
def cycle_open(*, month: datetime.date) -> tuple[InspectionCycle, int]:
    """Open the cycle of ``month`` (any day in it) and create its assignments. Returns (cycle, created).

    Built as plain rows (no model instance per assignment), the ones the cycle already has left
    out, and inserted in batches: a handful of queries whatever the size of the bank."""
    month = month_start(month)
    cycle, _ = InspectionCycle.objects.get_or_create(month=month)
    rules = list(FrequencyRule.objects.valid_in(month).select_related("template"))
    versions = {}
    for version in ChecklistVersion.objects.filter(template__in={r.template_id for r in rules}).order_by("number"):
        versions[version.template_id] = version  # the highest number wins
    cal = WorkingCalendar(month - DAY * 14, month_end(month) + DAY * 45)
    people = _People(month)
    premises = list(Premises.objects.filter(is_active=True).select_related("unit").order_by("unit__path", "code"))
    registered = _registered_since(cycle)
    sub_branches = list(Unit.objects.filter(kind=UnitKind.SUB_BRANCH).order_by("path"))
    existing = set(Assignment.objects.filter(cycle=cycle).values_list("rule_id", "target_key", "period_start", "slot"))

    planned = []
    for rule in rules:
        version = versions.get(rule.template_id)
        if version is None:
            continue  # a checklist with no version yet cannot be assigned
        windows: dict[bool, list[Window]] = {}  # the periods depend on the place only through open_24h
        for unit, place, assignee in _targets(rule, premises, sub_branches, people):
            every_day = bool(place and place.open_24h)
            if every_day not in windows:
                windows[every_day] = _periods(rule, month, cal, place)
            target_key = f"P{place.pk}" if place else f"U{unit.pk}"
            for period in windows[every_day]:
                if place is not None and period.end < registered.get(place.pk, period.end):
                    continue  # a premises counts from the day it was registered, not before
                for slot in range(1, rule.count + 1):
                    if (rule.pk, target_key, period.start, slot) in existing:
                        continue
                    planned.append(
                        (
                            cycle.pk,
                            rule.pk,
                            rule.level,
                            version.pk,
                            unit.pk,
                            place.pk if place else None,
                            target_key,
                            rule.performer_post,
                            assignee.pk if assignee else None,
                            period.start,
                            period.end,
                            slot,
                            AssignmentStatus.OPEN.value,
                        )
                    )
    created = 0
    for start in range(0, len(planned), INSERT_BATCH):
        created += _insert(planned[start : start + INSERT_BATCH])
    summaries.rebuild_month(month)
    return cycle, created


COLUMNS = (
    "cycle_id",
    "rule_id",
    "level",
    "version_id",
    "unit_id",
    "premises_id",
    "target_key",
    "performer_post",
    "assignee_id",
    "period_start",
    "period_end",
    "slot",
    "status",
)


def _insert(rows: list[tuple]) -> int:
    """Insert assignment rows, skipping any that exist (the unique rule/target/period/slot: a cycle
    opened twice at once). One statement per batch on PostgreSQL; elsewhere ``bulk_create``.
    Returns how many were inserted."""
    if connection.vendor != "postgresql":
        before = Assignment.objects.count()
        Assignment.objects.bulk_create(
            [Assignment(**dict(zip(COLUMNS, row, strict=True))) for row in rows], ignore_conflicts=True, batch_size=1000
        )
        return Assignment.objects.count() - before
    fields = {field.attname: field for field in Assignment._meta.concrete_fields}
    casts = ", ".join(f"%s::{fields[name].db_type(connection)}[]" for name in COLUMNS)
    # Built from the model's own table and column names only; the values go as parameters.
    table, columns = Assignment._meta.db_table, ", ".join(COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({casts}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        return cursor.rowcount


def cycles_catch_up(*, today: datetime.date | None = None) -> list[tuple[InspectionCycle, int]]:
    """What the monthly beat job runs: the current month (in case a run was missed) and the next."""
    current = month_start(today or timezone.localdate())
    return [cycle_open(month=current), cycle_open(month=next_month(current))]
