"""Pages of the summary reports and Safety Month.

Thin: scope first (404), then post (403, logged), then one service call. Bad input is a
translated form error with what was typed kept, never a 500.
"""

from __future__ import annotations

import datetime
import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from branches.permissions import can, require
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView, ObjectPageView
from core.views import client_ip
from reports import rules, selectors, services
from reports.choices import ReportKind, ReportStatus
from reports.documents import report_title
from reports.filters import CampaignFilter
from reports.forms import ActivityForm, CampaignForm, CorrectionForm, GenerateSafetyMonthForm, MonthForm, SectionsForm
from reports.models import Campaign, Report
from reports.numbers import open_issues
from reports.tables import CampaignTable
from safetybank.heavy import heavy
from safetybank.htmx import is_htmx, render_partial
from safetybank.outbox import enqueue
from safetybank.params import month_param
from safetybank.pdf import pdf_response
from safetybank.periods import previous_month, quarter_bounds, year_bounds

LANGUAGES = ("zh-hans", "en")


def _month(request) -> datetime.date:
    """The month shown: ?month=YYYY-MM, else last month; a bad or future one is reported and last month shown."""
    today = timezone.localdate()
    return month_param(request, default=previous_month(today), latest=today)


def _kind(request) -> str:
    kind = request.GET.get("kind", ReportKind.MONTHLY)
    return kind if kind in ReportKind.values else ReportKind.MONTHLY


def _period_start(kind: str, month: datetime.date) -> datetime.date:
    if kind == ReportKind.YEAR_END:
        return month.replace(month=1)
    return quarter_bounds(month)[0] if kind == ReportKind.HAZARD_QUARTERLY else month


def _report(request, pk: int, action: str = "report.view") -> Report:
    report = get_object_or_404(selectors.reports_for(user=request.user), pk=pk)
    require(request, action)
    return report


# --------------------------------------------------------------------------- reports


class ReportListView(ObjectPageView):
    """Per unit in scope: the state of its report for the month, with its PDF; the ZIP of the published."""

    action = "report.view"
    template_name = "reports/report_list.html"

    def get_extra_context(self):
        user = self.request.user
        month, kind = _month(self.request), _kind(self.request)
        start = _period_start(kind, month)
        reports = selectors.reports_for(user=user).current().filter(kind=kind, period_start=start)
        current = {r.unit_id: r for r in reports}
        published = {r.unit_id: r for r in selectors.latest_published(user=user, kind=kind, period_start=start)}
        rows = [(unit, current.get(unit.pk), published.get(unit.pk)) for unit in selectors.report_units(user=user)]
        return {
            "rows": rows,
            "month": month,
            "kind": kind,
            "kinds": ReportKind.choices,
            "published_count": len(published),
            "can_edit": self.can("report.edit"),
        }


@login_required
@require_POST
def report_generate(request):
    """Drafts for every unit in the person's scope, in the background (after commit)."""
    require(request, "report.edit")
    form = MonthForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("month", []):
            messages.error(request, error)
        return redirect("reports:report_list")
    month = form.cleaned_data["month"]
    unit_ids = list(selectors.report_units(user=request.user).values_list("pk", flat=True))
    from reports.tasks import generate_for_units, generate_year_for_units

    if form.cleaned_data.get("kind") == ReportKind.YEAR_END:
        enqueue(generate_year_for_units, month.year, unit_ids)
        until = year_bounds(month.year, today=timezone.localdate())[1]
        messages.success(
            request,
            _("The year-end summaries of %(year)s (up to %(day)s) are being generated.")
            % {"year": month.year, "day": f"{until:%Y-%m-%d}"},
        )
        return redirect(f"{_url('reports:report_list')}?month={month:%Y-%m}&kind={ReportKind.YEAR_END}")
    enqueue(generate_for_units, f"{month:%Y-%m-%d}", unit_ids)
    messages.success(request, _("The drafts for %(month)s are being generated.") % {"month": f"{month:%Y-%m}"})
    return redirect(f"{_url('reports:report_list')}?month={month:%Y-%m}")


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


def _detail_context(request, report: Report, form=None, correction_form=None) -> dict:
    return {
        "report": report,
        "n": report.numbers,
        "issues": open_issues(report.numbers),
        "form": form
        or SectionsForm(
            kind=report.kind,
            initial={
                "rules_text": report.rules_text,
                # Unwritten, section 3 starts as the data's open problems in the writer's language.
                "problems": report.problems
                or (services.draft_problems(report.numbers, get_language()) if report.is_draft else ""),
                "measures": report.measures,
                "plans": report.plans,
            },
        ),
        "correction_form": correction_form or CorrectionForm(),
        "versions": selectors.reports_for(user=request.user)
        .filter(unit=report.unit, kind=report.kind, period_start=report.period_start)
        .order_by("-version"),
        "can_edit": can(request.user, "report.edit") and report.is_current,
        "signatures": list(selectors.report_signatures(report)),
        "sign_refusal": rules.signature_refusal(report=report, user=request.user)
        if report.kind == ReportKind.HAZARD_QUARTERLY and can(request.user, "report.sign")
        else _("Not yours to sign."),
        "languages": LANGUAGES,
    }


class ReportDetailView(ObjectDetailView):
    selector = selectors.reports_for
    action = "report.view"

    def get_extra_context(self):
        return _detail_context(self.request, self.object)


