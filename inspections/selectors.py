"""Scoped reads of the inspection engine. Dashboards and reports call these, never the tables."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from branches.choices import Post
from branches.models import Premises, Unit, User
from branches.permissions import effective_posts
from inspections.choices import AssignmentStatus, Level
from inspections.cycles import month_start
from inspections.models import Assignment, ChecklistTemplate, ComplianceSummary, FrequencyRule, Inspection
from inspections.rules import acknowledged_by

STATES = ("required", "on_time", "late", "missed", "unassigned", "pending")


@dataclass
class Cell:
    """Compliance of one premises at one level in one month."""

    required: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    unassigned: int = 0
    pending: int = 0  # not yet due
    shared: int = 0  # of ``required``: the sub-branch's own, shown on each of its premises

    @property
    def colour(self) -> str:
        if not self.required:
            return "none"
        if self.missed or self.unassigned:
            return "danger"
        if self.late:
            return "warning"
        if self.pending:
            return "info"
        return "success"

    def add(self, other: Cell) -> None:
        for name in STATES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ComplianceGrid:
    month: datetime.date
    levels: list[tuple[str, str]]
    rows: list[tuple[Premises, dict[str, Cell]]] = field(default_factory=list)
    totals: dict[str, Cell] = field(default_factory=dict)
    has_shared: bool = False  # a sub-branch requirement shows on several rows (counted once in the totals)


def _classify(status: str, unassigned: bool, due: datetime.date, today: datetime.date) -> str:
    if status == AssignmentStatus.DONE:
        return "on_time"
    if status == AssignmentStatus.LATE:
        return "late"
    if unassigned:
        return "unassigned"
    if status == AssignmentStatus.OVERDUE or due < today:
        return "missed"
    return "pending"


def compliance_counts(*, user, month: datetime.date, today: datetime.date | None = None):
    """{(target_key, level): Cell} for the assignments of ``month`` the user may see. One query."""
    today = today or timezone.localdate()
    month = month_start(month)
    rows = (
        Assignment.objects.for_user(user)
        .filter(cycle__month=month)
        .values("target_key", "unit_id", "level", "status", "period_end")
        .annotate(n=Count("pk"), unassigned=Count("pk", filter=Q(assignee__isnull=True)))
    )
    cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for row in rows:
        cell = cells[(row["target_key"], row["level"])]
        assigned = row["n"] - row["unassigned"]
        for n, unassigned in ((assigned, False), (row["unassigned"], True)):
            if n:
                state = _classify(row["status"], unassigned, row["period_end"], today)
                setattr(cell, state, getattr(cell, state) + n)
                cell.required += n
    return cells


def summary_compliance_counts(*, user, month: datetime.date, today: datetime.date | None = None):
    """What ``compliance_counts`` answers, read from the summary table (one row per target and level)."""
    today = today or timezone.localdate()
    cells: dict[tuple[str, str], Cell] = defaultdict(Cell)
    for row in ComplianceSummary.objects.for_user(user).filter(month=month_start(month)).order_by():
        past, future = row.open_split(today)
        cells[(row.target_key, row.level)] = Cell(
            required=row.on_time + row.late + row.overdue + row.unassigned + row.open_count,
            on_time=row.on_time,
            late=row.late,
            missed=row.overdue + past,
            unassigned=row.unassigned,
            pending=future,
        )
    return cells


def summary_compliance_by_month(*, user, months, path: str, today: datetime.date | None = None):
    """{month: Cell} over the active premises (by their unit now) and the units of the subtree at ``path``:
    what summing ``compliance_counts`` over a dashboard's tree gives, for many months in two queries."""
    today = today or timezone.localdate()
    rows = (
        ComplianceSummary.objects.for_user(user)
        .filter(month__in=list(months))
        .filter(
            Q(premises__isnull=False, premises__is_active=True, premises__unit__path__startswith=path)
            | Q(premises__isnull=True, unit__path__startswith=path)
        )
    )
    result = {month: Cell() for month in months}
    for month, t in rows.totals(("on_time", "late", "overdue", "unassigned", "open_count"), today=today).items():
        result[month] = Cell(
            required=t["on_time"] + t["late"] + t["overdue"] + t["unassigned"] + t["open_count"],
            on_time=t["on_time"],
            late=t["late"],
            missed=t["overdue"] + t["open_past"],
            unassigned=t["unassigned"],
            pending=t["open_future"],
        )
    return result


def compliance_grid(*, user, month: datetime.date, today: datetime.date | None = None) -> ComplianceGrid:
    """Premises × level for a month. Unit-level requirements (a sub-branch's monthly inspection)
    show on every premises row of that sub-branch. A constant number of queries."""
    month = month_start(month)
    cells = compliance_counts(user=user, month=month, today=today)
    grid = ComplianceGrid(month=month, levels=list(Level.choices))
    grid.totals = {level: Cell() for level, _ in grid.levels}
    for premises in Premises.objects.for_user(user).filter(is_active=True).select_related("unit"):
        row = {}
        for level, _ in grid.levels:
            cell = Cell()
            cell.add(cells.get((f"P{premises.pk}", level), Cell()))
            unit_cell = cells.get((f"U{premises.unit_id}", level), Cell())
            cell.add(unit_cell)
            cell.shared = unit_cell.required
            grid.has_shared = grid.has_shared or bool(unit_cell.required)
            row[level] = cell
        grid.rows.append((premises, row))
    for (_key, level), cell in cells.items():
        grid.totals[level].add(cell)  # each assignment once, however many rows show it
    return grid


