"""What a dashboard shows, put together from the selectors each app owns.

No figure is defined here a second time: inspection compliance comes from the summary table behind
``inspections.selectors.summary_compliance_counts``/``summary_compliance_by_month`` (the same figures as
``compliance_counts`` on raw rows), daily-check coverage from ``inspections.daily.selectors.summary_daily_coverage``
(= ``daily_coverage`` for whole months), hidden dangers from
``inspections.hazards.selectors.hazard_counts``, drills from ``drills.selectors.drill_counts``,
letters from ``responsibilities.selectors.letter_coverage``/``letter_coverage_by_unit``, facility
tests from ``facilities.selectors.schedule_rows``/``security_counts``. This module only groups their
answers by unit and premises (subtrees by materialised path) and weighs them for the risk list.

The one exception, said where it happens: the hazard module offers counts per unit, not per premises,
so the open/overdue/escalated dangers of each premises for the risk score are counted in
``_danger_components`` through ``hazards_for`` (``Hazard.objects.for_user``), in one grouped query.

Query budget: a constant number of queries whatever the number of premises, units and sub-branches: the
breakdown asks for all direct sub-units at once (``hazard_counts_by_unit``, ``drills_done_by_unit``,
``letter_coverage_by_unit``: one query grouped by unit path each, summed per subtree), the drill rules
of every sub-branch are evaluated from one read (``drills.rules.evaluate_many``), and the 12-month trend
is fixed.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone

from branches.choices import UnitKind
from branches.models import Premises, Unit
from branches.scoping import scope_fingerprint, user_scope
from branches.selectors import units_above
from dashboards.models import RiskWeights
from inspections.choices import Level
from inspections.daily.selectors import DailyCoverage, summary_daily_coverage
from inspections.selectors import Cell, summary_compliance_by_month, summary_compliance_counts
from safetybank import cacheversions
from safetybank.periods import month_end, month_start, months_back

# --------------------------------------------------------------------------- scope and period


def dashboard_root(user) -> Unit | None:
    """The top of the user's dashboard: the whole bank for head office, else the unit they manage."""
    units = Unit.objects.for_user(user)
    if user_scope(user).everything:
        return units.filter(parent__isnull=True).order_by("path").first()
    if user.unit_id is None:
        return None
    return units.filter(pk=user.unit.scope_root.pk).first()


@dataclass
class Tree:
    """The premises and units of a subtree the user may see, fetched once (two queries)."""

    unit: Unit
    premises: list[Premises]
    units: dict[int, Unit]

    @classmethod
    def of(cls, *, user, unit: Unit) -> Tree:
        premises = list(
            Premises.objects.for_user(user)
            .filter(unit__path__startswith=unit.path, is_active=True)
            .select_related("unit")
            .order_by("unit__path", "code")
        )
        units = {u.pk: u for u in Unit.objects.for_user(user).filter(path__startswith=unit.path)}
        return cls(unit=unit, premises=premises, units=units)

    @cached_property
    def premises_by_id(self) -> dict[int, Premises]:
        return {p.pk: p for p in self.premises}

    def path_of_key(self, target_key: str) -> str | None:
        """The unit path behind a compliance ``target_key`` ("P<premises>" or "U<unit>"), if in this subtree."""
        kind, pk = target_key[:1], int(target_key[1:])
        if kind == "P":
            premises = self.premises_by_id.get(pk)
            return premises.unit.path if premises else None
        unit = self.units.get(pk)
        return unit.path if unit else None

    def children(self) -> list[Unit]:
        """The direct sub-units shown in the breakdown (departments have no premises of their own)."""
        return sorted(
            (u for u in self.units.values() if u.parent_id == self.unit.pk and u.kind != UnitKind.DEPARTMENT),
            key=lambda u: u.path,
        )

    def own_premises(self) -> list[Premises]:
        return [p for p in self.premises if p.unit_id == self.unit.pk]


# --------------------------------------------------------------------------- inspections


def level_cells(cells: dict, tree: Tree) -> dict[str, Cell]:
    """compliance_counts' cells summed per level over the tree's subtree."""
    return level_cells_by_unit(cells, tree, [tree.unit])[tree.unit.pk]


