"""Scoped reads of the hidden-danger loop: the register, the queues of "my tasks", and the
one counts selector dashboards and reports call."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from branches.choices import Post
from branches.permissions import effective_posts
from branches.selectors import sum_by_subtree
from core.selectors import SECURITY_POSTS, answered_by
from inspections.choices import EscalationLevel, HazardCategory, HazardGrade, HazardStatus
from inspections.hazards.models import Hazard, HazardEvent
from inspections.hazards.rules import verify_refusal
from safetybank.periods import month_end

# --------------------------------------------------------------------------- counts


@dataclass
class HazardFigures:
    """The figures of one slice (everything, one grade, one category)."""

    found: int = 0
    rectified: int = 0
    rectified_on_time: int = 0
    open: int = 0
    overdue: int = 0
    escalated: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Share of the dangers closed in the period that were closed by their deadline (None: none closed)."""
        return self.rectified_on_time / self.rectified if self.rectified else None

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class HazardCounts(HazardFigures):
    """Hidden dangers of a period, for dashboards and reports.

    - ``found``: found on a local day from ``start`` to ``end``;
    - ``rectified``: verified and closed on a local day of the period; ``rectified_on_time`` of those,
      the ones closed no later than their deadline (a danger without deadline, e.g. fixed on the
      spot, is on time);
    - ``open``, ``overdue``, ``escalated``: the state at the end of the period (or today, if earlier):
      found by then and not closed by then; of those, past their deadline; of those open, escalated
      by then;
    - ``by_grade`` / ``by_category``: the same figures (as dicts) per grade / category value,
      every choice present.
    """

    by_grade: dict[str, dict[str, int]] = field(default_factory=dict)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _conditions(*, start: datetime.date, end: datetime.date, today: datetime.date) -> dict[str, Q]:
    """What each figure of ``HazardCounts`` counts, as a filter on dangers (see there)."""
    as_of = min(end, today)
    since, until = _day_start(start), _day_start(end + datetime.timedelta(days=1))
    as_of_end = _day_start(as_of + datetime.timedelta(days=1))
    still_open = Q(found_at__lt=as_of_end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=as_of_end))
    return {
        "found": Q(found_at__gte=since, found_at__lt=until),
        "rectified": Q(status=HazardStatus.CLOSED, closed_at__gte=since, closed_at__lt=until),
        "open": still_open,
        "overdue": still_open & Q(deadline__lt=as_of),
        "escalated": still_open
        & Q(escalation_level__gt=EscalationLevel.NONE)
        & (Q(escalated_at__isnull=True) | Q(escalated_at__lt=as_of_end)),
    }


def hazard_counts(
    *,
    user,
    start: datetime.date,
    end: datetime.date,
    unit=None,
    today: datetime.date | None = None,
) -> HazardCounts:
    """Counts of hidden dangers found, rectified (on time), open, overdue and escalated, by grade and category,
    within ``user``'s scope and, when ``unit`` is given, that unit's subtree. Five small queries."""
    conditions = _conditions(start=start, end=end, today=today or timezone.localdate())
    hazards = Hazard.objects.in_scope(user)  # the unit's dangers, not what the reader follows
    if unit is not None:
        hazards = hazards.filter(unit__path__startswith=unit.path)
    hazards = hazards.order_by()

    counts = HazardCounts()
    slices: dict[tuple[str, str], HazardFigures] = {}
    for grade in HazardGrade.values:
        slices["grade", grade] = HazardFigures()
    for category in HazardCategory.values:
        slices["category", category] = HazardFigures()

    def add(name: str, rows) -> None:
        for grade, category, local_deadline_ok in rows:
            for figures in (counts, slices["grade", grade], slices["category", category]):
                if name == "rectified":
                    figures.rectified += 1
                    figures.rectified_on_time += int(local_deadline_ok)
                else:
                    setattr(figures, name, getattr(figures, name) + 1)

    found = hazards.filter(conditions["found"]).values_list("grade", "category")
    add("found", ((g, c, False) for g, c in found))

    closed = hazards.filter(conditions["rectified"])
    add(
        "rectified",
        (
            (g, c, deadline is None or timezone.localdate(closed_at) <= deadline)
            for g, c, deadline, closed_at in closed.values_list("grade", "category", "deadline", "closed_at")
        ),
    )
    for name in ("open", "overdue", "escalated"):
        add(name, ((g, c, False) for g, c in hazards.filter(conditions[name]).values_list("grade", "category")))

    counts.by_grade = {grade: slices["grade", grade].as_dict() for grade in HazardGrade.values}
    counts.by_category = {category: slices["category", category].as_dict() for category in HazardCategory.values}
    return counts


def _figures(conditions: dict[str, Q]) -> dict[str, Q]:
    """Each figure of ``HazardFigures`` as a filter (rectified on time: closed by its local deadline day)."""
    on_time = conditions["rectified"] & (Q(deadline__isnull=True) | Q(closed_at__date__lte=F("deadline")))
    return {**conditions, "rectified_on_time": on_time}


