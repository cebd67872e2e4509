"""Scoped reads of plans, drills and study sessions, and the counts dashboards and reports use."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from branches.models import Unit, User
from branches.selectors import sum_by_subtree, units_above
from drills import rules
from drills.choices import DrillStatus, RuleState
from drills.models import (
    Drill,
    DrillParticipant,
    DrillProblem,
    EmergencyPlan,
    PlanRole,
    StudyAttendance,
    StudySession,
)
from safetybank.periods import month_end, months_between

STUDY_PER_MONTH = 2


def plans_for(*, user: User) -> QuerySet[EmergencyPlan]:
    """Plans the user may see: their own units' and those made above them, which flow down."""
    return EmergencyPlan.objects.for_user(user).select_related("unit")


def drills_for(*, user: User) -> QuerySet[Drill]:
    return Drill.objects.for_user(user).select_related("unit", "plan", "lead").prefetch_related("premises")


def study_sessions_for(*, user: User) -> QuerySet[StudySession]:
    return (
        StudySession.objects.for_user(user)
        .select_related("unit", "presenter")
        .order_by("-date", "-pk")
        .annotate(attendee_count=Count("attendance"))
    )


def roles_to_reassign(*, user: User) -> list[PlanRole]:
    """Roles of plans in the user's scope whose holder left or moved out of the plan's unit."""
    moved = ~Q(holder__unit__path__startswith=F("plan__unit__path"))
    roles = (
        PlanRole.objects.for_user(user)
        .filter(plan__is_active=True)
        .filter(Q(holder__is_active=False) | Q(holder__unit__isnull=True) | moved)  # the rows, not every role
        .select_related("plan__unit", "holder__unit")
        .order_by("plan__unit__path", "plan__title", "pk")
    )
    return [role for role in roles if role.needs_reassignment]


def drills_to_run(*, user: User) -> QuerySet[Drill]:
    """Planned drills the user organises, or at the premises where they are head or security officer."""
    condition = Q(lead=user)
    if user.home_premises_id:
        condition |= Q(premises=user.home_premises_id)
    return (
        Drill.objects.for_user(user)
        .planned()
        .filter(pk__in=Drill.objects.filter(condition).values("pk"))
        .order_by("planned_date")
    )


def _subtree(unit: Unit) -> Q:
    return Q(unit__path__startswith=unit.path)


@dataclass(frozen=True)
class DrillCounts:
    """Drills and study of a unit's subtree over ``start``..``end`` (local dates), as the user may see them.

    ``premises_drills`` counts a drill once per premises it was held at. Rule periods are
    counted by the date they end: ``rules_met``/``rules_missed`` are those decided within
    the dates, ``rules_pending`` those ending within the dates and not yet decided.
    ``study_months_below`` lists (sub-branch, first day of month, sessions) for complete
    months within the dates with fewer than two sessions.
    """

    unit: Unit
    start: datetime.date
    end: datetime.date
    drills_done: int = 0
    drills_planned: int = 0
    drills_by_kind: dict[str, int] = field(default_factory=dict)
    premises_drills: int = 0
    participants: int = 0
    problems: int = 0
    study_sessions: int = 0
    study_attendances: int = 0
    rules_met: int = 0
    rules_missed: int = 0
    rules_pending: int = 0
    study_months_below: list[tuple[Unit, datetime.date, int]] = field(default_factory=list)


