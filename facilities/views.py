"""Facilities ledger pages. Thin: scope first (404), then post (403), then one service call."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Premises
from branches.permissions import can, require
from branches.viewmixins import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from core.models import canonical_content
from core.selectors import signatures_of
from core.views import client_ip
from facilities import selectors, services
from facilities.filters import FacilityFilter, FacilityTestFilter, InvestmentFilter
from facilities.forms import CadenceForm, FacilityForm, FacilityTestForm, InvestmentForm, LedgerPeriodForm
from facilities.models import Cadence, Facility, FacilityTest, Investment
from facilities.tables import FacilityTable, FacilityTestTable, InvestmentTable
from safetybank.exports import tabular_response
from safetybank.pdf import render_pdf

# --------------------------------------------------------------------------- facilities


class FacilityListView(ScopedListView):
    model = Facility
    action = "facility.view"
    manage_action = "facility.manage"
    table_class = FacilityTable
    filterset_class = FacilityFilter
    template_name = "facilities/facility_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("premises")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_export"] = can(self.request.user, "facility.export")
        context["query"] = self.request.GET.urlencode()
        return context


class FacilityDetailView(ScopedDetailView):
    model = Facility
    action = "facility.view"
    template_name = "facilities/facility_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("premises", "unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        facility = self.object
        context["schedule"] = selectors.schedule_rows(Facility.objects.filter(pk=facility.pk))
        context["tests"] = facility.tests.select_related("tester", "hazard")[:50]
        context["can_manage"] = can(self.request.user, "facility.manage")
        context["can_test"] = can(self.request.user, "facility.test") and facility.status != "retired"
        return context


class FacilitySaveMixin:
    def form_valid(self, form):
        try:
            self.object = services.facility_save(facility=form.instance, by=self.request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect(self.object.get_absolute_url())


class FacilityCreateView(FacilitySaveMixin, ScopedCreateView):
    model = Facility
    action = "facility.manage"
    form_class = FacilityForm
    template_name = "facilities/form.html"

    def get_initial(self):
        initial = super().get_initial()
        premises = Premises.objects.for_user(self.request.user).filter(pk=self.request.GET.get("premises") or 0)
        if premises.exists():
            initial["premises"] = premises.get()
        return initial


class FacilityUpdateView(FacilitySaveMixin, ScopedUpdateView):
    model = Facility
    action = "facility.manage"
    form_class = FacilityForm
    template_name = "facilities/form.html"


# --------------------------------------------------------------------------- tests


@login_required
def test_create(request, pk: int):
    """Record a test of one facility; a failure raises the hidden danger in the same step."""
    facility = get_object_or_404(selectors.facilities_for(user=request.user), pk=pk)
    require(request, "facility.test")
    initial = {"test_kind": request.GET.get("kind", "")}
    form = FacilityTestForm(request.POST or None, request.FILES or None, facility=facility, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            test = services.facility_test_record(
                facility=facility,
                test_kind=data["test_kind"],
                tested_on=data["tested_on"],
                result=data["result"],
                notes=data["notes"],
                police_receipt=data.get("police_receipt", ""),
                by=request.user,
                ip=client_ip(request),
                uploads=data["photos"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if test.hazard_id:
                messages.warning(request, _("Test recorded and signed. A hidden danger was raised."))
            else:
                messages.success(request, _("Test recorded and signed."))
            return redirect(test.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "facilities/test_form.html", {"facility": facility, "form": form}, status=status)


@login_required
def test_detail(request, pk: int):
    test = get_object_or_404(selectors.tests_for(user=request.user), pk=pk)
    require(request, "facility.view")
    return render(request, "facilities/test_detail.html", {"test": test, "signatures": _signatures(test)})


def _signatures(test: FacilityTest) -> list[tuple]:
    """Each signature of a test with whether the test still reads exactly as signed."""
    content = canonical_content(test.signed_content())
    return [(signature, signature.verify(content)) for signature in signatures_of(test)]


class FacilityTestListView(ScopedListView):
    model = FacilityTest
    action = "facility.view"
    table_class = FacilityTestTable
    filterset_class = FacilityTestFilter
    template_name = "facilities/test_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("facility__premises", "tester")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_export"] = can(self.request.user, "facility.export")
        context["query"] = self.request.GET.urlencode()
        return context


@login_required
def due_list(request):
    """Tests due soon or overdue in the person's scope, overdue first."""
    require(request, "facility.view")
    facilities = selectors.facilities_for(user=request.user)
    premises_id = request.GET.get("premises", "")
    if premises_id.isdigit():
        facilities = facilities.filter(premises_id=premises_id)
    show_all = request.GET.get("all") == "1"
    rows = [row for row in selectors.schedule_rows(facilities) if show_all or row.is_due]
    return render(
        request,
        "facilities/due_list.html",
        {
            "rows": rows,
            "show_all": show_all,
            "premises_choices": Premises.objects.for_user(request.user).filter(facilities__isnull=False).distinct(),
            "premises_id": premises_id,
        },
    )


# --------------------------------------------------------------------------- ledger PDF


def _month_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = today.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


