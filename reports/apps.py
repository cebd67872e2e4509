from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from core.documents import register_document
        from core.tasks_registry import register_task_provider
        from reports import permissions  # noqa: F401  (declares the actions)
        from reports.documents import build_report_document
        from reports.selectors import report_tasks

        register_task_provider(report_tasks)
        register_document(
            "reports.report", label=_("Summary report"), build=build_report_document, action="report.view"
        )

        from core.attachment_owners import register_attachment_owner
        from reports.models import Activity
        from reports.selectors import activities_for, campaigns_for

        # An activity's photos open on its campaign's page: the activity and its campaign in scope.
        register_attachment_owner(
            Activity,
            lambda *, user: activities_for(user=user).filter(campaign__in=campaigns_for(user=user)),
            action="campaign.view",
        )
