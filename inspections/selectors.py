"""Scoped reads of the inspection engine. Dashboards and reports call these, never the tables."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from branches.choices import Post
from branches.models import Premises, User
from branches.permissions import effective_posts
from inspections.choices import AssignmentStatus, Level
from inspections.cycles import month_start
from inspections.models import Assignment, ChecklistTemplate, ComplianceSummary, Inspection
from inspections.rules import acknowledgers_of

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
            cell.add(cells.get((f"U{premises.unit_id}", level), Cell()))
            row[level] = cell
        grid.rows.append((premises, row))
    for (_key, level), cell in cells.items():
        grid.totals[level].add(cell)  # each assignment once, however many rows show it
    return grid


def assignments_of(*, user, statuses=None):
    qs = Assignment.objects.for_user(user).filter(assignee=user).select_related("premises", "unit", "version__template")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs


def open_assignments_for(*, user, today: datetime.date | None = None):
    """What the person has to inspect: open or overdue, period already started."""
    today = today or timezone.localdate()
    return assignments_of(user=user, statuses=[AssignmentStatus.OPEN, AssignmentStatus.OVERDUE]).filter(
        period_start__lte=today
    )


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
        queue += [i for i in headless if any(p.pk == user.pk for p in acknowledgers_of(i))]
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


def inspections_for(*, user):
    return Inspection.objects.for_user(user).select_related("premises", "inspector", "version__template")


def answer_rows(inspection) -> list[tuple]:
    """(answer, its photos) for every item of an inspection: two queries however many items."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import Attachment
    from inspections.models import Answer

    answers = list(inspection.answers.select_related("item"))
    photos: dict[int, list] = {}
    if answers:
        for attachment in Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(Answer), object_id__in=[a.pk for a in answers]
        ):
            photos.setdefault(attachment.object_id, []).append(attachment)
    return [(answer, photos.get(answer.pk, [])) for answer in answers]
