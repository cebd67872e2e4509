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

        from core.attachment_owners import register_attachment_owner
        from inspections.hazards.selectors import hazards_for
        from inspections.models import Answer, Hazard, HazardEvent
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
