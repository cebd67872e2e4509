"""What the hidden-danger loop puts on "my tasks" and on the orphaned-items page."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as _

from branches.orphans import OrphanItem, register_orphan_provider
from core.tasks_registry import TaskItem, register_task_provider
from inspections.choices import EscalationLevel
from inspections.hazards import selectors
from inspections.hazards.models import Hazard

# What a task reads of a danger (head office's escalation queue holds a thousand of them).
TASK_FIELDS = ("found_at", "description", "description_message", "deadline", "escalation_level", "premises__name")


# A danger's own link (``get_absolute_url``), made only when the task is shown: the page shows one page of a
# queue that holds a thousand dangers at head office. ``lazy`` once, here: it builds a class per call.
_link = lazy(Hazard.get_absolute_url, str)


def _title(hazard: Hazard) -> str:
    return f"{hazard.code} · {hazard.premises} · {hazard.display_description[:40]}"


def hazard_tasks(user) -> list[TaskItem]:
    """Dangers to assign (newest first: a new report is at the top of security's queue), to verify,
    escalated to this person's level, and to fix. All of them: the home page pages the queue."""
    items: list[TaskItem] = []
    seen: set[int] = set()
    source = _("Hidden dangers")

    def add(hazards, *, kind: str, label: str, detail=None, decision: bool = False) -> None:
        for hazard in hazards:
            if hazard.pk in seen:
                continue
            seen.add(hazard.pk)
            items.append(
                TaskItem(
                    title=_title(hazard),
                    url=_link(hazard),
                    due=hazard.deadline,
                    source=source,
                    detail=detail(hazard) if detail else label,
                    kind=kind,
                    kind_label=label,
                    premises=hazard.premises,
                    decision=decision,
                    since=hazard.found_at,
                )
            )

    to_assign, to_verify = selectors.hazards_to_assign(user=user), selectors.hazards_to_verify(user=user)
    add(to_assign, kind="hazard.assign", label=_("Hidden dangers to assign"), decision=True)
    add(to_verify, kind="hazard.verify", label=_("Rectifications to verify"), decision=True)

    escalated = {level: _("Escalated: %(level)s") % {"level": label} for level, label in EscalationLevel.choices}

    def light(hazards):  # a task needs the danger and its premises' name, not the people on it
        return hazards.select_related(None).select_related("premises").only(*TASK_FIELDS)

    add(
        light(selectors.hazards_escalated_to(user=user)),
        kind="hazard.escalated",
        label=_("Escalated hidden dangers"),
        detail=lambda hazard: escalated[hazard.escalation_level],
        decision=True,
    )
    add(light(selectors.hazards_to_fix(user=user)), kind="hazard.fix", label=_("Hidden dangers to rectify"))
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