@login_required
def ledger_pdf(request, premises_pk: int):
    """The signed detection and calibration ledger of one premises for a period (default: this month)."""
    premises = get_object_or_404(Premises.objects.for_user(request.user), pk=premises_pk)
    require(request, "facility.view")
    start, end = _month_bounds(timezone.localdate())
    if request.GET:
        form = LedgerPeriodForm(request.GET)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(f"{reverse('facilities:test_list')}?premises={premises.pk}")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    tests = list(
        selectors.tests_for(user=request.user)
        .filter(facility__premises=premises, tested_on__range=(start, end))
        .order_by("tested_on", "recorded_at")
    )
    rows = [(test, _signatures(test)) for test in tests]
    facilities = selectors.facilities_for(user=request.user).filter(premises=premises).in_use()
    pdf = render_pdf(
        "reports/pdf/facility_ledger.html",
        {
            "premises": premises,
            "start": start,
            "end": end,
            "rows": rows,
            "facilities": facilities,
            "printed_by": request.user,
            "printed_at": timezone.now(),
        },
        language=request.LANGUAGE_CODE,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ledger-{premises.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"'
    return response


# --------------------------------------------------------------------------- exports


@login_required
def facility_export(request, fmt: str):
    require(request, "facility.export")
    facilities = FacilityFilter(request.GET, queryset=selectors.facilities_for(user=request.user), request=request).qs
    headers = [
        _("Premises code"),
        _("Premises"),
        _("Unit"),
        _("Kind"),
        _("Name"),
        _("Make and model"),
        _("Supplier"),
        _("Installed on"),
        _("Status"),
        _("Channels"),
        _("Retention (days)"),
        _("Count"),
        _("Extinguisher type"),
        _("Expires on"),
        _("Note"),
    ]
    rows = (
        [
            f.premises.code,
            f.premises.name,
            f.unit.name,
            f.get_kind_display(),
            f.name,
            f.model_name,
            f.supplier,
            f.install_date,
            f.get_status_display(),
            f.channels,
            f.retention_days,
            f.quantity,
            f.get_extinguisher_type_display(),
            f.expiry_date,
            f.note,
        ]
        for f in facilities
    )
    return tabular_response(fmt, "facilities", headers, rows)


@login_required
def test_export(request, fmt: str):
    require(request, "facility.export")
    tests = FacilityTestFilter(request.GET, queryset=selectors.tests_for(user=request.user), request=request).qs
    headers = [
        _("Tested on"),
        _("Premises code"),
        _("Premises"),
        _("Facility"),
        _("Test"),
        _("Result"),
        _("Tester"),
        _("Notes"),
        _("Police confirmation of receipt"),
        _("Hidden danger"),
    ]
    rows = (
        [
            t.tested_on,
            t.facility.premises.code,
            t.facility.premises.name,
            t.facility.name,
            t.get_test_kind_display(),
            t.get_result_display(),
            str(t.tester),
            t.notes,
            t.police_receipt,
            t.hazard_id,
        ]
        for t in tests
    )
    return tabular_response(fmt, "facility-tests", headers, rows)


# --------------------------------------------------------------------------- cadences


@login_required
def cadence_list(request):
    """The cadences every premises follows; head office changes them."""
    require(request, "facility.view")
    return render(
        request,
        "facilities/cadence_list.html",
        {"cadences": Cadence.objects.all(), "can_manage": can(request.user, "cadence.manage")},
    )


@login_required
def cadence_update(request, pk: int):
    cadence = get_object_or_404(Cadence, pk=pk)  # bank-wide reference data, the same for everyone
    require(request, "cadence.manage")
    form = CadenceForm(request.POST or None, instance=cadence)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadence_save(cadence=form.instance, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("facilities:cadence_list")
    return render(
        request,
        "facilities/form.html",
        {"form": form, "object": cadence, "title": _("Change the cadence")},
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- investments


class InvestmentListView(ScopedListView):
    model = Investment
    action = "investment.view"
    manage_action = "investment.manage"
    table_class = InvestmentTable
    filterset_class = InvestmentFilter
    template_name = "facilities/investment_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("premises").prefetch_related("premises_covered")

    def get_table(self, **kwargs):
        if not can(self.request.user, "investment.manage"):
            kwargs["exclude"] = ("edit",)
        return super().get_table(**kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        qs = self.filterset.qs
        context["total"] = qs.aggregate(total=Sum("amount"))["total"] or 0
        context["premises_count"] = qs.values("premises").distinct().count()
        return context


class InvestmentSaveMixin:
    def form_valid(self, form):
        try:
            services.investment_save(
                investment=form.instance, by=self.request.user, covers=form.cleaned_data.get("premises_covered")
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return redirect("facilities:investment_list")


class InvestmentCreateView(InvestmentSaveMixin, ScopedCreateView):
    model = Investment
    action = "investment.manage"
    form_class = InvestmentForm
    template_name = "facilities/form.html"


class InvestmentUpdateView(InvestmentSaveMixin, ScopedUpdateView):
    model = Investment
    action = "investment.manage"
    form_class = InvestmentForm
    template_name = "facilities/form.html"
