"""Drill rules, evaluated against the plan (drills planned) and against what was done.

- National minimums (per unit): at least one comprehensive or special-plan drill a year,
  and at least one on-site response drill every half year.
- The bank's own target, from the unit's ``AnnualDrillPlan`` (defaults when there is none):
  ``drills_per_month`` drills every month, and every active business outlet taking part
  ``outlet_drills_per_quarter`` times a quarter.

A drill counts for a unit when it belongs to the unit's subtree or any of its premises
does, and it counts once for each premises it was held at. Periods are calendar periods
in local time (Asia/Shanghai): a drill held on 30 June at 23:30 counts for the first half.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import PremisesKind, UnitKind
from branches.models import Premises, Unit
from branches.selectors import units_above
from drills.choices import DrillKind, DrillStatus, RuleState
from drills.models import AnnualDrillPlan, Drill
from safetybank.periods import month_end, quarter_bounds

REMIND_DAYS = 30

RULE_ANNUAL = "annual"
RULE_HALF_YEAR = "half_year"
RULE_MONTHLY = "monthly"
RULE_OUTLET_QUARTER = "outlet_quarter"

RULE_LABELS = {
    RULE_ANNUAL: _("Comprehensive or special-plan drill every year"),
    RULE_HALF_YEAR: _("On-site response drill every half year"),
    RULE_MONTHLY: _("Bank target: drills every month"),
    RULE_OUTLET_QUARTER: _("Bank target: every business outlet every quarter"),
}


@dataclass(frozen=True)
class Targets:
    drills_per_month: int = 1
    outlet_drills_per_quarter: int = 1


@dataclass(frozen=True)
class RulePeriod:
    """One rule over one period for one unit (or one outlet of it)."""

    rule: str
    unit: Unit
    start: datetime.date
    end: datetime.date
    required: int
    done: int
    planned: int
    state: str
    premises: Premises | None = None

    @property
    def label(self):
        return RULE_LABELS[self.rule]

    @property
    def period_label(self) -> str:
        if self.rule == RULE_ANNUAL:
            return f"{self.start.year}"
        if self.rule == RULE_HALF_YEAR:
            return f"{self.start.year} H{1 if self.start.month == 1 else 2}"
        if self.rule == RULE_OUTLET_QUARTER:
            return f"{self.start.year} Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def days_left(self) -> int:
        return (self.end - timezone.localdate()).days

    @property
    def state_label(self):
        return RuleState(self.state).label


def rule_state(*, done: int, planned: int, required: int, end: datetime.date, today: datetime.date) -> str:
    if done >= required:
        return RuleState.MET
    if end < today:
        return RuleState.MISSED
    if (end - today).days < REMIND_DAYS:
        return RuleState.AT_RISK
    if done + planned >= required:
        return RuleState.PLANNED
    return RuleState.OPEN


def targets_for(unit: Unit, year: int) -> Targets:
    plan = AnnualDrillPlan.objects.filter(unit=unit, year=year).first()
    if plan is None:
        return Targets()
    return Targets(plan.drills_per_month, plan.outlet_drills_per_quarter)


def drills_touching(unit: Unit, start: datetime.date, end: datetime.date, base: QuerySet | None = None) -> QuerySet:
    """Planned and done drills of the unit's subtree, or held at one of its premises, within the dates."""
    base = Drill.objects.all() if base is None else base
    return (
        base.filter(status__in=[DrillStatus.DONE, DrillStatus.PLANNED])
        .filter(Q(unit__path__startswith=unit.path) | Q(premises__unit__path__startswith=unit.path))
        .filter(Q(held_at__date__range=(start, end)) | Q(held_at__isnull=True, planned_date__range=(start, end)))
        .distinct()
        .prefetch_related("premises__unit")
    )


def sub_branches_of(unit: Unit) -> list[Unit]:
    """The units the per-sub-branch rules apply to: the unit itself when it is one, else those below it."""
    if unit.kind == UnitKind.SUB_BRANCH:
        return [unit]
    return list(Unit.objects.subtree_of(unit).filter(kind=UnitKind.SUB_BRANCH).order_by("path"))


def evaluate(
    unit: Unit, year: int, *, today: datetime.date | None = None, base: QuerySet | None = None
) -> list[RulePeriod]:
    """Every rule period of ``year`` for ``unit``, in order: annual, half years, months, outlets by quarter."""
    return evaluate_many([unit], year, within=unit, today=today, base=base)[unit.pk]