def level_cells_by_unit(cells: dict, tree: Tree, units: list[Unit]) -> dict[int, dict[str, Cell]]:
    """``level_cells`` for each of ``units`` (by id) in one pass over the cells: each cell is given to the
    units above its premises or unit (``units_above``) instead of every unit scanning every cell."""
    by_path = {unit.path: unit.pk for unit in units}
    totals = {unit.pk: {level: Cell() for level in Level.values} for unit in units}
    above: dict[str, set] = {}
    for (key, level), cell in cells.items():
        if key not in above:
            path = tree.path_of_key(key)
            above[key] = units_above([path], by_path) if path else set()
        for unit_id in above[key]:
            totals[unit_id][level].add(cell)
    return totals


def premises_cells(cells: dict, premises: Premises) -> Cell:
    """All levels of one premises' own assignments (missed checks of the premises itself)."""
    total = Cell()
    for level in Level.values:
        total.add(cells.get((f"P{premises.pk}", level), Cell()))
    return total


def sum_cells(cells: dict[str, Cell]) -> Cell:
    total = Cell()
    for cell in cells.values():
        total.add(cell)
    return total


# --------------------------------------------------------------------------- risk early warning


@dataclass
class RiskRow:
    """One premises on the risk list: each warning sign, its weight and the score they add up to."""

    premises: Premises
    overdue_dangers: int = 0
    escalated_dangers: int = 0
    missed_checks: int = 0
    failed_tests: int = 0
    overdue_tests: int = 0
    no_recent_drill: int = 0  # 1 when no drill was held at the premises within the window
    last_drill: datetime.date | None = None
    score: int = 0
    weighted: list[tuple[int, int]] = field(default_factory=list)

    COMPONENTS = (
        "overdue_dangers",
        "escalated_dangers",
        "missed_checks",
        "failed_tests",
        "overdue_tests",
        "no_recent_drill",
    )
    WEIGHT_OF = {
        "overdue_dangers": "overdue_danger",
        "escalated_dangers": "escalated_danger",
        "missed_checks": "missed_check",
        "failed_tests": "failed_test",
        "overdue_tests": "overdue_test",
        "no_recent_drill": "no_recent_drill",
    }

    def parts(self, weights: RiskWeights) -> list[tuple[int, int]]:
        """(count, weight) per warning sign, in ``COMPONENTS`` order."""
        return [(getattr(self, c), getattr(weights, self.WEIGHT_OF[c])) for c in self.COMPONENTS]

    def weigh(self, weights: RiskWeights) -> None:
        self.score = sum(count * weight for count, weight in self.parts(weights))
        self.weighted = self.parts(weights)


def _danger_components(*, user, premises_ids: list[int], today: datetime.date) -> dict[int, dict[str, int]]:
    """Open dangers past their deadline and open escalated dangers per premises, now. One grouped query.

    The one place the dashboards count hidden dangers themselves: the hazard module's ``hazard_counts``
    works per unit, not per premises. Same definitions as it uses for "overdue" (deadline before today)
    and "escalated" (escalation level above none), read through ``hazards_for`` (``for_user``).
    """
    from inspections.choices import EscalationLevel
    from inspections.hazards.selectors import hazards_for

    rows = (
        hazards_for(user=user)
        .open()
        .filter(premises_id__in=premises_ids)
        .order_by()
        .values("premises_id")
        .annotate(
            overdue=Count("pk", filter=Q(deadline__lt=today)),
            escalated=Count("pk", filter=Q(escalation_level__gt=EscalationLevel.NONE)),
        )
    )
    return {r["premises_id"]: {"overdue": r["overdue"], "escalated": r["escalated"]} for r in rows}


def _facility_components(*, user, tree: Tree, start, end, today) -> tuple[dict, dict, list]:
    """Overdue tests per premises (the test schedule, today), failed tests per premises (in the period),
    and the schedule's ``(premises id, state)`` pairs."""
    from facilities.choices import DueState, TestResult
    from facilities.selectors import facilities_for, schedule_states, tests_for

    facilities = facilities_for(user=user).filter(premises__unit__path__startswith=tree.unit.path)
    states = schedule_states(facilities, today=today)
    overdue: dict[int, int] = defaultdict(int)
    for premises_id, state in states:
        if state == DueState.OVERDUE:
            overdue[premises_id] += 1
    failed = dict(
        tests_for(user=user)
        .filter(
            facility__premises__unit__path__startswith=tree.unit.path,
            tested_on__range=(start, end),
            result=TestResult.FAIL,
        )
        .order_by()
        .values_list("facility__premises_id")
        .annotate(n=Count("pk"))
        .values_list("facility__premises_id", "n")
    )
    return overdue, failed, states


