"""What the hidden-danger loop puts on "my tasks" and on the orphaned-items page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from branches.orphans import OrphanItem, register_orphan_provider
from core.tasks_registry import TaskItem, register_task_provider
from inspections.hazards import selectors
from inspections.models import Hazard


def _title(hazard: Hazard) -> str:
    return f"{hazard.code} · {hazard.premises} · {hazard.description[:40]}"


def hazard_tasks(user) -> list[TaskItem]:
    """Dangers to fix, to verify, to assign, and those escalated to this person's level."""
    items: list[TaskItem] = []
    seen: set[int] = set()

    def add(hazards, detail: str, source: str) -> None:
        for hazard in hazards:
            if hazard.pk in seen:
                continue
            seen.add(hazard.pk)
            items.append(
                TaskItem(
                    title=_title(hazard),
                    url=hazard.get_absolute_url(),
                    due=hazard.deadline,
                    source=source,
                    detail=detail,
                )
            )

    source = _("Hidden dangers")
    add(selectors.hazards_to_fix(user=user)[:30], _("To rectify"), source)
    add(selectors.hazards_to_verify(user=user)[:30], _("To verify"), source)
    add(selectors.hazards_to_assign(user=user)[:30], _("To assign"), source)
    for hazard in selectors.hazards_escalated_to(user=user)[:30]:
        add([hazard], _("Escalated: %(level)s") % {"level": hazard.get_escalation_level_display()}, source)
    return items


def orphaned_hazards(user, left_people) -> list[OrphanItem]:
    """Open dangers whose responsible person has left: someone must be assigned again."""
    hazards = (
        Hazard.objects.for_user(user)
        .open()
        .filter(responsible__in=left_people)
        .select_related("premises", "responsible")
        .order_by("deadline", "pk")
    )
    return [
        OrphanItem(
            owner=hazard.responsible, kind=_("Hidden danger"), title=_title(hazard), url=hazard.get_absolute_url()
        )
        for hazard in hazards[:200]
    ]


def register() -> None:
    register_task_provider(hazard_tasks)
    register_orphan_provider(orphaned_hazards)
