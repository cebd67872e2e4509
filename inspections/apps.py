from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from branches.scoping import register_premises_provider
        from core.tasks_registry import register_task_provider
        from inspections import permissions  # noqa: F401  (declares the actions)
        from inspections.selectors import assigned_premises
        from inspections.tasks_provider import inspection_tasks

        register_task_provider(inspection_tasks)

        from inspections.hazards.providers import register as register_hazards

        register_hazards()
        register_premises_provider(assigned_premises)