def _recent_drills(*, user, premises_ids: list[int], today: datetime.date, days: int) -> dict[int, datetime.date]:
    """The last drill held at each premises within ``days`` before ``today`` (local date). One query."""
    from drills.choices import DrillStatus
    from drills.selectors import drills_for

    since = today - datetime.timedelta(days=days)
    since_at = datetime.datetime.combine(since, datetime.time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        drills_for(user=user)
        .filter(status=DrillStatus.DONE, premises__in=premises_ids)
        .filter(Q(held_at__gte=since_at) | Q(held_at__isnull=True, planned_date__gte=since))
        .order_by()
        .values_list("premises", "held_at", "planned_date")
    )
    last: dict[int, datetime.date] = {}
    for premises_id, held_at, planned in rows:
        day = timezone.localdate(held_at) if held_at else planned
        if since <= day <= today and (premises_id not in last or day > last[premises_id]):
            last[premises_id] = day
    return last


def risk_rows(
    *,
    user,
    tree: Tree,
    cells: dict,
    month: datetime.date,
    today: datetime.date,
    weights: RiskWeights,
    facilities: tuple | None = None,
) -> list[RiskRow]:
    """Every premises of the subtree with its warning signs, worst first (score, then code).
    ``facilities``: ``_facility_components`` of the same tree and month, when the caller has them."""
    ids = [p.pk for p in tree.premises]
    dangers = _danger_components(user=user, premises_ids=ids, today=today)
    overdue_tests, failed_tests, _states = facilities or _facility_components(
        user=user, tree=tree, start=month, end=month_end(month), today=today
    )
    drilled = _recent_drills(user=user, premises_ids=ids, today=today, days=weights.drill_window_days)
    result = []
    for premises in tree.premises:
        row = RiskRow(premises=premises)
        row.overdue_dangers = dangers.get(premises.pk, {}).get("overdue", 0)
        row.escalated_dangers = dangers.get(premises.pk, {}).get("escalated", 0)
        row.missed_checks = premises_cells(cells, premises).missed
        row.failed_tests = failed_tests.get(premises.pk, 0)
        row.overdue_tests = overdue_tests.get(premises.pk, 0)
        row.last_drill = drilled.get(premises.pk)
        row.no_recent_drill = int(row.last_drill is None)
        row.weigh(weights)
        result.append(row)
    result.sort(key=lambda r: (-r.score, r.premises.code))
    return result


# --------------------------------------------------------------------------- breakdown (drill-down)


@dataclass
class BreakdownRow:
    """One line of the drill-down table: a sub-unit (its subtree) or a premises of the unit itself."""

    label: str
    unit: Unit | None = None
    premises: Premises | None = None
    inspections: Cell = field(default_factory=Cell)
    hazards_found: int | None = None
    hazards_open: int | None = None  # per premises only the risk signs are known
    hazards_overdue: int = 0
    hazards_escalated: int = 0
    drills_done: int | None = None
    letters_percent: int | None = None
    tests_overdue: int = 0
    risk_score: int = 0