@login_required
@require_POST
def report_sections(request, pk: int):
    """Save sections 3–4 (and the rules narrative). HTMX gets the form back; errors keep the text."""
    report = _report(request, pk, "report.edit")
    form = SectionsForm(request.POST, kind=report.kind)
    saved = False
    if form.is_valid():
        try:
            services.report_save_sections(report=report, by=request.user, **form.cleaned_data)
            saved = True
        except ValidationError as exc:
            form.add_error(None, exc)
            if not is_htmx(request):
                messages.error(request, " ".join(exc.messages))
    if saved and not is_htmx(request):
        messages.success(request, _("Saved."))
        return redirect(report)
    context = {**_detail_context(request, report, form=form), "saved": saved}
    status = 200 if is_htmx(request) else 400
    full, partial = "reports/report_detail.html", "reports/partials/_sections.html"
    return render_partial(request, full, partial, context, status=status)


def _transition(action: str, service, done_message, *, with_ip: bool = False):
    """A workflow button on a report: one service call; a refusal is a message, success shows the report."""

    @login_required
    @require_POST
    def view(request, pk: int):
        report = _report(request, pk, action)
        signed_from = {"ip": client_ip(request)} if with_ip else {}
        try:
            result = service(report=report, by=request.user, **signed_from)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(report)
        messages.success(request, str(done_message))
        return redirect(result if isinstance(result, Report) else report)

    return view


DONE = {
    "regenerate": gettext_lazy("The numbers were collected again; your sections were kept."),
    "finalise": gettext_lazy("Finalised: the numbers of this version are fixed."),
    "publish": gettext_lazy("Published: head office can download it."),
    "sign": gettext_lazy("Signed."),
}
report_regenerate = _transition("report.edit", services.report_regenerate, DONE["regenerate"])
report_finalise = _transition("report.edit", services.report_finalise, DONE["finalise"])
report_publish = _transition("report.edit", services.report_publish, DONE["publish"])
report_sign = _transition("report.sign", services.report_sign, DONE["sign"], with_ip=True)


@login_required
@require_POST
def report_correct(request, pk: int):
    report = _report(request, pk, "report.edit")
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return render(
            request, "reports/report_detail.html", _detail_context(request, report, correction_form=form), status=400
        )
    try:
        new = services.report_correct(report=report, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    messages.success(request, _("A new version was started; the old one stays available."))
    return redirect(new)


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename=\"report.{filename.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(filename)}"


def _language(request) -> str:
    language = request.GET.get("lang") or get_language()
    return language if language in LANGUAGES else "zh-hans"


@login_required
@require_GET
@heavy
def report_pdf(request, pk: int):
    report = _report(request, pk)
    data = services.report_pdf(report=report, language=_language(request))
    return pdf_response(data, f"{report_title(report)}.pdf")


@login_required
@require_GET
@heavy
def report_zip(request):
    """Every published report of the month (newest published version per unit) in the person's scope."""
    require(request, "report.view")
    month, kind = _month(request), _kind(request)
    language = _language(request)
    reports = selectors.latest_published(user=request.user, kind=kind, period_start=_period_start(kind, month))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for report in reports:
            name = f"{report.unit.code}-{report_title(report)}.pdf".replace("/", "-")
            archive.writestr(name, services.report_pdf(report=report, language=language))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = _disposition(f"{ReportKind(kind).label}-{month:%Y-%m}.zip")
    return response


# --------------------------------------------------------------------------- Safety Month


class CampaignListView(ObjectListView):
    selector = selectors.campaigns_for
    subject = "campaign"
    table_class = CampaignTable
    filterset_class = CampaignFilter


class CampaignCreateView(ObjectEditView):
    model = Campaign
    subject = "campaign"
    form_class = CampaignForm

    def save(self, form):
        data = form.cleaned_data
        if selectors.campaigns_for(user=self.request.user).filter(unit=data["unit"], year=data["year"]).exists():
            raise ValidationError({"year": _("This unit already has a Safety Month that year.")})
        return services.campaign_save(by=self.request.user, **data)


def _campaign(request, pk: int):
    campaign = get_object_or_404(selectors.campaigns_for(user=request.user), pk=pk)
    require(request, "campaign.view")
    return campaign


class CampaignDetailView(ObjectDetailView):
    selector = selectors.campaigns_for
    action = "campaign.view"
    context_object_name = "campaign"

    def get_extra_context(self):
        user, campaign = self.request.user, self.object
        can_report = self.can("report.edit")
        return {
            "activities": selectors.activities_for(user=user).filter(campaign=campaign),
            "reports": selectors.reports_for(user=user).current().filter(campaign=campaign),
            "can_record": self.can("activity.record"),
            "can_report": can_report,
            "generate_form": GenerateSafetyMonthForm(user=user) if can_report else None,
        }


class ActivityCreateView(ObjectEditView):
    """An activity of the campaign in the URL (404 outside scope; then the campaign and the recording post)."""

    selector = selectors.campaigns_for
    action = "activity.record"
    form_class = ActivityForm
    template_name = "reports/activity_form.html"
    context_object_name = "campaign"

    def check_action(self, request, action):
        super().check_action(request, "campaign.view")
        super().check_action(request, action)

    def save(self, form):
        data = form.cleaned_data
        try:
            services.activity_record(
                campaign=self.object,
                uploads=data["photos"] or [],
                by=self.request.user,
                **form.values("unit", "date", "kind", "title", "description", "participants"),
            )
        except ValidationError as exc:
            raise ValidationError({"date": exc.messages}) from exc
        return self.object


@login_required
@require_POST
def campaign_report(request, pk: int):
    campaign = _campaign(request, pk)
    require(request, "report.edit")
    form = GenerateSafetyMonthForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a unit you are responsible for."))
        return redirect(campaign)
    report = services.campaign_report_generate(campaign=campaign, unit=form.cleaned_data["unit"], by=request.user)
    if report.status != ReportStatus.DRAFT:
        messages.info(request, _("This summary is already finalised; make a correction to change it."))
    return redirect(report)
