"""What reports register with the shared mechanisms: "my tasks" and the background PDF."""

from django.utils.translation import gettext_lazy as _

from core.documents import register_document
from core.tasks_registry import register_task_provider
from reports.selectors import report_tasks
from reports.services import build_report_document


def register() -> None:
    register_task_provider(report_tasks)
    register_document("reports.report", label=_("Summary report"), build=build_report_document, action="report.view")

    from core.attachment_owners import register_attachment_owner
    from reports.models import Activity
    from reports.selectors import activities_for, campaigns_for

    # An activity's photos open on its campaign's page: the activity and its campaign in scope.
    register_attachment_owner(
        Activity,
        lambda *, user: activities_for(user=user).filter(campaign__in=campaigns_for(user=user)),
        action="campaign.view",
    )