def drill_counts(
    *, user: User, unit: Unit, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> DrillCounts:
    """The one place dashboards and reports get drill and study numbers from."""
    today = today or timezone.localdate()
    visible = Drill.objects.for_user(user)
    years = [rules.YearOfDrills.read(unit, year, visible) for year in range(start.year, end.year + 1)]
    subs = rules.sub_branches_of(unit)
    outcomes = [o for year in years for periods in year.outcomes(subs, today=today).values() for o in periods]
    return _counts(user=user, unit=unit, start=start, end=end, today=today, years=years, periods=outcomes)


def _counts(
    *,
    user: User,
    unit: Unit,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date,
    years: list[rules.YearOfDrills],
    periods: list,
    study_months: bool = True,
) -> DrillCounts:
    """``DrillCounts`` from the years' drills read (``rules.YearOfDrills``) and their sub-branches' rule
    periods (``RulePeriod`` or ``Outcome``: an end and a state); ``study_months``: look for months below
    two study sessions (the programme page does not show them)."""
    drills = [d for year in years for d in year.drills.values() if start <= d.date <= end]
    done = [d for d in drills if d.status == DrillStatus.DONE]
    in_unit = Counter(
        drill_id for year in years for drill_id, _premises, path in year.links if path.startswith(unit.path)
    )
    touching = rules.drills_touching(unit, start, end, Drill.objects.for_user(user))
    done_ids = touching.filter(status=DrillStatus.DONE).values("pk")
    sessions = StudySession.objects.for_user(user).filter(_subtree(unit), date__range=(start, end))
    decided = Counter(period.state for period in periods if start <= period.end <= end)
    return DrillCounts(
        unit=unit,
        start=start,
        end=end,
        drills_done=len(done),
        drills_planned=sum(1 for d in drills if d.status == DrillStatus.PLANNED),
        drills_by_kind=dict(Counter(d.kind for d in done)),
        premises_drills=sum(in_unit[d.pk] for d in done),
        participants=DrillParticipant.objects.filter(drill__in=done_ids, attended=True).count(),
        problems=DrillProblem.objects.filter(drill__in=done_ids).count(),
        study_sessions=sessions.count(),
        study_attendances=StudyAttendance.objects.filter(session__in=sessions).count(),
        rules_met=decided[RuleState.MET],
        rules_missed=decided[RuleState.MISSED],
        rules_pending=decided.total() - decided[RuleState.MET] - decided[RuleState.MISSED],
        study_months_below=[
            (sub, month, n)
            for sub, month, n, complete in study_by_month(user=user, unit=unit, start=start, end=end, today=today)
            if complete and n < STUDY_PER_MONTH
        ]
        if study_months
        else [],
    )


def drills_done_by_unit(
    *, user: User, units: list[Unit], within: Unit, start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """``drill_counts(...).drills_done`` for each of ``units`` (all in ``within``'s subtree), by unit id:
    the done drills of each subtree or held at one of its premises, each counted once. One query
    (a drill's unit path and each of its premises' unit paths) whatever the number of units."""
    touching = rules.drills_touching(within, start, end, Drill.objects.for_user(user))
    rows = (
        Drill.objects.filter(pk__in=touching.filter(status=DrillStatus.DONE).values("pk"))
        .order_by()
        .values_list("pk", "unit__path", "premises__unit__path")
    )
    touched: dict[int, set[int]] = {unit.pk: set() for unit in units}
    by_path = {unit.path: unit.pk for unit in units}
    for pk, unit_path, premises_path in rows:
        for unit_id in units_above((unit_path, premises_path or ""), by_path):
            touched[unit_id].add(pk)
    return {pk: len(drills) for pk, drills in touched.items()}


def study_by_month(
    *, user: User, unit: Unit, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> list[tuple[Unit, datetime.date, int, bool]]:
    """Sessions per sub-branch and month: (sub-branch, month, count, month complete). Below two is flagged."""
    today = today or timezone.localdate()
    subs = rules.sub_branches_of(unit)
    months = months_between(start, end)
    if not subs or not months:
        return []
    counts: Counter = Counter()
    rows = (
        StudySession.objects.for_user(user)
        .filter(_subtree(unit), date__range=(months[0], end))
        .annotate(month=TruncMonth("date"))
        .values_list("unit__path", "month")
    )
    by_path = {sub.path: sub.pk for sub in subs}
    for path, month in rows:
        for sub_id in units_above([path], by_path):
            counts[sub_id, month] += 1
    result = []
    for sub in subs:
        for month in months:
            complete = month_end(month) < today
            result.append((sub, month, counts[sub.pk, month], complete))
    return result


# --------------------------------------------------------------------------- the annual programme


@dataclass
class ProgrammeRow:
    """A unit below the programme's unit, summing the rule periods of its sub-branches."""

    unit: Unit
    sub_branches: int
    met: int
    missed: int
    at_risk: int
    pending: int


@dataclass
class Programme:
    """The annual drill programme of ``unit``: a section per sub-branch directly under it (or the unit
    itself when it is one), a row per other unit below it summing its sub-branches (head office sees
    its branches, then opens one), and the counts of the whole subtree."""

    unit: Unit
    year: int
    counts: DrillCounts
    trail: list[Unit] = field(default_factory=list)
    rows: list[ProgrammeRow] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)


def programme(*, user: User, unit: Unit, year: int, today: datetime.date | None = None) -> Programme:
    """The annual programme page's rule periods and counts in a constant number of queries, however many
    branches, sub-branches and outlets are below ``unit``: one read of the year (``rules.YearOfDrills``),
    whole periods for the sub-branches shown, only end and state for those a row sums."""
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    read = rules.YearOfDrills.read(unit, year, Drill.objects.for_user(user))
    subs = rules.sub_branches_of(unit)
    shown = [sub for sub in subs if sub.pk == unit.pk or sub.parent_id == unit.pk]
    summed = [sub for sub in subs if sub.pk != unit.pk and sub.parent_id != unit.pk]
    periods = read.periods(shown, today=today)
    sections = [_section(sub, periods[sub.pk], read.targets.get(sub.pk, rules.Targets())) for sub in shown]
    outcomes = read.outcomes(summed, today=today)
    children = list(Unit.objects.filter(parent=unit).order_by("kind", "code"))
    sums = sum_by_subtree(children, [_row_counts(sub.path, outcomes[sub.pk]) for sub in summed])
    every = [*(p for ps in periods.values() for p in ps), *(o for os in outcomes.values() for o in os)]
    counts = _counts(
        user=user, unit=unit, start=start, end=end, today=today, years=[read], periods=every, study_months=False
    )
    return Programme(
        unit=unit,
        year=year,
        counts=counts,
        trail=list(Unit.objects.for_user(user).filter(pk__in=unit.ancestor_ids).order_by("depth")),
        rows=[ProgrammeRow(unit=child, **sums[child.pk]) for child in children if sums[child.pk]],
        sections=sections,
    )


def _row_counts(path: str, periods: list[rules.Outcome]) -> dict:
    """One sub-branch's share of its programme row."""
    states = Counter(period.state for period in periods)
    return {
        "path": path,
        "sub_branches": 1,
        "met": states[RuleState.MET],
        "missed": states[RuleState.MISSED],
        "at_risk": states[RuleState.AT_RISK],
        "pending": len(periods) - states[RuleState.MET] - states[RuleState.MISSED],
    }


def _section(sub: Unit, periods: list[rules.RulePeriod], targets: rules.Targets) -> dict:
    outlets: dict = {}
    for period in periods:
        if period.premises is not None:
            outlets.setdefault(period.premises, []).append(period)
    states = Counter(period.state for period in periods)
    return {
        "unit": sub,
        "annual": [p for p in periods if p.rule == rules.RULE_ANNUAL],
        "half_years": [p for p in periods if p.rule == rules.RULE_HALF_YEAR],
        "months": [p for p in periods if p.rule == rules.RULE_MONTHLY],
        "outlets": list(outlets.items()),
        "targets": targets,
        "missed": states[RuleState.MISSED],
        "at_risk": states[RuleState.AT_RISK],
    }
