"""The "my tasks" registry: each feature tells the home page what a person has to do.

A feature registers a provider once, in its ``AppConfig.ready``::

    from core.tasks_registry import TaskItem, register_task_provider

    def open_hazards(user):
        return [TaskItem(title=..., url=..., due=hazard.deadline, source=_("Hidden dangers"))
                for hazard in selectors.hazards_to_fix(user=user)]

    register_task_provider(open_hazards)

Providers read through their own selectors (which start from ``for_user``), so the
home page shows nothing a person may not see.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class TaskItem:
    """One open item on a person's list."""

    title: str
    url: str = ""
    due: datetime.date | None = None
    source: str = ""  # which feature, shown as a small label
    detail: str = ""

    @property
    def is_overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


TaskProvider = Callable[[object], list[TaskItem]]
_providers: list[TaskProvider] = []


def register_task_provider(provider: TaskProvider) -> None:
    """Add a provider ``fn(user) -> list[TaskItem]``; registering the same function twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_task_provider(provider: TaskProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def tasks_for(user) -> list[TaskItem]:
    """Everything open for ``user``: overdue first, then by due date, undated last."""
    items: list[TaskItem] = []
    for provider in _providers:
        items.extend(provider(user))
    return sorted(items, key=lambda t: (not t.is_overdue, t.due is None, t.due or datetime.date.max, str(t.title)))
