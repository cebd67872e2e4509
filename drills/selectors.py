"""Scoped reads of plans, drills and study sessions, and the counts dashboards and reports use."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from branches.models import Unit, User
from drills import rules
from drills.choices import DrillStatus, RuleState
from drills.models import Drill, DrillParticipant, DrillProblem, EmergencyPlan, PlanRole, StudySession
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
    for sub in rules.sub_branches_of(unit):
        for year in range(start.year, end.year + 1):
            for period in rules.evaluate(sub, year, today=today, base=visible):
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