def hazard_counts_by_month(
    *, user, months: list[datetime.date], unit=None, today: datetime.date | None = None
) -> dict[datetime.date, HazardFigures]:
    """``hazard_counts``' totals for each whole month of ``months`` (first days), by month, in one query
    (the 12-month trend of a dashboard)."""
    today = today or timezone.localdate()
    hazards = Hazard.objects.in_scope(user)
    if unit is not None:
        hazards = hazards.filter(unit__path__startswith=unit.path)
    figures = {
        (i, name): Count("pk", filter=condition)
        for i, month in enumerate(months)
        for name, condition in _figures(_conditions(start=month, end=month_end(month), today=today)).items()
    }
    counts = hazards.order_by().aggregate(**{f"{name}_{i}": count for (i, name), count in figures.items()})
    result = {month: HazardFigures() for month in months}
    for i, name in figures:
        setattr(result[months[i]], name, counts[f"{name}_{i}"])
    return result


def hazard_counts_by_unit(
    *, user, start: datetime.date, end: datetime.date, units, today: datetime.date | None = None
) -> dict[int, HazardFigures]:
    """``hazard_counts``' totals for the subtree of each of ``units``, by unit id (the breakdown of a
    dashboard): one query grouped by the danger's unit, summed per subtree, whatever the number of units."""
    conditions = _conditions(start=start, end=end, today=today or timezone.localdate())
    paths = [unit.path for unit in units]
    in_units = Q()
    for path in paths:
        in_units |= Q(unit__path__startswith=path)
    rows = (
        Hazard.objects.in_scope(user)
        .filter(in_units)
        .order_by()
        .values(unit_path=F("unit__path"))
        .annotate(**{name: Count("pk", filter=condition) for name, condition in _figures(conditions).items()})
    )
    totals = sum_by_subtree(units, rows, path_key="unit_path") if paths else {}
    return {pk: HazardFigures(**figures) for pk, figures in totals.items()}


# --------------------------------------------------------------------------- lists and queues


def hazards_for(*, user) -> QuerySet[Hazard]:
    """The register as ``user`` may see it, ready for a list."""
    return Hazard.objects.for_user(user).select_related("premises", "unit", "responsible", "found_by")


def hazards_in_scope(*, user) -> QuerySet[Hazard]:
    """The dangers of the premises in ``user``'s scope, for counts and dashboards (not what they follow)."""
    return Hazard.objects.in_scope(user).select_related("premises", "unit", "responsible", "found_by")


def hazard_timeline(*, hazard: Hazard) -> QuerySet[HazardEvent]:
    return hazard.events.select_related("by").order_by("at", "pk")


def hazards_to_fix(*, user) -> QuerySet[Hazard]:
    """Open dangers ``user`` is responsible for and has to act on (assigned, rectifying)."""
    return (
        hazards_for(user=user)
        .filter(responsible=user, status__in=[HazardStatus.ASSIGNED, HazardStatus.RECTIFYING])
        .order_by("deadline", "pk")
    )


def hazards_to_verify(*, user) -> list[Hazard]:
    """The verification queue: rectifications waiting for ``user``, the inspector who found them or the
    security department that answers for the premises (the people the submission notifies), and only
    those ``user`` may verify (see ``verify_refusal``). Head office verifies from the page, not a queue.
    Two queries however many dangers wait elsewhere."""
    mine = Q(source_inspection__inspector=user)
    if effective_posts(user) & set(SECURITY_POSTS):
        mine |= answered_by(user)
    waiting = (
        hazards_for(user=user)
        .filter(status=HazardStatus.SUBMITTED)
        .filter(mine)
        .select_related("source_inspection")
        .order_by("pk")
    )
    return [hazard for hazard in waiting if verify_refusal(hazard=hazard, user=user, in_scope=True) is None]


def hazards_to_assign(*, user) -> list[Hazard]:
    """The security department's assign queue: newly reported dangers waiting for a responsible person
    at premises this person's security department answers for (``superior_of(premises)``, the same
    people the report notifies); the newest first, so what was just reported is on top. Others who
    may assign (presidents, outlet heads) do so from the danger's page, not from a queue."""
    if not (effective_posts(user) & set(SECURITY_POSTS)):
        return []
    reported = hazards_for(user=user).filter(status=HazardStatus.REPORTED).filter(answered_by(user))
    return list(reported.order_by("-found_at", "-pk"))


ESCALATION_LEVEL_OF_POST = {
    Post.SECURITY_DEPARTMENT: EscalationLevel.SECURITY,
    Post.PRESIDENT: EscalationLevel.LEADERSHIP,
    Post.LEADER_IN_CHARGE: EscalationLevel.LEADERSHIP,
    Post.HEAD_OFFICE_SECURITY: EscalationLevel.HEAD_OFFICE,
}


def hazards_escalated_to(*, user) -> QuerySet[Hazard]:
    """The escalation queue: open dangers in scope that have climbed to ``user``'s level (or beyond)."""
    levels = [ESCALATION_LEVEL_OF_POST[post] for post in effective_posts(user) if post in ESCALATION_LEVEL_OF_POST]
    if not levels:
        return Hazard.objects.none()
    return (
        hazards_for(user=user)
        .open()
        .filter(escalation_level__gte=min(levels))
        .order_by("-escalation_level", "deadline", "pk")
    )
