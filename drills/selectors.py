"""Scoped reads of plans, drills and study sessions, and the counts dashboards and reports use."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from branches.choices import PremisesKind
from branches.models import Premises, Unit, User
from branches.selectors import path_prefixes
from drills import rules
from drills.choices import DrillKind, DrillStatus, RuleState
from drills.models import (
    AnnualDrillPlan,
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
    drills = list(rules.drills_touching(unit, start, end, visible))
    done = [d for d in drills if d.status == DrillStatus.DONE]
    done_ids = [d.pk for d in done]
    sessions = StudySession.objects.for_user(user).filter(_subtree(unit), date__range=(start, end))
    met = missed = pending = 0
    subs = rules.sub_branches_of(unit)
    for year in range(start.year, end.year + 1):
        evaluated = rules.evaluate_many(subs, year, within=unit, today=today, base=visible)
        for sub in subs:
            for period in evaluated[sub.pk]:
                if not start <= period.end <= end:
                    continue
                if period.state == RuleState.MET:
                    met += 1
                elif period.state == RuleState.MISSED:
                    missed += 1
                else:
                    pending += 1
    return DrillCounts(
        unit=unit,
        start=start,
        end=end,
        drills_done=len(done),
        drills_planned=sum(1 for d in drills if d.status == DrillStatus.PLANNED),
        drills_by_kind=dict(Counter(d.kind for d in done)),
        premises_drills=sum(1 for d in done for p in d.premises.all() if p.unit.path.startswith(unit.path)),
        participants=DrillParticipant.objects.filter(drill_id__in=done_ids, attended=True).count(),
        problems=DrillProblem.objects.filter(drill_id__in=done_ids).count(),
        study_sessions=sessions.count(),
        study_attendances=sessions.aggregate(n=Count("attendance"))["n"] or 0,
        rules_met=met,
        rules_missed=missed,
        rules_pending=pending,
        study_months_below=[
            (sub, month, n)
            for sub, month, n, complete in study_by_month(user=user, unit=unit, start=start, end=end, today=today)
            if complete and n < STUDY_PER_MONTH
        ],
    )


def drills_done_by_unit(
    *, user: User, units: list[Unit], within: Unit, start: datetime.date, end: datetime.date
) -> dict[int, int]:
    """``drill_counts(...).drills_done`` for each of ``units`` (all in ``within``'s subtree), by unit id:
    the done drills of each subtree or held at one of its premises, each counted once. One query
    (a drill's unit path and each of its premises' unit paths) whatever the number of units."""
    touching = rules.drills_touching(within, start, end, Drill.objects.for_user(user)).prefetch_related(None)
    rows = (
        Drill.objects.filter(pk__in=touching.filter(status=DrillStatus.DONE).values("pk"))
        .order_by()
        .values_list("pk", "unit__path", "premises__unit__path")
    )
    touched: dict[int, set[int]] = {unit.pk: set() for unit in units}
    for pk, unit_path, premises_path in rows:
        for unit in units:
            if unit_path.startswith(unit.path) or (premises_path or "").startswith(unit.path):
                touched[unit.pk].add(pk)
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
    for path, month in rows:
        for sub in subs:
            if path.startswith(sub.path):
                counts[sub.pk, month] += 1
    result = []
    for sub in subs:
        for month in months:
            complete = month_end(month) < today
            result.append((sub, month, counts[sub.pk, month], complete))
    return result


# --------------------------------------------------------------------------- the annual programme, in bulk


@dataclass(slots=True)
class _DrillRow:
    """What a rule period reads of a drill: its status, kind and day (``Drill.date``)."""

    pk: int
    status: str
    kind: str
    date: datetime.date


@dataclass
class ProgrammeRow:
    """A unit below the programme's unit, summing the rule periods of its sub-branches."""

    unit: Unit
    sub_branches: int = 0
    met: int = 0
    missed: int = 0
    at_risk: int = 0
    pending: int = 0


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


_prefixes = path_prefixes  # the shared helper, under the name this module used


def _by_month(drills: list[_DrillRow]) -> tuple[list[int], list[int]]:
    """Done and planned drills per month (index 1..12); every rule period is a run of whole months."""
    done, planned = [0] * 13, [0] * 13
    for drill in drills:
        if drill.status == DrillStatus.DONE:
            done[drill.date.month] += 1
        elif drill.status == DrillStatus.PLANNED:
            planned[drill.date.month] += 1
    return done, planned


def _periods_of(
    sub: Unit,
    year: int,
    drills: list[_DrillRow],
    targets: rules.Targets,
    outlets: list,
    drills_at: dict[int, list[_DrillRow]],
    today: datetime.date,
    states_only: bool = False,
) -> list:
    """``rules.evaluate`` for one sub-branch, from rows already read (the same periods, in the same order).
    ``outlets`` are Premises (shown) or their ids (only counted); every drill is within ``year``.
    ``states_only``: only each period's state, for a row that sums them."""
    result: list = []

    def period(rule, first, last, required, tally, premises=None):
        done, planned = sum(tally[0][first : last + 1]), sum(tally[1][first : last + 1])
        p_start = datetime.date(year, first, 1)
        p_end = month_end(datetime.date(year, last, 1))
        state = rules.rule_state(done=done, planned=planned, required=required, end=p_end, today=today)
        if states_only:
            result.append(state)
        else:
            result.append(rules.RulePeriod(rule, sub, p_start, p_end, required, done, planned, state, premises))

    period(rules.RULE_ANNUAL, 1, 12, 1, _by_month([d for d in drills if d.kind != DrillKind.ON_SITE]))
    on_site = _by_month([d for d in drills if d.kind == DrillKind.ON_SITE])
    period(rules.RULE_HALF_YEAR, 1, 6, 1, on_site)
    period(rules.RULE_HALF_YEAR, 7, 12, 1, on_site)
    if targets.drills_per_month:
        every = _by_month(drills)
        for month in range(1, 13):
            period(rules.RULE_MONTHLY, month, month, targets.drills_per_month, every)
    if targets.outlet_drills_per_quarter:
        for outlet in outlets:
            at_outlet = _by_month(drills_at.get(getattr(outlet, "pk", outlet), []))
            for quarter in range(4):
                first = quarter * 3 + 1
                period(
                    rules.RULE_OUTLET_QUARTER,
                    first,
                    first + 2,
                    targets.outlet_drills_per_quarter,
                    at_outlet,
                    premises=outlet,
                )
    return result


def programme(*, user: User, unit: Unit, year: int, today: datetime.date | None = None) -> Programme:
    """The annual programme page's rule periods and counts in a constant number of queries, however many
    branches, sub-branches and outlets are below ``unit``: the rules of every sub-branch are evaluated
    in bulk here (as ``rules.evaluate`` does one by one), from one read of the year's drills."""
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    visible = Drill.objects.for_user(user)
    subs = rules.sub_branches_of(unit)
    sub_by_path = {sub.path: sub for sub in subs}
    touching = (
        visible.filter(status__in=[DrillStatus.DONE, DrillStatus.PLANNED])
        .filter(_subtree(unit) | Q(premises__unit__path__startswith=unit.path))
        .filter(Q(held_at__date__range=(start, end)) | Q(held_at__isnull=True, planned_date__range=(start, end)))
    )
    drill_paths: dict[int, set[str]] = {}
    drills: dict[int, _DrillRow] = {}
    zone = timezone.get_current_timezone()
    for pk, status, kind, held_at, planned_date, path in touching.values_list(
        "pk", "status", "kind", "held_at", "planned_date", "unit__path"
    ).distinct():
        day = held_at.astimezone(zone).date() if held_at else planned_date
        drills[pk] = _DrillRow(pk, status, kind, day)
        drill_paths.setdefault(pk, set()).add(path)
    at_premises: list[tuple[int, int]] = []
    premises_in_unit: dict[int, int] = Counter()
    for drill_id, premises_id, path in Drill.premises.through.objects.filter(
        drill_id__in=touching.values("pk")
    ).values_list("drill_id", "premises_id", "premises__unit__path"):
        at_premises.append((drill_id, premises_id))
        drill_paths.setdefault(drill_id, set()).add(path)
        if path.startswith(unit.path):
            premises_in_unit[drill_id] += 1
    drills_at: dict[int, list[_DrillRow]] = {}
    for drill_id, premises_id in at_premises:
        if drill_id in drills:
            drills_at.setdefault(premises_id, []).append(drills[drill_id])
    # Each drill counts for every sub-branch its unit or one of its premises is in.
    drills_of: dict[int, list[_DrillRow]] = {sub.pk: [] for sub in subs}
    for pk, paths in drill_paths.items():
        if pk not in drills:
            continue
        for sub_pk in {sub_by_path[p].pk for path in paths for p in _prefixes(path) if p in sub_by_path}:
            drills_of[sub_pk].append(drills[pk])
    plans = {
        plan.unit_id: rules.Targets(plan.drills_per_month, plan.outlet_drills_per_quarter)
        for plan in AnnualDrillPlan.objects.filter(unit__in=subs, year=year)
    }
    depth = len(_prefixes(unit.path))
    shown_subs = {sub.pk for sub in subs if sub.pk == unit.pk or len(_prefixes(sub.path)) == depth + 1}
    outlets_of: dict[int, list] = {sub.pk: [] for sub in subs}
    outlet_rows = Premises.objects.filter(
        unit__path__startswith=unit.path, kind=PremisesKind.OUTLET, is_active=True
    ).order_by("code")
    for pk, path in outlet_rows.values_list("pk", "unit__path"):
        for p in _prefixes(path):
            if p in sub_by_path:
                outlets_of[sub_by_path[p].pk].append(pk)
    shown_outlets = [pk for sub in shown_subs for pk in outlets_of[sub]]
    if shown_outlets:  # the sections name their outlets; the rolled-up rows only count them
        named = {premises.pk: premises for premises in Premises.objects.filter(pk__in=shown_outlets)}
        for sub in shown_subs:
            outlets_of[sub] = [named[pk] for pk in outlets_of[sub]]

    rows: dict[int, ProgrammeRow] = {}
    sections: list[dict] = []
    met = missed = pending = 0
    for sub in subs:
        targets = plans.get(sub.pk, rules.Targets())
        shown = sub.pk in shown_subs
        periods = _periods_of(
            sub, year, drills_of[sub.pk], targets, outlets_of[sub.pk], drills_at, today, states_only=not shown
        )
        states = Counter(period.state for period in periods) if shown else Counter(periods)
        met += states[RuleState.MET]
        missed += states[RuleState.MISSED]
        pending += len(periods) - states[RuleState.MET] - states[RuleState.MISSED]
        if shown:
            sections.append(_section(sub, periods, targets, states))
            continue
        child_path = _prefixes(sub.path)[depth]
        row = rows.setdefault(int(child_path.strip("/").split("/")[-1]), ProgrammeRow(unit=None))
        row.sub_branches += 1
        row.met += states[RuleState.MET]
        row.missed += states[RuleState.MISSED]
        row.at_risk += states[RuleState.AT_RISK]
        row.pending += len(periods) - states[RuleState.MET] - states[RuleState.MISSED]
    ancestors = [int(p.strip("/").split("/")[-1]) for p in _prefixes(unit.path)]
    named = {u.pk: u for u in Unit.objects.filter(pk__in=[*ancestors, *rows])}  # rows: below the unit
    in_scope = set(Unit.objects.for_user(user).filter(pk__in=ancestors).values_list("pk", flat=True))
    for pk, row in rows.items():
        row.unit = named[pk]
    done = [d for d in drills.values() if d.status == DrillStatus.DONE]
    done_ids = touching.filter(status=DrillStatus.DONE).values("pk")
    sessions = StudySession.objects.for_user(user).filter(_subtree(unit), date__range=(start, end))
    study = {"n": sessions.count(), "attendances": StudyAttendance.objects.filter(session__in=sessions).count()}
    counts = DrillCounts(
        unit=unit,
        start=start,
        end=end,
        drills_done=len(done),
        drills_planned=sum(1 for d in drills.values() if d.status == DrillStatus.PLANNED),
        drills_by_kind=dict(Counter(d.kind for d in done)),
        premises_drills=sum(premises_in_unit[d.pk] for d in done),
        participants=DrillParticipant.objects.filter(drill_id__in=done_ids, attended=True).count(),
        problems=DrillProblem.objects.filter(drill_id__in=done_ids).count(),
        study_sessions=study["n"] or 0,
        study_attendances=study["attendances"] or 0,
        rules_met=met,
        rules_missed=missed,
        rules_pending=pending,
    )
    return Programme(
        unit=unit,
        year=year,
        counts=counts,
        trail=[named[pk] for pk in ancestors if pk in in_scope],
        rows=sorted(rows.values(), key=lambda row: (row.unit.kind, row.unit.code)),
        sections=sections,
    )


def _section(sub: Unit, periods: list[rules.RulePeriod], targets: rules.Targets, states: Counter) -> dict:
    outlets: dict = {}
    for period in periods:
        if period.premises is not None:
            outlets.setdefault(period.premises, []).append(period)
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