def evaluate_many(
    units: list[Unit],
    year: int,
    *,
    within: Unit,
    today: datetime.date | None = None,
    base: QuerySet | None = None,
) -> dict[int, list[RulePeriod]]:
    """``evaluate`` for each of ``units`` (all in ``within``'s subtree), by unit id, in a fixed number of
    queries however many units: the drills, plans and outlets of the subtree are read once and shared out."""
    if not units:
        return {}
    today = today or timezone.localdate()
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    all_drills = list(drills_touching(within, start, end, base).select_related("unit"))
    plans = {plan.unit_id: plan for plan in AnnualDrillPlan.objects.filter(unit__in=[u.pk for u in units], year=year)}
    # What ``drills_touching`` selects per unit: a drill of its subtree or held at one of its premises.
    premises_ids = {d.pk: {p.pk for p in d.premises.all()} for d in all_drills}
    by_path = {unit.path: unit.pk for unit in units}
    drills_of: dict[int, list[Drill]] = {unit.pk: [] for unit in units}
    for d in all_drills:
        d.day = d.date  # read once: a rule period compares it thousands of times
        for unit_id in units_above((d.unit.path, *(p.unit.path for p in d.premises.all())), by_path):
            drills_of[unit_id].append(d)
    all_outlets = None
    periods: dict[int, list[RulePeriod]] = {}
    for unit in units:
        drills = drills_of[unit.pk]
        plan = plans.get(unit.pk)
        targets = Targets(plan.drills_per_month, plan.outlet_drills_per_quarter) if plan else Targets()
        if targets.outlet_drills_per_quarter and all_outlets is None:
            all_outlets = {u.pk: [] for u in units}  # each unit's outlets, in code order
            for outlet in (
                Premises.objects.filter(unit__path__startswith=within.path, kind=PremisesKind.OUTLET, is_active=True)
                .select_related("unit")
                .order_by("code")
            ):
                for unit_id in units_above([outlet.unit.path], by_path):
                    all_outlets[unit_id].append(outlet)
        outlets = all_outlets[unit.pk] if all_outlets else []
        periods[unit.pk] = _periods(unit, year, drills, targets, outlets, premises_ids, today=today)
    return periods


def _periods(
    unit: Unit,
    year: int,
    drills: list[Drill],
    targets: Targets,
    outlets: list[Premises],
    premises_ids: dict[int, set[int]],
    *,
    today: datetime.date,
) -> list[RulePeriod]:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    result: list[RulePeriod] = []

    def period(rule, p_start, p_end, required, matching: Iterable[Drill], premises=None):
        done = sum(1 for d in matching if d.status == DrillStatus.DONE and p_start <= d.day <= p_end)
        planned = sum(1 for d in matching if d.status == DrillStatus.PLANNED and p_start <= d.day <= p_end)
        state = rule_state(done=done, planned=planned, required=required, end=p_end, today=today)
        result.append(RulePeriod(rule, unit, p_start, p_end, required, done, planned, state, premises))

    period(RULE_ANNUAL, start, end, 1, [d for d in drills if d.kind != DrillKind.ON_SITE])
    on_site = [d for d in drills if d.kind == DrillKind.ON_SITE]
    period(RULE_HALF_YEAR, start, datetime.date(year, 6, 30), 1, on_site)
    period(RULE_HALF_YEAR, datetime.date(year, 7, 1), end, 1, on_site)
    if targets.drills_per_month:
        for month in range(1, 13):
            period(
                RULE_MONTHLY,
                datetime.date(year, month, 1),
                month_end(datetime.date(year, month, 1)),
                targets.drills_per_month,
                drills,
            )
    if targets.outlet_drills_per_quarter:
        for outlet in outlets:
            at_outlet = [d for d in drills if outlet.pk in premises_ids[d.pk]]
            for quarter in range(4):
                q_start = datetime.date(year, quarter * 3 + 1, 1)
                period(
                    RULE_OUTLET_QUARTER,
                    q_start,
                    quarter_bounds(q_start)[1],
                    targets.outlet_drills_per_quarter,
                    at_outlet,
                    premises=outlet,
                )
    return result
