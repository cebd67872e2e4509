from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Security facilities")

    def ready(self):
        from core.tasks_registry import register_task_provider
        from facilities import permissions  # noqa: F401  (declares the actions)
        from facilities.selectors import facility_tasks

        register_task_provider(facility_tasks)

        from core.attachment_owners import register_attachment_owner
        from facilities.models import FacilityTest
        from facilities.selectors import tests_for

        register_attachment_owner(FacilityTest, tests_for, action="facility.view")
