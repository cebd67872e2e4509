"""The PDFs of the reports: context (labels, charts, photos) from a report's stored numbers.

Everything printed from the data comes from ``report.numbers``, so a finalised report
prints the same numbers whenever it is rendered. Charts are drawn by ``safetybank.charts``
from those numbers. Background rendering with progress goes through ``core.documents``
(kind ``reports.report``); it, the download and the ZIP all serve a finalised version's stored
file (``services.report_pdf``).
"""

from __future__ import annotations

import copy
import gc

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from branches.choices import Area, Post, PremisesKind
from core.selectors import attachments_of
from drills.choices import DrillKind, PlanKind
from facilities.choices import FacilityKind, InvestmentKind
from incidents.choices import IncidentKind
from inspections.choices import HazardCategory, HazardGrade, HazardStatus, Level
from inspections.hazards.selectors import hazards_for
from reports.choices import ActivityKind, ReportKind
from reports.models import Report
from reports.scope import UnitReader
from reports.selectors import activities_for, report_signatures
from safetybank.charts import bar_chart, stacked_bar
from safetybank.pdf import render_pdf

TEMPLATES = {
    ReportKind.MONTHLY: "reports/pdf/monthly.html",
    ReportKind.SAFETY_MONTH: "reports/pdf/safety_month.html",
    ReportKind.HAZARD_MONTHLY: "reports/pdf/hazard_report.html",
    ReportKind.HAZARD_QUARTERLY: "reports/pdf/hazard_report.html",
    ReportKind.YEAR_END: "reports/pdf/year_end.html",
}
PHOTOS_PER_ROW = 3
TEMPLATE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _charts(numbers: dict) -> dict[str, str]:
    charts = {}
    levels = numbers.get("inspections")
    if levels:
        shown = [(level, label) for level, label in Level.choices if levels.get(level, {}).get("required")]
        if shown:
            charts["inspections"] = stacked_bar(
                title=_("Inspections by level"),
                labels=[str(label) for _level, label in shown],
                series={
                    _("On time"): [levels[level]["on_time"] for level, _label in shown],
                    _("Late"): [levels[level]["late"] for level, _label in shown],
                    _("Missed"): [levels[level]["missed"] + levels[level]["unassigned"] for level, _label in shown],
                    _("Not yet due"): [levels[level]["pending"] for level, _label in shown],
                },
                horizontal=True,
                height=360,
                colors=("#198754", "#ffc107", "#dc3545", "#adb5bd"),
            )
    hazards = numbers.get("hazards")
    if hazards and hazards.get("by_category") and (hazards.get("found") or hazards.get("open")):
        categories = HazardCategory.choices
        charts["hazards"] = bar_chart(
            title=_("Hidden dangers by category"),
            labels=[str(label) for _value, label in categories],
            series={
                _("Found"): [hazards["by_category"][value]["found"] for value, _label in categories],
                _("Rectified"): [hazards["by_category"][value]["rectified"] for value, _label in categories],
                _("Open"): [hazards["by_category"][value]["open"] for value, _label in categories],
            },
            height=320,
        )
    return charts


def _defence_labels() -> dict[str, str]:
    """What each defence fact of ``numbers.DEFENCE_FACTS`` is called in the active language."""
    facility = _labels(FacilityKind.choices)
    return {
        **{code: facility.get(code, code) for code in facility},
        "cctv_digital": _("Digital CCTV"),
    }


def _photos(report: Report) -> dict:
    """Activity photos and hazard evidence (thumbnails), looked up as the report's unit sees them."""
    reader = UnitReader(report.unit)
    photos: dict = {"activities": {}, "hazards": {}}
    activity_ids = [a["pk"] for a in report.numbers.get("activities", [])]
    if activity_ids:
        for activity in activities_for(user=reader).filter(pk__in=activity_ids):
            photos["activities"][activity.pk] = [a for a in attachments_of(activity) if a.is_image][:PHOTOS_PER_ROW]
    hazard_ids = {
        row["pk"] for key in ("found_list", "rectified_list", "open_list") for row in report.numbers.get(key, [])
    }
    if hazard_ids:
        for hazard in hazards_for(user=reader).filter(pk__in=hazard_ids):
            photos["hazards"][hazard.pk] = [a for a in attachments_of(hazard) if a.is_image][:PHOTOS_PER_ROW]
    return photos


def report_context(report: Report) -> dict:
    """The template context in the active language."""
    numbers = copy.deepcopy(report.numbers)  # photos are added for the template, never saved
    photos = _photos(report)
    for key in ("activities", "found_list", "rectified_list", "open_list"):
        for row in numbers.get(key, []):
            row["photos"] = photos["activities" if key == "activities" else "hazards"].get(row["pk"], [])
    from reports.numbers import open_issues

    return {
        "report": report,
        "n": numbers,
        "charts": _charts(numbers),
        # An unwritten section 3 prints the data's open problems in the PDF's language.
        "generated_problems": [] if report.problems else open_issues(numbers),
        "signatures": list(report_signatures(report)) if report.kind == ReportKind.HAZARD_QUARTERLY else [],
        "labels": {
            "premises": _labels(PremisesKind.choices),
            "area": _labels(Area.choices),
            "level": _labels(Level.choices),
            "drill": _labels(DrillKind.choices),
            "investment": _labels(InvestmentKind.choices),
            "incident": _labels(IncidentKind.choices),
            "grade": _labels(HazardGrade.choices),
            "category": _labels(HazardCategory.choices),
            "status": _labels(HazardStatus.choices),
            "activity": _labels(ActivityKind.choices),
            "post": _labels(Post.choices),
            "plan": _labels(PlanKind.choices),
            "facility": _labels(FacilityKind.choices),
            "defence": _defence_labels(),
        },
    }


def report_title(report: Report) -> str:
    return f"{report.unit.name} · {report.get_kind_display()} · {report.period_label} · v{report.version}"


def render_report(report: Report, *, language: str) -> bytes:
    with override(language):
        context = report_context(report)
    pdf = render_pdf(TEMPLATES[report.kind], context, language=language)
    del context  # its charts' cycles too, not only the renderer's (see render_pdf)
    gc.collect()
    return pdf