@dataclass
class ComplianceRow:
    """One row of the rolled-up grid: a unit to drill into (its whole subtree summed) or one premises."""

    cells: dict[str, Cell]
    unit: Unit | None = None
    premises: Premises | None = None
    premises_count: int = 0  # premises in use under a unit row


@dataclass
class ComplianceRollup:
    month: datetime.date
    levels: list[tuple[str, str]]
    node: Unit | None  # the unit whose children are the rows (None: the scope has several tops)
    trail: list[Unit] = field(default_factory=list)  # from the top of the scope down to ``node``
    rows: list[ComplianceRow] = field(default_factory=list)
    totals: dict[str, Cell] = field(default_factory=dict)
    has_shared: bool = False  # a unit's own requirement shows on each of its premises (counted once in the totals)


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def compliance_rollup(
    *, user, month: datetime.date, unit_id: int | None = None, today: datetime.date | None = None
) -> ComplianceRollup | None:
    """The compliance grid rolled up by unit: the rows are the children of ``unit_id`` (default: the top
    of the user's scope), each summing its subtree, then the premises that belong to that unit itself
    (a unit-level requirement shows on each of them, as in ``compliance_grid``). Each assignment counts
    once in the totals. None when ``unit_id`` holds nothing in the user's scope (a 404).
    A constant number of queries, however many branches, sub-branches and premises."""
    month = month_start(month)
    cells = summary_compliance_counts(user=user, month=month, today=today)
    premises_units = dict(Premises.objects.for_user(user).values_list("pk", "unit_id"))
    active = set(Premises.objects.for_user(user).filter(is_active=True).values_list("pk", flat=True))
    # Where each counted target and each premises in use sits: the unit and its path.
    unit_of = {f"P{pk}": unit for pk, unit in premises_units.items()}
    unit_of.update({key: int(key[1:]) for key, _level in cells if key.startswith("U")})
    target_units = {unit_of[key] for key, _level in cells if key in unit_of}
    needed = target_units | {premises_units[pk] for pk in active}
    paths = dict(Unit.objects.filter(pk__in=needed).values_list("pk", "path"))
    if not paths:
        return ComplianceRollup(month=month, levels=list(Level.choices), node=None)
    lists = [_ids(path) for path in paths.values()]
    top = _common_prefix(lists)
    node_id = unit_id if unit_id is not None else (top[-1] if top else None)
    trail_ids: list[int] = []
    node_index = -1  # the node's position in every path below it (its depth)
    if node_id is not None:
        below = [ids for ids in lists if node_id in ids[len(top) - 1 :]]
        if not below:
            return None
        node_index = below[0].index(node_id)
        trail_ids = below[0][len(top) - 1 : node_index + 1]

    def child(unit) -> int | None:
        """The row a unit's counts go to: the node's child above it, None for the node itself, -1 outside."""
        ids = _ids(paths[unit])
        if node_index >= 0 and (len(ids) <= node_index or ids[node_index] != node_id):
            return -1
        return ids[node_index + 1] if len(ids) > node_index + 1 else None

    levels = list(Level.choices)
    grid = ComplianceRollup(month=month, levels=levels, node=None)
    grid.totals = {level: Cell() for level, _ in levels}
    unit_cells: dict[int, dict[str, Cell]] = defaultdict(lambda: {level: Cell() for level, _ in levels})
    own_unit_cells = {level: Cell() for level, _ in levels}
    for (key, level), cell in cells.items():
        unit = unit_of.get(key)
        row = child(unit) if unit in paths else -1
        if row == -1:
            continue
        grid.totals[level].add(cell)
        if row is not None:
            unit_cells[row][level].add(cell)
        elif key.startswith("U"):
            own_unit_cells[level].add(cell)
    counts: dict[int, int] = defaultdict(int)
    direct: list[int] = []
    for pk in active:
        row = child(premises_units[pk])
        if row is None:
            direct.append(pk)
        elif row != -1:
            counts[row] += 1
    shown = Unit.objects.filter(pk__in=[*trail_ids, *unit_cells, *counts]).order_by("kind", "code")
    units = {unit.pk: unit for unit in shown}
    grid.trail = [units[pk] for pk in trail_ids if pk in units]
    grid.node = units.get(node_id) if node_id is not None else None
    for pk in sorted(set(unit_cells) | set(counts), key=lambda pk: (units[pk].kind, units[pk].code)):
        grid.rows.append(ComplianceRow(cells=unit_cells[pk], unit=units[pk], premises_count=counts[pk]))
    for premises in Premises.objects.filter(pk__in=direct).select_related("unit").order_by("code"):
        row = {level: Cell() for level, _ in levels}
        for level, _ in levels:
            row[level].add(cells.get((f"P{premises.pk}", level), Cell()))
            row[level].add(own_unit_cells[level])
            row[level].shared = own_unit_cells[level].required
            grid.has_shared = grid.has_shared or bool(own_unit_cells[level].required)
        grid.rows.append(ComplianceRow(cells=row, premises=premises))
    return grid


