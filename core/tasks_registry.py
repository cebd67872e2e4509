"""The "my tasks" registry: each feature tells the home page what a person has to do.

A feature registers a provider once, in its ``registrations.register()``::

    from core.tasks_registry import TaskItem, register_task_provider

    def open_hazards(user):
        return [TaskItem(title=..., url=..., due=hazard.deadline, kind="hazard.fix",
                         kind_label=_("Hidden dangers to rectify"), premises=hazard.premises)
                for hazard in selectors.hazards_to_fix(user=user)]

    register_task_provider(open_hazards)

Providers read through their own selectors (which start from ``for_user``), so the
home page shows nothing a person may not see. A provider returns *every* open item:
the home page groups, filters and pages them (``work_queue``), so nothing is dropped.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class TaskItem:
    """One open item on a person's list.

    ``kind`` groups and filters the queue (a stable key such as ``"hazard.assign"``) under the
    heading ``kind_label``; ``premises`` (an object with ``pk`` and a name) lets a person filter by
    premises; ``decision`` marks what needs a decision today (assign, verify, an escalation): those
    groups come first; ``since`` (when it was handed over) puts the newest undated item on top.
    """

    title: str
    url: str = ""
    due: datetime.date | None = None
    source: str = ""  # which feature, shown as a small label
    detail: str = ""
    kind: str = ""
    kind_label: str = ""
    premises: object | None = None
    decision: bool = False
    since: datetime.datetime | None = None

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()

    @property
    def group(self) -> str:
        return self.kind or str(self.source) or "other"

    @property
    def group_label(self) -> str:
        return str(self.kind_label or self.source or self.detail)

    @property
    def premises_id(self) -> int | None:
        return getattr(self.premises, "pk", None)


TaskProvider = Callable[[object], list[TaskItem]]
_providers: list[TaskProvider] = []


def register_task_provider(provider: TaskProvider) -> None:
    """Add a provider ``fn(user) -> list[TaskItem]``; registering the same function twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_task_provider(provider: TaskProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def _item_key(item: TaskItem, today: datetime.date):
    # Ties keep the provider's own order (the sort is stable): it knows its queue best.
    since = item.since.timestamp() if item.since else 0.0
    overdue = item.due is not None and item.due < today  # item.is_overdue, without a clock read per item
    return (not overdue, item.due is None, item.due or datetime.date.max, -since)


def tasks_for(user) -> list[TaskItem]:
    """Everything open for ``user``: overdue first, then by due date, undated last (newest first)."""
    items: list[TaskItem] = []
    for provider in _providers:
        items.extend(provider(user))
    today = timezone.localdate()
    return sorted(items, key=lambda item: _item_key(item, today))


@dataclass
class TaskGroup:
    kind: str
    label: str
    count: int = 0
    overdue: int = 0
    decision: bool = False


@dataclass
class WorkQueue:
    """A person's tasks as a work queue: the groups (kind, count, overdue) over *all* open items, the
    premises to filter by, and the items that pass the filters in queue order."""

    total: int = 0
    groups: list[TaskGroup] = field(default_factory=list)
    premises: list[tuple[int, str]] = field(default_factory=list)
    items: list[TaskItem] = field(default_factory=list)


def work_queue(user, *, kind: str = "", premises_id: int | None = None) -> WorkQueue:
    """Group ``tasks_for(user)`` by kind: what needs a decision today first, then groups with overdue
    items, then the rest; inside a group overdue first, then by due date, undated newest first.
    ``kind`` and ``premises_id`` filter the items (the group counts stay those of everything)."""
    everything = tasks_for(user)
    today = timezone.localdate()
    groups: dict[str, TaskGroup] = {}
    premises: dict[int, str] = {}
    for item in everything:
        group = groups.setdefault(item.group, TaskGroup(kind=item.group, label=item.group_label))
        group.count += 1
        group.overdue += int(item.due is not None and item.due < today)
        group.decision = group.decision or item.decision
        if item.premises_id is not None:
            premises[item.premises_id] = str(item.premises)
    ordered = sorted(groups.values(), key=lambda g: (not g.decision, not g.overdue, g.label))
    rank = {group.kind: index for index, group in enumerate(ordered)}
    items = [
        item
        for item in everything
        if (not kind or item.group == kind) and (premises_id is None or item.premises_id == premises_id)
    ]
    items.sort(key=lambda item: (rank[item.group], *_item_key(item, today)))
    return WorkQueue(
        total=len(everything),
        groups=ordered,
        premises=sorted(premises.items(), key=lambda pair: pair[1]),
        items=items,
    )
