"""What facilities register with the shared mechanisms: "my tasks" (tests due)."""

from core.tasks_registry import register_task_provider
from facilities.selectors import facility_tasks


def register() -> None:
    register_task_provider(facility_tasks)

    from core.attachment_owners import register_attachment_owner
    from facilities.models import FacilityTest
    from facilities.selectors import tests_for

    register_attachment_owner(FacilityTest, tests_for, action="facility.view")
