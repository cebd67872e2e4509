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
import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import PremisesKind, UnitKind
from branches.models import Premises, Unit
from branches.selectors import units_above
from drills.choices import DrillKind, DrillStatus, RuleState
from drills.models import AnnualDrillPlan, Drill
from safetybank.periods import month_end

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
    """Planned and done drills of the unit's subtree, or held at one of its premises, within the dates. A drill
    held at several of those premises comes once for each: use it in ``pk__in`` (faster than ``distinct()``)."""
    base = Drill.objects.all() if base is None else base
    return (
        base.filter(status__in=[DrillStatus.DONE, DrillStatus.PLANNED])
        .filter(Q(unit__path__startswith=unit.path) | Q(premises__unit__path__startswith=unit.path))
        .filter(Q(held_at__date__range=(start, end)) | Q(held_at__isnull=True, planned_date__range=(start, end)))
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
    return YearOfDrills.read(unit, year, base).periods([unit], today=today)[unit.pk]


# --------------------------------------------------------------------------- many units from one read


@dataclass(slots=True)
class DrillRow:
    """What a rule period reads of a drill: its status, kind and day (``Drill.date``)."""

    pk: int
    status: str
    kind: str
    date: datetime.date


class Outcome(NamedTuple):
    """A rule period as a count needs it (a roll-up row, ``drill_counts``): when it ends, and its state."""

    end: datetime.date
    state: str


@dataclass
class YearOfDrills:
    """The planned and done drills touching ``within``'s subtree in ``year``, the active outlets below it
    and the year's plans, read once as plain values (four queries, not a model per drill: a head office's
    year is thousands of drills), then evaluated for any units of the subtree."""

    within: Unit
    year: int
    drills: dict[int, DrillRow]  # by id, each drill once
    paths: dict[int, set[str]]  # by drill id: the unit paths of its unit and of each of its premises
    links: list[tuple[int, int, str]]  # (drill id, premises id, the premises' unit path)
    outlets: list[tuple[int, str]]  # (premises id, unit path) of the active outlets, in code order
    targets: dict[int, Targets]  # by unit id, of the units with a plan for the year

    @classmethod
    def read(cls, within: Unit, year: int, base: QuerySet | None = None) -> YearOfDrills:
        start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        touching = drills_touching(within, start, end, base)
        zone = timezone.get_current_timezone()
        drills: dict[int, DrillRow] = {}
        paths: dict[int, set[str]] = {}
        rows = touching.values_list("pk", "status", "kind", "held_at", "planned_date", "unit__path").distinct()
        for pk, status, kind, held_at, planned_date, path in rows:
            day = held_at.astimezone(zone).date() if held_at else planned_date
            drills[pk] = DrillRow(pk, status, kind, day)
            paths[pk] = {path}
        links = list(
            Drill.premises.through.objects.filter(drill_id__in=touching.values("pk")).values_list(
                "drill_id", "premises_id", "premises__unit__path"
            )
        )
        links = [link for link in links if link[0] in drills]  # not a drill added between the two reads
        for drill_id, _premises_id, path in links:
            paths[drill_id].add(path)
        outlets = Premises.objects.filter(
            unit__path__startswith=within.path, kind=PremisesKind.OUTLET, is_active=True
        ).order_by("code")
        plans = AnnualDrillPlan.objects.filter(unit__path__startswith=within.path, year=year).order_by()
        return cls(
            within=within,
            year=year,
            drills=drills,
            paths=paths,
            links=links,
            outlets=list(outlets.values_list("pk", "unit__path")),
            targets={
                unit_id: Targets(per_month, per_quarter)
                for unit_id, per_month, per_quarter in plans.values_list(
                    "unit_id", "drills_per_month", "outlet_drills_per_quarter"
                )
            },
        )

    def periods(self, units: list[Unit], *, today: datetime.date | None = None) -> dict[int, list[RulePeriod]]:
        """``evaluate`` for each of ``units`` (all in ``within``'s subtree), by unit id: one more query,
        for the outlets' names."""
        outlets = self._outlets(units)
        named = Premises.objects.in_bulk([pk for ids in outlets.values() for pk in ids])

        def rule_period(unit, outlet, rule, start, end, required, done, planned, state):
            return RulePeriod(rule, unit, start, end, required, done, planned, state, named.get(outlet))

        return self._evaluate(units, outlets, today, rule_period)

    def outcomes(self, units: list[Unit], *, today: datetime.date | None = None) -> dict[int, list[Outcome]]:
        """The same rule periods, each only as its end and state: no query, no outlet named."""

        def outcome(unit, outlet, rule, start, end, required, done, planned, state):
            return Outcome(end, state)

        return self._evaluate(units, self._outlets(units), today, outcome)

    @functools.cached_property
    def drills_at(self) -> dict[int, list[DrillRow]]:
        """The drills held at each premises, by premises id."""
        result: dict[int, list[DrillRow]] = {}
        for drill_id, premises_id, _path in self.links:
            result.setdefault(premises_id, []).append(self.drills[drill_id])
        return result

    def _outlets(self, units: list[Unit]) -> dict[int, list[int]]:
        """The ids of each unit's active outlets, in code order, by unit id."""
        by_path = {unit.path: unit.pk for unit in units}
        result: dict[int, list[int]] = {unit.pk: [] for unit in units}
        for pk, path in self.outlets:
            for unit_id in units_above([path], by_path):
                result[unit_id].append(pk)
        return result

    def _evaluate(self, units, outlets, today, make) -> dict:
        if not units:
            return {}
        today = today or timezone.localdate()
        by_path = {unit.path: unit.pk for unit in units}
        drills_of: dict[int, list[DrillRow]] = {unit.pk: [] for unit in units}
        for pk, paths in self.paths.items():
            for unit_id in units_above(paths, by_path):
                drills_of[unit_id].append(self.drills[pk])
        return {
            unit.pk: _periods(
                unit,
                self.year,
                drills_of[unit.pk],
                self.targets.get(unit.pk, Targets()),
                outlets[unit.pk],
                self.drills_at,
                today,
                make,
            )
            for unit in units
        }


@functools.lru_cache(maxsize=16)
def _months(year: int) -> list[tuple[datetime.date, datetime.date] | None]:
    """The first and last day of each month of ``year`` (index 1..12): a head office's year is tens of
    thousands of rule periods."""
    return [None, *((datetime.date(year, m, 1), month_end(datetime.date(year, m, 1))) for m in range(1, 13))]


def _by_month(drills: list[DrillRow]) -> tuple[list[int], list[int]]:
    """Done and planned drills per month (index 1..12); every rule period is a run of whole months."""
    done, planned = [0] * 13, [0] * 13
    for drill in drills:
        if drill.status == DrillStatus.DONE:
            done[drill.date.month] += 1
        elif drill.status == DrillStatus.PLANNED:
            planned[drill.date.month] += 1
    return done, planned


def _periods(
    unit: Unit,
    year: int,
    drills: list[DrillRow],
    targets: Targets,
    outlets: list[int],
    drills_at: dict[int, list[DrillRow]],
    today: datetime.date,
    make,
) -> list:
    """The rule periods of one unit from its drills of ``year``, each as ``make(unit, outlet id or None,
    rule, start, end, required, done, planned, state)`` returns it."""
    result: list = []
    months = _months(year)

    def period(rule, first, last, required, tally, outlet=None):
        done, planned = sum(tally[0][first : last + 1]), sum(tally[1][first : last + 1])
        end = months[last][1]
        state = rule_state(done=done, planned=planned, required=required, end=end, today=today)
        result.append(make(unit, outlet, rule, months[first][0], end, required, done, planned, state))

    period(RULE_ANNUAL, 1, 12, 1, _by_month([d for d in drills if d.kind != DrillKind.ON_SITE]))
    on_site = _by_month([d for d in drills if d.kind == DrillKind.ON_SITE])
    period(RULE_HALF_YEAR, 1, 6, 1, on_site)
    period(RULE_HALF_YEAR, 7, 12, 1, on_site)
    if targets.drills_per_month:
        every = _by_month(drills)
        for month in range(1, 13):
            period(RULE_MONTHLY, month, month, targets.drills_per_month, every)
    if targets.outlet_drills_per_quarter:
        for outlet in outlets:
            at_outlet = _by_month(drills_at.get(outlet, []))
            for quarter in range(4):
                first = quarter * 3 + 1
                period(RULE_OUTLET_QUARTER, first, first + 2, targets.outlet_drills_per_quarter, at_outlet, outlet)
    return result
