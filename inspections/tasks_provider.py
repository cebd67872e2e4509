"""What the inspection engine puts on a person's "my tasks" list."""

from django.utils.translation import gettext as _

from core.tasks_registry import TaskItem
from inspections.selectors import open_assignments_for


def inspection_tasks(user) -> list[TaskItem]:
    items = []
    for assignment in open_assignments_for(user=user)[:30]:
        items.append(
            TaskItem(
                title=f"{assignment.version.template.display_name} · {assignment.premises or assignment.unit}",
                url=assignment.get_absolute_url(),
                due=assignment.period_end,
                source=_("Inspections"),
                detail=assignment.get_level_display(),
            )
        )
    return items