def _common_prefix(paths: list[list[int]]) -> list[int]:
    prefix = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(prefix), len(path)) and prefix[n] == path[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


def assignments_of(*, user, statuses=None):
    qs = Assignment.objects.for_user(user).filter(assignee=user).select_related("premises", "unit", "version__template")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs


def open_assignments_for(*, user, today: datetime.date | None = None, overdue_only: bool = False):
    """What the person has to inspect: open or overdue (only overdue: what the overdue digest links to),
    period already started."""
    today = today or timezone.localdate()
    statuses = [AssignmentStatus.OVERDUE] if overdue_only else [AssignmentStatus.OPEN, AssignmentStatus.OVERDUE]
    return assignments_of(user=user, statuses=statuses).filter(period_start__lte=today)


def acknowledgements_due(*, user) -> list[Inspection]:
    """Submitted inspections waiting for ``user``'s acknowledgement (``rules.acknowledgers_of``): those of
    the premises they head or act for; for a president, those of premises in their subtree that have no
    outlet head and whose nearest president they are. Soonest due first."""
    today = timezone.localdate()
    posts = effective_posts(user)
    headed: set[int] = set()
    if Post.OUTLET_HEAD in posts:
        acting = user.actings.filter(post=Post.OUTLET_HEAD, premises__isnull=False)
        headed = set(acting.filter(start_date__lte=today, end_date__gte=today).values_list("premises_id", flat=True))
        if user.post == Post.OUTLET_HEAD and user.home_premises_id:
            headed.add(user.home_premises_id)
    waiting = (
        inspections_for(user=user)
        .awaiting_acknowledgement()
        .exclude(inspector=user)
        .select_related("premises__unit", "version__template")
        .order_by("acknowledge_by", "pk")
    )
    queue = list(waiting.filter(premises_id__in=headed)) if headed else []
    if Post.PRESIDENT in posts and user.unit_id:
        with_head = User.objects.filter(is_active=True, post=Post.OUTLET_HEAD, home_premises__isnull=False).values(
            "home_premises_id"
        )
        headless = waiting.filter(premises__unit__path__startswith=user.unit.path).exclude(premises_id__in=with_head)
        queue += acknowledged_by(user, headless)
    return queue


def acknowledgements_escalated(*, user):
    """Acknowledgements past their date that were escalated, for the security department above."""
    if Post.SECURITY_DEPARTMENT not in effective_posts(user):
        return Inspection.objects.none()
    return (
        inspections_for(user=user)
        .awaiting_acknowledgement()
        .filter(acknowledgement_escalated_on__isnull=False)
        .order_by("acknowledge_by", "pk")
    )


def templates_for(*, user):
    return ChecklistTemplate.objects.visible_to(user).filter(is_active=True)


def assignments_for(*, user):
    return Assignment.objects.for_user(user).select_related("version__template", "premises", "unit")


def cell_assignments(*, user, premises: Premises, level: str, month: datetime.date):
    """The assignments behind one cell of the compliance grid: the premises' own and its unit's unplaced ones."""
    return (
        Assignment.objects.for_user(user)
        .filter(level=level, cycle__month=month_start(month))
        .filter(Q(premises=premises) | Q(premises__isnull=True, unit=premises.unit))
        .select_related("assignee", "version__template")
        .prefetch_related("inspections")
    )


def rules_for(*, user, today: datetime.date | None = None):
    """The frequency rules in force this month that the user may see (head office's flow down)."""
    month = month_start(today or timezone.localdate())
    return FrequencyRule.objects.visible_to(user).valid_in(month).select_related("template")


def inspections_for(*, user):
    return Inspection.objects.for_user(user).select_related("premises", "inspector", "version__template")


def answers_with_items(answers):
    """``answers`` (a queryset) as the check form shows them: with their item and hidden danger, and
    ``has_photos`` (an EXISTS in the same query), so ``answer_rows`` looks for photos only where
    there are some (none, in a check where every item passed)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef

    from core.models import Attachment
    from inspections.models import Answer

    photos = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(Answer), object_id=OuterRef("pk"))
    return answers.select_related("item", "hazard").annotate(has_photos=Exists(photos))


def answer_rows(inspection, answers=None) -> list[tuple]:
    """(answer, its photos) for every item of an inspection: one query however many items, and one
    more when some have photos (none when the caller passes the ``answers`` it has just read, from
    ``answers_with_items``, and none of them has a photo)."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import Attachment
    from inspections.models import Answer

    answers = list(answers_with_items(inspection.answers.all())) if answers is None else answers
    photos: dict[int, list] = {}
    with_photos = [a.pk for a in answers if getattr(a, "has_photos", True)]
    if with_photos:
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Answer), object_id__in=with_photos
        ):
            photos.setdefault(attachment.object_id, []).append(attachment)
    return [(answer, photos.get(answer.pk, [])) for answer in answers]