def breakdown_rows(
    *,
    user,
    tree: Tree,
    cells: dict,
    risks: list[RiskRow],
    month: datetime.date,
    today: datetime.date,
) -> list[BreakdownRow]:
    """Sub-units (figures of their whole subtree from the owning selectors), then the unit's own premises."""
    from drills.selectors import drills_done_by_unit
    from inspections.hazards.selectors import HazardFigures, hazard_counts_by_unit
    from responsibilities.selectors import letter_coverage_by_unit

    end = month_end(month)
    risk_of = {r.premises.pk: r for r in risks}
    coverage = {c.unit.pk: c for c in letter_coverage_by_unit(user=user, parent=tree.unit, year=month.year)}
    children = tree.children()
    hazards_of = hazard_counts_by_unit(user=user, start=month, end=end, units=children, today=today)
    drills_of = drills_done_by_unit(user=user, units=children, within=tree.unit, start=month, end=end)
    levels_of = level_cells_by_unit(cells, tree, children)
    child_paths = {child.path: child.pk for child in children}
    risks_of: dict[int, list[RiskRow]] = {child.pk: [] for child in children}
    for risk in risks:
        for child_id in units_above([risk.premises.unit.path], child_paths):
            risks_of[child_id].append(risk)
    rows = []
    for child in children:
        hazards = hazards_of.get(child.pk, HazardFigures())
        in_child = risks_of[child.pk]
        letters = coverage.get(child.pk)
        rows.append(
            BreakdownRow(
                label=str(child),
                unit=child,
                inspections=sum_cells(levels_of[child.pk]),
                hazards_found=hazards.found,
                hazards_open=hazards.open,
                hazards_overdue=hazards.overdue,
                hazards_escalated=hazards.escalated,
                drills_done=drills_of.get(child.pk, 0),
                letters_percent=letters.staff_percent if letters else None,
                tests_overdue=sum(r.overdue_tests for r in in_child),
                risk_score=sum(r.score for r in in_child),
            )
        )
    for premises in tree.own_premises():
        risk = risk_of[premises.pk]
        rows.append(
            BreakdownRow(
                label=str(premises),
                premises=premises,
                inspections=premises_cells(cells, premises),
                hazards_overdue=risk.overdue_dangers,
                hazards_escalated=risk.escalated_dangers,
                tests_overdue=risk.overdue_tests,
                risk_score=risk.score,
            )
        )
    return rows


# --------------------------------------------------------------------------- the page


@dataclass
class TrendPoint:
    month: datetime.date
    required: int
    on_time: int
    missed: int
    hazards_found: int
    hazards_rectified: int
    hazards_open: int
    daily_rate: float | None

    @property
    def on_time_percent(self) -> float | None:
        return round(self.on_time * 100 / self.required, 1) if self.required else None


def trend(*, user, unit: Unit, tree: Tree, month: datetime.date, today: datetime.date, n: int = 12):
    """Per month of the ``n`` ending with ``month``: inspections, hidden dangers, daily coverage."""
    from inspections.hazards.selectors import hazard_counts_by_month

    months = months_back(month, n)
    totals = summary_compliance_by_month(user=user, months=months, path=tree.unit.path, today=today)
    coverage = summary_daily_coverage(user=user, months=months, unit=unit, today=today)
    hazards_of = hazard_counts_by_month(user=user, months=months, unit=unit, today=today)
    points = []
    for m in months:
        total, daily, hazards = totals[m], coverage[m], hazards_of[m]
        points.append(
            TrendPoint(
                month=m,
                required=total.required,
                on_time=total.on_time,
                missed=total.missed,
                hazards_found=hazards.found,
                hazards_rectified=hazards.rectified,
                hazards_open=hazards.open,
                daily_rate=round(daily.rate * 100, 1) if daily.rate is not None else None,
            )
        )
    return points


@dataclass
class Dashboard:
    unit: Unit
    month: datetime.date
    today: datetime.date
    ancestors: list[Unit]
    levels: dict[str, Cell]
    daily: DailyCoverage
    hazards: object  # HazardCounts
    drills: object  # DrillCounts
    letters: object  # Coverage
    facility_due: int
    facility_overdue: int
    security: object | None  # SecurityCounts, for the user's whole scope only
    weights: RiskWeights
    risks: list[RiskRow]
    rows: list[BreakdownRow]

    @property
    def levels_total(self) -> Cell:
        return sum_cells(self.levels)


def dashboard(*, user, unit: Unit, month: datetime.date, today: datetime.date | None = None) -> Dashboard:
    """Everything the dashboard page shows for ``unit``'s subtree in ``month`` (the trend is separate)."""
    from drills.selectors import drill_counts
    from facilities.choices import DueState
    from facilities.selectors import security_counts
    from inspections.hazards.selectors import hazard_counts
    from responsibilities.selectors import letter_coverage

    today = today or timezone.localdate()
    month = month_start(month)
    end = month_end(month)
    tree = Tree.of(user=user, unit=unit)
    cells = summary_compliance_counts(user=user, month=month, today=today)
    weights = RiskWeights.current()
    facilities = _facility_components(user=user, tree=tree, start=month, end=end, today=today)
    states = Counter(state for _premises, state in facilities[2])
    risks = risk_rows(
        user=user, tree=tree, cells=cells, month=month, today=today, weights=weights, facilities=facilities
    )
    root = dashboard_root(user)
    visible_ancestors = set(Unit.objects.for_user(user).filter(pk__in=unit.ancestor_ids).values_list("pk", flat=True))
    ancestors = [a for a in unit.ancestors(include_self=False) if a.pk in visible_ancestors]
    return Dashboard(
        unit=unit,
        month=month,
        today=today,
        ancestors=ancestors,
        levels=level_cells(cells, tree),
        daily=summary_daily_coverage(user=user, months=[month], unit=unit, today=today)[month],
        hazards=hazard_counts(user=user, start=month, end=end, unit=unit, today=today),
        drills=drill_counts(user=user, unit=unit, start=month, end=end, today=today),
        letters=letter_coverage(user=user, unit=unit, year=month.year, with_names=False),
        facility_due=states[DueState.DUE],
        facility_overdue=states[DueState.OVERDUE],
        # security_counts has no unit parameter: its incidents and investment cover the whole scope.
        security=security_counts(user=user, start=month, end=end, today=today) if root and root.pk == unit.pk else None,
        weights=weights,
        risks=risks,
        rows=breakdown_rows(user=user, tree=tree, cells=cells, risks=risks, month=month, today=today),
    )


