"""Opening a month's inspection cycle: from the frequency rules in force and the business
calendar to one assignment per required inspection.

Idempotent by construction: every assignment has a unique (rule, target, period, slot)
and rows are inserted with ``ignore_conflicts``, so running twice — or twice at once on
two workers — creates nothing new. It reads only the database, so a missed month is
caught up by the next run.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

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


def _periods(rule: FrequencyRule, month: datetime.date, cal: WorkingCalendar, open_every_day: bool) -> list[Window]:
    first, last = month, month_end(month)
    if rule.period == Period.BUSINESS_DAY:
        days = [first + DAY * i for i in range((last - first).days + 1)]
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


class _Place(NamedTuple):
    """A premises as the cycle needs it: ids and flags, read as plain values (no model instance)."""

    pk: int
    unit_id: int
    unit_path: str
    kind: str
    open_24h: bool

    @property
    def is_attended(self) -> bool:
        return self.kind != PremisesKind.SELF_SERVICE  # as Premises.is_attended


def _scope_root_id(unit_id: int, kind: str, parent_id: int | None) -> int:
    """``Unit.scope_root`` from plain values: a department acts for the unit it belongs to."""
    return parent_id if kind == UnitKind.DEPARTMENT and parent_id else unit_id


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]  # as Unit.ancestor_ids


class _People:
    """Who holds which post where, loaded once for the whole cycle as ids (no model instances:
    a provincial bank has tens of thousands of staff)."""

    def __init__(self, month: datetime.date):
        self.by_premises: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.by_unit: dict[tuple[int, str], list[int]] = defaultdict(list)
        part_timers = []
        users = (
            User.objects.filter(is_active=True)
            .order_by("pk")
            .values_list(
                "pk", "post", "part_time_posts", "home_premises_id", "unit_id", "unit__kind", "unit__parent_id"
            )
        )
        for pk, post, part_time_posts, premises_id, unit_id, unit_kind, parent_id in users:
            if premises_id:
                self.by_premises[(premises_id, post)].append(pk)
                if Post.SECURITY_OFFICER in (part_time_posts or ()) and post != Post.SECURITY_OFFICER:
                    part_timers.append((premises_id, pk))
            if unit_id:
                self.by_unit[(_scope_root_id(unit_id, unit_kind, parent_id), post)].append(pk)
        # A part-time security officer does the officer's checks where no full-time one works.
        for premises_id, pk in part_timers:
            self.by_premises[(premises_id, Post.SECURITY_OFFICER)].append(pk)
        actings = (
            Acting.objects.filter(start_date__lte=month_end(month), end_date__gte=month)
            .order_by("pk")
            .values_list("user_id", "post", "premises_id", "unit_id", "unit__kind", "unit__parent_id")
        )
        for user_id, post, premises_id, unit_id, unit_kind, parent_id in actings:
            if premises_id:
                self.by_premises[(premises_id, post)].append(user_id)
            elif unit_id:
                self.by_unit[(_scope_root_id(unit_id, unit_kind, parent_id), post)].append(user_id)
        self.contractors: dict[int, list[int]] = defaultdict(list)
        for premises_id, user_id in (
            Contract.objects.filter(user__is_active=True).order_by("pk").values_list("premises_id", "user_id")
        ):
            self.contractors[premises_id].append(user_id)
        self.attended_premises: dict[int, list[int]] = defaultdict(list)
        for premises_id, unit_id in (
            Premises.objects.filter(is_active=True, kind=PremisesKind.OUTLET)
            .values_list("pk", "unit_id")
            .order_by("code")
        ):
            self.attended_premises[unit_id].append(premises_id)
        self._nearest: dict[tuple[str, str], int | None] = {}

    def at_premises(self, place: _Place, post: str) -> int | None:
        holders = self.by_premises.get((place.pk, post))
        if holders:
            return holders[0]
        # An outlet without a security officer: its outlet head (or whoever acts as one) does the check.
        stand_in = STAND_INS.get(post)
        if stand_in and self.by_premises.get((place.pk, stand_in)):
            return self.by_premises[(place.pk, stand_in)][0]
        if post not in PREMISES_POSTS:
            return self.nearest(place.unit_path, post)
        if not place.is_attended:
            # An unattended self-service bank is covered by the staff of its sub-branch's outlets.
            for other_id in self.attended_premises.get(place.unit_id, []):
                if self.by_premises.get((other_id, post)):
                    return self.by_premises[(other_id, post)][0]
        return None

    def nearest(self, unit_path: str, post: str) -> int | None:
        """The holder of ``post`` at the unit (given by its path) or, failing that, the nearest unit above it."""
        key = (unit_path, post)
        if key not in self._nearest:
            self._nearest[key] = next(
                (
                    self.by_unit[(ancestor_id, post)][0]
                    for ancestor_id in reversed(_ancestor_ids(unit_path))
                    if self.by_unit.get((ancestor_id, post))
                ),
                None,
            )
        return self._nearest[key]


# Who does a premises post's checks when nobody holds it there.
STAND_INS = {Post.SECURITY_OFFICER: Post.OUTLET_HEAD}


def _targets(rule: FrequencyRule, places: list[_Place], sub_branches: list[tuple[int, str]], people: _People):
    """(unit id, place or None, assignee id or None) for each place the rule applies to."""
    if rule.target == Target.EACH_SUB_BRANCH:
        for unit_id, path in sub_branches:
            yield unit_id, None, people.nearest(path, rule.performer_post)
    elif rule.target == Target.EACH_PREMISES_OF_KIND:
        for place in places:
            if place.kind == rule.premises_kind:
                yield place.unit_id, place, people.at_premises(place, rule.performer_post)
    elif rule.target == Target.EACH_CONTRACTED_PREMISES:
        for place in places:
            if not rule.premises_kind or place.kind == rule.premises_kind:
                contractors = people.contractors.get(place.pk) or [None]
                yield place.unit_id, place, contractors[0]


def _registered_since(cycle: InspectionCycle) -> dict[int, datetime.date]:
    """Premises registered after the cycle was opened, with the (local) day they were registered:
    catching the cycle up must not require checks of days before they existed."""
    rows = Premises.history.filter(
        history_type="+", history_date__gt=cycle.opened_at, history_date__lte=timezone.now()
    ).values_list("id", "history_date")
    return {pk: timezone.localdate(at) for pk, at in rows}


@transaction.atomic
def cycle_open(*, month: datetime.date) -> tuple[InspectionCycle, int]:
    """Open the cycle of ``month`` (any day in it) and create its assignments. Returns (cycle, created).

    The plan is built from plain values (ids, no model instance per person, premises or assignment)
    and written in one bulk statement that leaves out every row the cycle already has, so a few
    dozen queries open a provincial bank's month and a re-run writes nothing. The month's summary rows
    are counted from the plan when it is all the month has, from the table when rows were added to a
    cycle already open, and left as they are when nothing was added."""
    month = month_start(month)
    cycle, new_cycle = InspectionCycle.objects.get_or_create(month=month)
    rules = list(FrequencyRule.objects.valid_in(month).select_related("template"))
    versions = {}
    for version in ChecklistVersion.objects.filter(template__in={r.template_id for r in rules}).order_by("number"):
        versions[version.template_id] = version  # the highest number wins
    cal = WorkingCalendar(month - DAY * 14, month_end(month) + DAY * 45)
    people = _People(month)
    places = [
        _Place(*row)
        for row in Premises.objects.filter(is_active=True)
        .order_by("unit__path", "code")
        .values_list("pk", "unit_id", "unit__path", "kind", "open_24h")
    ]
    registered = _registered_since(cycle)
    sub_branches = list(Unit.objects.filter(kind=UnitKind.SUB_BRANCH).order_by("path").values_list("pk", "path"))

    # One group per target and rule: the target's columns, its periods and the slots of each period.
    planned: list[tuple[tuple, list[Window], range]] = []
    for rule in rules:
        version = versions.get(rule.template_id)
        if version is None:
            continue  # a checklist with no version yet cannot be assigned
        windows = {every_day: _periods(rule, month, cal, every_day) for every_day in (False, True)}
        slots = range(1, rule.count + 1)
        for unit_id, place, assignee_id in _targets(rule, places, sub_branches, people):
            premises_id = place.pk if place else None
            periods = windows[bool(place and place.open_24h)]
            since = registered.get(premises_id)
            if since is not None:  # a premises counts from the day it was registered, not before
                periods = [period for period in periods if period.end >= since]
            target_key = f"P{premises_id}" if place else f"U{unit_id}"
            head = (cycle.pk, rule.pk, rule.level, version.pk, unit_id, premises_id, target_key, rule.performer_post)
            planned.append(((*head, assignee_id), periods, slots))
    created = _insert(planned)
    if new_cycle and created == sum(len(periods) * len(slots) for _head, periods, slots in planned):
        # Every row of the month is one just planned: count the summaries from the plan, not from the table.
        daily = {rule.pk for rule in rules if rule.template.purpose in summaries.DAILY_PURPOSES}
        summaries.record_cycle_opened(month, _rows(planned, daily))
    elif created:  # nothing new (a re-run): the month's summary rows are as they were
        summaries.rebuild_month(month)
    return cycle, created


def _rows(planned: list[tuple[tuple, list[Window], range]], daily_rules: set[int]):
    """The planned assignments as the summaries count them: the columns of each period's slots, how many
    slots, and whether they are daily checks."""
    status = AssignmentStatus.OPEN.value
    for head, periods, slots in planned:
        columns = dict(zip(COLUMNS, head, strict=False))  # the target's columns, up to the assignee
        columns.update(status=status, daily=columns["rule_id"] in daily_rules)
        for period in periods:
            yield {**columns, "period_start": period.start, "period_end": period.end, "n": len(slots)}


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


def _copy_text(value: int | str | None) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def _insert(planned: list[tuple[tuple, list[Window], range]]) -> int:
    """Insert the planned assignments, leaving out any that exist (the unique rule/target/period/slot: a
    re-run, or a cycle opened twice at once). Returns how many were inserted.

    On PostgreSQL the rows are streamed with COPY into a temporary table and moved with one
    INSERT ... SELECT ... ON CONFLICT DO NOTHING: what it costs is then the table's own index upkeep, as
    for an INSERT ... SELECT of the month before's rows. Elsewhere ``bulk_create``."""
    status = AssignmentStatus.OPEN.value
    if connection.vendor != "postgresql":
        rows = [
            Assignment(**dict(zip(COLUMNS, (*head, period.start, period.end, slot, status), strict=True)))
            for head, periods, slots in planned
            for period in periods
            for slot in slots
        ]
        before = Assignment.objects.count()
        Assignment.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        return Assignment.objects.count() - before
    # COPY's text format: a group's own columns are written once, then one short line end per row.
    data = io.StringIO()
    for head, periods, slots in planned:
        start = "\t".join(map(_copy_text, head))
        for period in periods:
            middle = f"{start}\t{period.start.isoformat()}\t{period.end.isoformat()}\t"
            data.writelines(f"{middle}{slot}\t{status}\n" for slot in slots)
    data.seek(0)
    # Built from the model's own table and column names only; the values go through COPY.
    table, columns = Assignment._meta.db_table, ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        empty = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        cursor.execute(f"CREATE TEMPORARY TABLE cycle_plan ON COMMIT DROP AS {empty}")
        cursor.copy_expert(f"COPY cycle_plan ({columns}) FROM STDIN", data)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM cycle_plan ON CONFLICT DO NOTHING")  # noqa: S608
        created = cursor.rowcount
        cursor.execute("DROP TABLE cycle_plan")  # two months opened in one transaction (the beat job)
    return created


def cycles_catch_up(*, today: datetime.date | None = None) -> list[tuple[InspectionCycle, int]]:
    """What the monthly beat job runs: the current month (in case a run was missed) and the next."""
    current = month_start(today or timezone.localdate())
    return [cycle_open(month=current), cycle_open(month=next_month(current))]
