"""What the inspection engine registers with the shared mechanisms: "my tasks" (and, through
``inspections.hazards.registrations``, the hidden-danger tasks and orphaned items)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tasks_registry import TaskItem, register_task_provider
from inspections.choices import Level
from inspections.daily.selectors import cosigns_pending
from inspections.hazards import registrations as hazards
from inspections.selectors import acknowledgements_due, acknowledgements_escalated, open_assignments_for


def inspection_tasks(user) -> list[TaskItem]:
    """Co-signatures of today's checks, inspections to do, and the hand-off of a submitted inspection
    to the inspected side: acknowledge the facts (and, once late, the security department above)."""
    today = timezone.localdate()
    items = [
        TaskItem(
            title=_("Co-sign: %(what)s at %(where)s") % {"what": i.version.template.display_name, "where": i.premises},
            url=reverse("inspections:daily_check", args=[i.pk]),
            due=today,
            source=_("Daily checks"),
            detail=str(i.inspector),
            kind="daily.cosign",
            kind_label=_("Checks to co-sign"),
            premises=i.premises,
        )
        for i in cosigns_pending(user=user, today=today)
    ]
    for inspection in acknowledgements_due(user=user):
        items.append(_acknowledgement_item(inspection, kind="inspection.acknowledge", label=_("Facts to acknowledge")))
    for inspection in acknowledgements_escalated(user=user):
        items.append(
            _acknowledgement_item(
                inspection, kind="inspection.not_acknowledged", label=_("Not acknowledged in time"), decision=True
            )
        )
    # A daily check of a past day can no longer be done: it shows as missed in the register, not here.
    open_ = open_assignments_for(user=user).exclude(level=Level.L4_PREMISES, period_end__lt=today)
    for assignment in open_.select_related("version__template", "premises", "unit", "rule").order_by(
        "period_end", "pk"
    ):
        daily = assignment.level == Level.L4_PREMISES
        items.append(
            TaskItem(
                title=_assignment_title(assignment),
                url=reverse("inspections:today") if daily else assignment.get_absolute_url(),
                due=assignment.period_end,
                source=_("Inspections"),
                detail=assignment.get_level_display(),
                kind="inspection.daily" if daily else "inspection.todo",
                kind_label=_("Today's checks") if daily else _("Inspections to do"),
                premises=assignment.premises,
            )
        )
    return items


def _assignment_title(assignment) -> str:
    """What tells two tasks of the same checklist at the same place apart: the period, and which of
    several times a period it is."""
    start, end = assignment.period_start, assignment.period_end
    period = f"{end:%Y-%m-%d}" if start == end else f"{start:%m-%d}–{end:%m-%d}"
    parts = [assignment.version.template.display_name, str(assignment.premises or assignment.unit), period]
    if assignment.rule_id and assignment.rule.count > 1:
        parts.append(_("no. %(n)s") % {"n": assignment.slot})
    return " · ".join(parts)


def _acknowledgement_item(inspection, *, kind: str, label: str, decision: bool = False) -> TaskItem:
    return TaskItem(
        title=_("Acknowledge the facts: %(what)s · %(where)s")
        % {"what": inspection.version.template.display_name, "where": inspection.premises},
        url=inspection.get_absolute_url(),
        due=inspection.acknowledge_by,
        source=_("Inspections"),
        detail=str(inspection.inspector),
        kind=kind,
        kind_label=label,
        premises=inspection.premises,
        decision=decision,
        since=inspection.submitted_at,
    )


def register() -> None:
    register_task_provider(inspection_tasks)
    hazards.register()

    from core.attachment_owners import register_attachment_owner
    from inspections.hazards.models import Hazard, HazardEvent
    from inspections.hazards.selectors import hazards_for
    from inspections.models import Answer
    from inspections.selectors import inspections_for

    # Photos of an answer open with its inspection; evidence of a hazard event with its hazard.
    register_attachment_owner(
        Answer,
        lambda *, user: Answer.objects.filter(inspection__in=inspections_for(user=user)),
        action="inspection.view",
    )
    register_attachment_owner(Hazard, hazards_for, action="hazard.view")
    register_attachment_owner(
        HazardEvent,
        lambda *, user: HazardEvent.objects.filter(hazard__in=hazards_for(user=user)),
        action="hazard.view",
    )