RISKS_SHOWN = 20


def cached_dashboard(
    *, user, unit: Unit, month: datetime.date, today: datetime.date, refresh=None
) -> tuple[Dashboard, list, dict, datetime.datetime, bool]:
    """``dashboard``, its 12-month ``trend`` and their drawings (``dashboards.charts.draw``, in the current
    language), cached per scope, unit, month and day, with the time they were computed and whether they
    are stale. A summary update of the unit's subtree in any month shown, or any saved record the page
    reads (``cacheversions.DATA``), makes them stale: with ``refresh`` (schedules ``refresh_dashboard``)
    the last page is served while the background computes the next (``cacheversions.cached_or_stale``) —
    head office's page moves with every daily check in the bank and would otherwise be computed afresh
    on almost every view."""
    from dashboards.charts import draw

    month = month_start(month)
    names = [f"unit:{unit.pk}:{m:%Y-%m}" for m in months_back(month, 12)]

    def compute():
        board = dashboard(user=user, unit=unit, month=month, today=today)
        # The page shows the top of the risk list; the whole list (every premises, each a pickled model with
        # its unit: ~0.5 s to unpickle at 3,000 premises) is for the export, which computes it afresh.
        board.risks = board.risks[:RISKS_SHOWN]
        points = trend(user=user, unit=unit, tree=Tree.of(user=user, unit=unit), month=month, today=today)
        return board, points, draw(board, points)

    parts = ("dashboard", RISKS_SHOWN, scope_fingerprint(user), user.unit_id, unit.pk, month, today)
    (board, points, charts), computed_at, stale = cacheversions.cached_or_stale(parts, names, compute, refresh=refresh)
    return board, points, charts, computed_at, stale


def premises_components(*, user, premises: Premises, month: datetime.date, today: datetime.date | None = None):
    """The records behind one premises' risk row, for its drill-down page."""
    from drills.choices import DrillStatus
    from drills.selectors import drills_for
    from facilities.choices import TestResult
    from facilities.selectors import facilities_for, schedule_rows, tests_for
    from inspections.hazards.selectors import hazards_for

    today = today or timezone.localdate()
    month = month_start(month)
    tree = Tree(unit=premises.unit, premises=[premises], units={premises.unit_id: premises.unit})
    cells = summary_compliance_counts(user=user, month=month, today=today)
    weights = RiskWeights.current()
    risk = risk_rows(user=user, tree=tree, cells=cells, month=month, today=today, weights=weights)[0]
    return {
        "risk": risk,
        "weights": weights,
        "levels": [
            (code, label, cells.get((f"P{premises.pk}", code), Cell()))
            for code, label in Level.choices
            if (f"P{premises.pk}", code) in cells
        ],
        "dangers": hazards_for(user=user)
        .open()
        .filter(premises=premises)
        .filter(Q(deadline__lt=today) | Q(escalation_level__gt=0))
        .order_by("deadline", "pk"),
        "schedule": list(schedule_rows(facilities_for(user=user).filter(premises=premises), today=today)),
        "failed_tests": tests_for(user=user)
        .filter(facility__premises=premises, result=TestResult.FAIL, tested_on__range=(month, month_end(month)))
        .order_by("-tested_on"),
        "drills": drills_for(user=user).filter(premises=premises, status=DrillStatus.DONE)[:5],
    }
