"""What drills put on "my tasks" and on the orphaned-items page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from branches.orphans import OrphanItem, register_orphan_provider
from branches.permissions import can
from core.tasks_registry import TaskItem, register_task_provider
from drills import selectors
from drills.models import PlanRole


def drill_tasks(user) -> list[TaskItem]:
    items = [
        TaskItem(
            title=_("Drill: %(scenario)s") % {"scenario": drill.scenario},
            url=drill.get_absolute_url(),
            due=drill.planned_date,
            source=_("Drills"),
            kind="drill.run",
            kind_label=_("Drills to run"),
            detail=", ".join(str(p) for p in drill.premises.all()) or str(drill.unit),
        )
        for drill in selectors.drills_to_run(user=user).select_related("unit").prefetch_related("premises")
    ]
    if can(user, "plan.manage"):
        for role in selectors.roles_to_reassign(user=user):
            items.append(
                TaskItem(
                    title=_("Reassign %(role)s of %(plan)s") % {"role": role.get_role_display(), "plan": role.plan},
                    url=role.plan.get_absolute_url(),
                    source=_("Emergency plans"),
                    kind="plan.reassign",
                    kind_label=_("Plan roles to reassign"),
                    decision=True,
                    detail=_("%(name)s has left or moved") % {"name": role.holder},
                )
            )
    return items


def orphaned_plan_roles(user, left_people) -> list[OrphanItem]:
    roles = (
        PlanRole.objects.for_user(user)
        .filter(holder__in=left_people, plan__is_active=True)
        .select_related("plan", "holder")
    )
    return [
        OrphanItem(
            owner=role.holder,
            kind=_("Emergency plan role"),
            title=f"{role.plan} · {role.get_role_display()} ({role.get_period_display()})",
            url=role.plan.get_absolute_url(),
        )
        for role in roles
    ]


def register() -> None:
    register_task_provider(drill_tasks)
    register_orphan_provider(orphaned_plan_roles)

    from core.attachment_owners import register_attachment_owner
    from drills.models import Drill, EmergencyPlan, StudySession
    from drills.selectors import drills_for, plans_for, study_sessions_for

    register_attachment_owner(Drill, drills_for, action="drill.view")
    register_attachment_owner(EmergencyPlan, plans_for, action="plan.view")
    register_attachment_owner(StudySession, study_sessions_for, action="study.view")
