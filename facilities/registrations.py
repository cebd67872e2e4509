"""What facilities register with the shared mechanisms: "my tasks" (tests due)."""

from core.tasks_registry import register_task_provider
from facilities.selectors import facility_tasks


def register() -> None:
    register_task_provider(facility_tasks)
