from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Emergency plans and drills")

    def ready(self):
        from branches.orphans import register_orphan_provider
        from core.tasks_registry import register_task_provider
        from drills import permissions  # noqa: F401  (declares the actions)
        from drills.providers import drill_tasks, orphaned_plan_roles

        register_task_provider(drill_tasks)
        register_orphan_provider(orphaned_plan_roles)

        from core.attachment_owners import register_attachment_owner
        from drills.models import Drill, EmergencyPlan, StudySession
        from drills.selectors import drills_for, plans_for, study_sessions_for

        register_attachment_owner(Drill, drills_for, action="drill.view")
        register_attachment_owner(EmergencyPlan, plans_for, action="plan.view")
        register_attachment_owner(StudySession, study_sessions_for, action="study.view")
