"""What core itself registers with its own mechanisms: the business-calendar PDF and a head-office task."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.permissions import can
from core import selectors
from core.documents import DocumentSpec, register_document
from core.tasks_registry import TaskItem, register_task_provider
from safetybank.params import parse_year


def build_business_calendar(document, progress) -> DocumentSpec:
    try:
        year = parse_year(document.params.get("year") or timezone.localdate().year)
    except ValidationError:
        year = timezone.localdate().year
    days = list(selectors.calendar_of_year(year))
    progress(40)
    return DocumentSpec(
        template="reports/pdf/business_calendar.html",
        title=_("Business calendar %(year)s") % {"year": year},
        context={"days": days, "year": year, "generated_at": timezone.localtime()},
    )


def calendar_tasks(user) -> list[TaskItem]:
    """From November on, head office is asked to enter next year's holidays once they are published."""
    today = timezone.localdate()
    if today.month < 11 or not can(user, "calendar.manage"):
        return []
    next_year = today.year + 1
    if selectors.calendar_of_year(next_year).exists():
        return []
    return [
        TaskItem(
            title=_("Enter the %(year)s holidays and make-up working days once the State Council publishes them")
            % {"year": next_year},
            url=f"{reverse('business_calendar')}?year={next_year}",
            source=_("Business calendar"),
            kind="calendar.enter",
            kind_label=_("Business calendar"),
        )
    ]


def register() -> None:
    register_document(
        "core.business_calendar",
        label=gettext_lazy("Business calendar"),
        build=build_business_calendar,
        action="calendar.view",
    )
    register_task_provider(calendar_tasks)
