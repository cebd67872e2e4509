"""Scoped reads of the reports app: reports, campaigns, activities and the report tasks.

A report's numbers are collected in ``reports.numbers`` (``report_numbers``)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from branches.choices import UnitKind
from branches.models import Unit
from core.choices import SignatureKind
from core.selectors import signatures_of
from core.tasks_registry import TaskItem
from reports.choices import ReportKind, ReportStatus
from reports.models import Activity, Campaign, Report
from reports.rules import to_sign_by

REPORT_UNIT_KINDS = (UnitKind.HEAD_OFFICE, UnitKind.BRANCH, UnitKind.SUB_BRANCH)
NAMES_LIMIT = 30

# --------------------------------------------------------------------------- lists


def reports_for(*, user) -> QuerySet[Report]:
    return Report.objects.for_user(user).select_related("unit", "campaign")


def report_units(*, user) -> QuerySet[Unit]:
    """Units that get reports (head office, branches, sub-branches) within ``user``'s scope."""
    return Unit.objects.for_user(user).filter(kind__in=REPORT_UNIT_KINDS).order_by("path")


def latest_published(*, user, kind: str, period_start: datetime.date) -> list[Report]:
    """Per unit, the newest published version of a period (a correction in draft leaves the old one)."""
    chosen: dict[int, Report] = {}
    for report in (
        reports_for(user=user)
        .filter(kind=kind, period_start=period_start, status=ReportStatus.PUBLISHED)
        .order_by("unit__path", "-version")
    ):
        chosen.setdefault(report.unit_id, report)
    return list(chosen.values())


def campaigns_for(*, user) -> QuerySet[Campaign]:
    """A campaign flows down: a branch's Safety Month is its sub-branches' too."""
    return Campaign.objects.visible_to(user).select_related("unit")


def report_signatures(report: Report):
    """The unit head's signatures on a quarterly table."""
    return signatures_of(report, SignatureKind.LEDGER_SIGNOFF).select_related("signer")


def activities_for(*, user) -> QuerySet[Activity]:
    return Activity.objects.for_user(user).select_related("unit", "recorded_by")


def report_tasks(user) -> list[TaskItem]:
    """ "My tasks": drafts to finish and finalised reports to publish (security departments);
    quarterly statistics waiting for the unit head's signature (presidents)."""
    from branches.permissions import can

    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TaskItem] = []
    current = reports_for(user=user).current()
    if can(user, "report.edit"):
        for report in current.filter(status__in=[ReportStatus.DRAFT, ReportStatus.FINALISED]):
            todo = _("Finish and finalise") if report.is_draft else _("Publish")
            items.append(
                TaskItem(
                    title=f"{report.get_kind_display()} · {report.unit} · {report.period_label}",
                    url=report.get_absolute_url(),
                    due=report.period_end + datetime.timedelta(days=10),
                    source=_("Reports"),
                    detail=str(todo),
                    kind="report.finish",
                    kind_label=_("Reports to finish or publish"),
                )
            )
    if can(user, "report.sign"):
        waiting = current.filter(kind=ReportKind.HAZARD_QUARTERLY).exclude(status=ReportStatus.DRAFT)
        for report in to_sign_by(reports=waiting, user=user):
            items.append(
                TaskItem(
                    title=f"{report.get_kind_display()} · {report.unit} · {report.period_label}",
                    url=report.get_absolute_url(),
                    source=_("Reports"),
                    detail=str(_("Sign as unit head")),
                    kind="report.sign",
                    kind_label=_("Reports to sign"),
                    decision=True,
                )
            )
    return items
