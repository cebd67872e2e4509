"""Hidden-danger pages: the register (with export), reporting by hand, the detail with its timeline,
the workflow actions and head office's settings. Thin: scope first (404), then post (403), then one
service call. The actions answer HTMX with the refreshed detail body, anything else with a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.permissions import can, log_refusal, require
from branches.viewmixins import ObjectListView
from core.selectors import attachments_of
from inspections.choices import HazardGrade, HazardStatus
from inspections.hazards import forms, rectification, rules, selectors, services
from inspections.hazards.filters import HazardFilter
from inspections.hazards.models import Hazard, HazardPlan, HazardPolicy
from inspections.hazards.tables import HazardTable
from safetybank.htmx import is_htmx, render_partial

# --------------------------------------------------------------------------- register


class HazardListView(ObjectListView):
    """The register; ``/hazards/export.<fmt>`` downloads the same table (with its export-only columns)."""

    selector = selectors.hazards_for
    action = "hazard.view"
    manage_action = "hazard.report"
    table_class = HazardTable
    filterset_class = HazardFilter
    template_name = "inspections/hazards/hazard_list.html"
    export_name = "hidden-dangers"

    def get_extra_context(self):
        return {"can_configure": self.can("hazard.configure")}


hazard_list = HazardListView.as_view()


@login_required
def hazard_report(request):
    require(request, "hazard.report")
    form = forms.HazardReportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hazard = services.hazard_report(
                grade=data.get("grade") or HazardGrade.GENERAL,
                uploads=data["photos"],
                by=request.user,
                **form.values("premises", "description", "category", "item_code"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Hidden danger %(code)s reported.") % {"code": hazard.code})
            return redirect(hazard)
    return render(request, "inspections/hazards/hazard_report.html", {"form": form})


# --------------------------------------------------------------------------- detail


def _source(hazard: Hazard) -> dict:
    """Where the danger came from: an inspection, a drill problem or a facility test (links owned by those apps)."""
    source = {"inspection": hazard.source_inspection}
    for name in ("drill_problem", "facility_test"):
        try:
            source[name] = getattr(hazard, name)
        except ObjectDoesNotExist:
            source[name] = None
    return source


def _body_context(request, hazard: Hazard, **action_forms) -> dict:
    user = request.user
    status = hazard.status
    events = list(selectors.hazard_timeline(hazard=hazard))
    for event in events:
        event.evidence = list(attachments_of(event))
    try:
        plan = hazard.plan
    except ObjectDoesNotExist:
        plan = None
    works = rules.may_work_on(hazard, user)
    allowed = {
        "assign": status in (HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
        and can(user, "hazard.manage"),
        "grade": status in (HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
        and can(user, "hazard.grade"),
        "plan": hazard.grade == HazardGrade.MAJOR
        and status in (HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
        and works,
        "start": status == HazardStatus.ASSIGNED and works,
        "submit": status == HazardStatus.RECTIFYING and works,
        "fix": status == HazardStatus.REPORTED
        and hazard.grade == HazardGrade.GENERAL
        and rules.may_fix_on_spot(hazard, user),
        "verify": status == HazardStatus.SUBMITTED and rules.may_verify(hazard=hazard, user=user),
    }
    if status == HazardStatus.SUBMITTED and not allowed["verify"] and can(user, "hazard.verify"):
        verify_note = rules.verify_refusal(hazard=hazard, user=user)
    else:
        verify_note = ""
    defaults = {
        "assign": lambda: forms.AssignForm(hazard=hazard, user=user, prefix="assign"),
        "grade": lambda: forms.GradeForm(prefix="grade", initial={"grade": hazard.grade}),
        "start": lambda: forms.StartForm(prefix="start"),
        "submit": lambda: forms.EvidenceForm(prefix="submit"),
        "fix": lambda: forms.EvidenceForm(prefix="fix"),
        "verify": lambda: forms.VerifyForm(prefix="verify"),
        "send_back": lambda: forms.SendBackForm(prefix="send_back"),
    }
    built = {}
    for name, make in defaults.items():
        key = "verify" if name == "send_back" else name
        if allowed.get(key):
            built[f"{name}_form"] = action_forms.get(name) or make()
    return {
        "hazard": hazard,
        "events": events,
        "plan": plan,
        "allowed": allowed,
        "verify_note": verify_note,
        "source": _source(hazard),
        "source_evidence": attachments_of(hazard.source_answer) if hazard.source_answer_id else [],
        **built,
    }


def _hazard_or_404(request, pk: int) -> Hazard:
    return get_object_or_404(
        Hazard.objects.for_user(request.user).select_related(
            "premises",
            "unit",
            "found_by",
            "responsible",
            "rectified_by",
            "verified_by",
            "source_inspection",
            "repeat_of",
        ),
        pk=pk,
    )


@login_required
def hazard_detail(request, pk: int):
    hazard = _hazard_or_404(request, pk)
    require(request, "hazard.view")
    return render(request, "inspections/hazard_detail.html", _body_context(request, hazard))


# --------------------------------------------------------------------------- actions


def _forbid(request, action: str):
    log_refusal(request, action)
    raise PermissionDenied


ACTIONS = {
    # name: (form builder, service call, success message)
    "assign": (
        lambda request, hazard: forms.AssignForm(request.POST, hazard=hazard, user=request.user, prefix="assign"),
        lambda hazard, by, data: rectification.hazard_assign(
            hazard=hazard, by=by, responsible=data["responsible"], deadline=data["deadline"], note=data["note"]
        ),
    ),
    "grade": (
        lambda request, hazard: forms.GradeForm(request.POST, prefix="grade"),
        lambda hazard, by, data: rectification.hazard_grade(
            hazard=hazard, by=by, grade=data["grade"], reason=data["reason"]
        ),
    ),
    "start": (
        lambda request, hazard: forms.StartForm(request.POST, prefix="start"),
        lambda hazard, by, data: rectification.hazard_start(hazard=hazard, by=by, note=data["note"]),
    ),
    "submit": (
        lambda request, hazard: forms.EvidenceForm(request.POST, request.FILES, prefix="submit"),
        lambda hazard, by, data: rectification.hazard_submit_fix(
            hazard=hazard, by=by, note=data["note"], uploads=data["photos"]
        ),
    ),
    "fix": (
        lambda request, hazard: forms.EvidenceForm(request.POST, request.FILES, prefix="fix"),
        lambda hazard, by, data: rectification.hazard_fix_on_spot(
            hazard=hazard, by=by, note=data["note"], uploads=data["photos"]
        ),
    ),
    "verify": (
        lambda request, hazard: forms.VerifyForm(request.POST, prefix="verify"),
        lambda hazard, by, data: rectification.hazard_verify(hazard=hazard, by=by, note=data["note"]),
    ),
    "send_back": (
        lambda request, hazard: forms.SendBackForm(request.POST, prefix="send_back"),
        lambda hazard, by, data: rectification.hazard_send_back(hazard=hazard, by=by, reason=data["reason"]),
    ),
}

# The post a step needs; finer rules (the responsible person, who may verify) are the service's.
ACTION_PERMISSION = {
    "assign": "hazard.manage",
    "grade": "hazard.grade",
    "start": "hazard.view",
    "submit": "hazard.view",
    "fix": "hazard.report",
    "verify": "hazard.verify",
    "send_back": "hazard.verify",
}


@login_required
@require_POST
def hazard_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    hazard = _hazard_or_404(request, pk)
    if not can(request.user, ACTION_PERMISSION[action]):
        _forbid(request, ACTION_PERMISSION[action])
    build_form, run = ACTIONS[action]
    form = build_form(request, hazard)
    if form.is_valid():
        try:
            run(hazard, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            hazard = _hazard_or_404(request, pk)
            if is_htmx(request):
                context = _body_context(request, hazard)
                context["flash"] = _("Saved.")
                return render(request, "inspections/hazards/partials/_hazard_body.html", context)
            messages.success(request, _("Saved."))
            return redirect(hazard)
    context = _body_context(request, hazard, **{action: form})
    context["failed_action"] = action
    return render_partial(
        request, "inspections/hazard_detail.html", "inspections/hazards/partials/_hazard_body.html", context
    )


@login_required
def hazard_plan(request, pk: int):
    """The governance plan of a major danger: its six contents, on a page of their own."""
    hazard = _hazard_or_404(request, pk)
    require(request, "hazard.view")
    if hazard.grade != HazardGrade.MAJOR:
        messages.info(request, _("Only a major hidden danger needs a governance plan."))
        return redirect(hazard)
    plan = HazardPlan.objects.filter(hazard=hazard).first()
    editable = hazard.is_open and rules.may_work_on(hazard, request.user)
    if request.method == "POST" and not editable:
        _forbid(request, "hazard.manage")
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            rectification.hazard_plan_save(hazard=hazard, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Governance plan saved."))
            return redirect(hazard)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "inspections/hazards/hazard_plan.html",
        {"hazard": hazard, "form": form, "plan": plan, "editable": editable},
    )


@login_required
def hazard_policy(request):
    require(request, "hazard.configure")
    form = forms.PolicyForm(request.POST or None, instance=HazardPolicy.objects.order_by("pk").first())
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_policy_save(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("inspections:hazard_list")
    return render(request, "inspections/hazards/hazard_policy.html", {"form": form})
