"""Facilities ledger pages. Thin: scope first (404), then post (403), then one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Premises
from branches.permissions import can, require
from branches.scoping import scope_fingerprint
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView
from core.models import canonical_content
from core.selectors import signatures_of
from core.views import client_ip
from facilities import selectors, services
from facilities.filters import DueFilter, FacilityFilter, FacilityTestFilter, InvestmentFilter
from facilities.forms import CadenceForm, FacilityForm, FacilityTestForm, InvestmentForm
from facilities.models import Cadence, Facility, FacilityTest, Investment
from facilities.tables import FacilityTable, FacilityTestTable, InvestmentTable
from safetybank import cacheversions
from safetybank.heavy import heavy
from safetybank.params import date_range_param
from safetybank.pdf import pdf_response, render_pdf
from safetybank.periods import month_bounds

DUE_PER_PAGE = 50

# --------------------------------------------------------------------------- facilities


class FacilityListView(ObjectListView):
    model = Facility
    subject = "facility"
    export_action = "facility.export"
    export_name = "facilities"
    table_class = FacilityTable
    filterset_class = FacilityFilter
    select_related = ("premises",)


class FacilityDetailView(ObjectDetailView):
    model = Facility
    subject = "facility"
    select_related = ("premises", "unit")

    def get_extra_context(self):
        facility = self.object
        return {
            "schedule": selectors.schedule_rows(Facility.objects.filter(pk=facility.pk)),
            "tests": facility.tests.select_related("tester", "hazard")[:50],
            "can_test": self.can("facility.test") and facility.status != "retired",
        }


class FacilityEditView(ObjectEditView):
    invalid_status = 200  # as before the shared base (tests/test_facilities.py)
    model = Facility
    subject = "facility"
    form_class = FacilityForm

    def get_initial(self):
        initial = super().get_initial()
        premises = Premises.objects.for_user(self.request.user).filter(pk=self.request.GET.get("premises") or 0)
        if self.object is None and premises.exists():
            initial["premises"] = premises.get()
        return initial

    def save(self, form):
        return services.facility_save(facility=form.instance, by=self.request.user)


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
                police_receipt=data.get("police_receipt", ""),
                **form.values("test_kind", "tested_on", "result", "notes"),
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


class FacilityTestDetailView(ObjectDetailView):
    selector = selectors.tests_for
    action = "facility.view"
    template_name = "facilities/test_detail.html"
    context_object_name = "test"

    def get_extra_context(self):
        return {"signatures": _signatures(self.object)}


def _signatures(test: FacilityTest) -> list[tuple]:
    """Each signature of a test with whether the test still reads exactly as signed."""
    content = canonical_content(test.signed_content())
    return [(signature, signature.verify(content)) for signature in signatures_of(test)]


class FacilityTestListView(ObjectListView):
    model = FacilityTest
    action = "facility.view"
    export_action = "facility.export"
    export_name = "facility-tests"
    table_class = FacilityTestTable
    filterset_class = FacilityTestFilter
    template_name = "facilities/test_list.html"
    select_related = ("facility__premises", "tester")


@login_required
def due_list(request):
    """Tests due soon or overdue in the person's scope, overdue first."""
    require(request, "facility.view")
    filterset = DueFilter(request.GET, queryset=selectors.facilities_for(user=request.user), request=request)
    show_all = request.GET.get("all") == "1"
    user, today = request.user, timezone.localdate()
    rows = cacheversions.cached(  # light tuples, models for one page only; bumped by every saved test
        ("facilities-due", scope_fingerprint(user), today, show_all, filterset.form.data.get("premises", "")),
        [],
        lambda: selectors.due_rows(filterset.qs, today=today, show_all=show_all),
    )
    page = Paginator(rows, DUE_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.schedule_page(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "facilities/due_list.html",
        {
            "rows": page,
            "show_all": show_all,
            "filter": filterset,
            "pager_query": query.urlencode(),
        },
    )


# --------------------------------------------------------------------------- ledger PDF


@login_required
@heavy
def ledger_pdf(request, premises_pk: int):
    """The signed detection and calibration ledger of one premises for a period (default: this month)."""
    premises = get_object_or_404(Premises.objects.for_user(request.user), pk=premises_pk)
    require(request, "facility.view")
    start, end = date_range_param(request, default=month_bounds(timezone.localdate()))
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
    return pdf_response(pdf, f"ledger-{premises.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf", inline=True)


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
        "object_form.html",
        {"form": form, "object": cadence, "title": _("Change the cadence")},
        status=400 if request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- investments


class InvestmentListView(ObjectListView):
    model = Investment
    subject = "investment"
    table_class = InvestmentTable
    filterset_class = InvestmentFilter

    def get_queryset(self):
        return super().get_queryset().select_related("premises").prefetch_related("premises_covered")

    def get_table(self, **kwargs):
        if not can(self.request.user, "investment.manage"):
            kwargs["exclude"] = ("edit",)
        return super().get_table(**kwargs)

    def get_extra_context(self):
        rows = self.filterset.qs
        return {
            "total": rows.aggregate(total=Sum("amount"))["total"] or 0,
            "premises_count": rows.values("premises").distinct().count(),
        }


class InvestmentEditView(ObjectEditView):
    invalid_status = 200  # as before the shared base (tests/test_facilities.py)
    model = Investment
    subject = "investment"
    form_class = InvestmentForm

    def save(self, form):
        covers = form.cleaned_data.get("premises_covered")
        return services.investment_save(investment=form.instance, by=self.request.user, covers=covers)

    def get_success_url(self):
        return reverse("facilities:investment_list")
