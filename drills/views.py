"""Pages of emergency plans, drills, the annual drill programme and study sessions.

Thin: scope first (404), then post (403, logged), then one service call. Bad input is a
form error with the typed values kept, never a 500.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from branches.models import Unit
from branches.permissions import can, log_refusal, require
from branches.scoping import scope_fingerprint
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView
from core.services import attachments_create
from drills import rules, selectors, services
from drills.choices import DrillStatus
from drills.filters import DrillFilter, EmergencyPlanFilter, StudySessionFilter
from drills.forms import (
    AnnualPlanForm,
    DrillCancelForm,
    DrillPlanForm,
    DrillProblemForm,
    DrillRecordForm,
    EmergencyPlanForm,
    PlanRoleForm,
    StudySessionForm,
)
from drills.models import AnnualDrillPlan, Drill, EmergencyPlan, PlanRole, StudySession
from drills.tables import DrillTable, EmergencyPlanTable, StudySessionTable
from safetybank import cacheversions
from safetybank.params import year_param
from safetybank.periods import add_months

# --------------------------------------------------------------------------- emergency plans


class PlanListView(ObjectListView):
    selector = selectors.plans_for
    subject = "plan"
    table_class = EmergencyPlanTable
    filterset_class = EmergencyPlanFilter

    def get_extra_context(self):
        flagged = {role.plan_id for role in selectors.roles_to_reassign(user=self.request.user)}
        return {"flagged": flagged, "today": timezone.localdate()}


class PlanEditView(ObjectEditView):
    """A new plan, or a revision of one the user's unit manages (one flowing down from above is 403)."""

    model = EmergencyPlan
    subject = "plan"
    form_class = EmergencyPlanForm
    selector = selectors.plans_for

    def check_action(self, request, action):
        super().check_action(request, action)
        plan = getattr(self, "object", None)
        if plan is not None and not _manageable(request, plan):
            # Visible because it flows down from above, but it is the upper unit's to change.
            log_refusal(request, action)
            raise PermissionDenied

    def save(self, form):
        plan = services.plan_save(
            plan=form.instance, by=self.request.user, change_note=form.cleaned_data["change_note"]
        )
        attachments_create(owner=plan, uploads=form.cleaned_data["documents"], by=self.request.user)
        return plan

    def get_success_message(self):
        if self.pk_url_kwarg in self.kwargs:
            return _("Emergency plan revised: version %(version)s.") % {"version": self.object.version}
        return _("Emergency plan saved.")


def _manageable(request, plan: EmergencyPlan) -> bool:
    return EmergencyPlan.objects.manageable_by(request.user).filter(pk=plan.pk).exists()


def _editable_plan(request, pk: int) -> EmergencyPlan:
    plan = get_object_or_404(selectors.plans_for(user=request.user), pk=pk)
    require(request, "plan.manage")
    if not _manageable(request, plan):
        log_refusal(request, "plan.manage")
        raise PermissionDenied
    return plan


def _plan_context(request, plan, role_form=None) -> dict:
    can_manage = can(request.user, "plan.manage") and _manageable(request, plan)
    return {
        "plan": plan,
        "roles": list(plan.roles.select_related("holder__unit", "plan__unit")),
        "history": plan.history.select_related("history_user").order_by("-history_date")[:20],
        "can_manage": can_manage,
        "role_form": role_form or (PlanRoleForm(user=request.user, plan=plan) if can_manage else None),
        "drills": selectors.drills_for(user=request.user).filter(plan=plan)[:10],
    }


class PlanDetailView(ObjectDetailView):
    selector = selectors.plans_for
    subject = "plan"

    def get_extra_context(self):
        return _plan_context(self.request, self.object)


@login_required
@require_POST
def plan_role_add(request, pk: int):
    plan = _editable_plan(request, pk)
    form = PlanRoleForm(request.POST, user=request.user, plan=plan)
    if form.is_valid():
        try:
            services.plan_role_assign(plan=plan, **form.cleaned_data)
            messages.success(request, _("Role assigned."))
            return redirect(plan)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "drills/emergencyplan_detail.html", _plan_context(request, plan, role_form=form), status=400)


def _role(request, pk: int) -> PlanRole:
    role = get_object_or_404(PlanRole.objects.for_user(request.user).select_related("plan__unit", "holder"), pk=pk)
    require(request, "plan.manage")
    return role


@login_required
def plan_role_edit(request, pk: int):
    role = _role(request, pk)
    initial = {"period": role.period, "role": role.role, "duties": role.duties}
    if role.holder.is_active:
        initial["holder"] = role.holder
    form = PlanRoleForm(request.POST or None, user=request.user, plan=role.plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_role_assign(plan=role.plan, instance=role, **form.cleaned_data)
            messages.success(request, _("Role reassigned."))
            return redirect(role.plan)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "drills/planrole_form.html",
        {"form": form, "role": role},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def plan_role_delete(request, pk: int):
    role = _role(request, pk)
    plan = role.plan
    services.plan_role_remove(role=role)
    messages.success(request, _("Role removed."))
    return redirect(plan)


# --------------------------------------------------------------------------- drills


class DrillListView(ObjectListView):
    """One year at a time: this year unless another is asked for."""

    selector = selectors.drills_for
    action = "drill.view"
    manage_action = "drill.plan"
    table_class = DrillTable
    filterset_class = DrillFilter

    def get_filter_data(self):
        return {"year": year_param(self.request)}

    def get_extra_context(self):
        to_run = selectors.drills_to_run(user=self.request.user).prefetch_related("premises")[:10]
        return {"to_run": to_run}


class DrillCreateView(ObjectEditView):
    model = Drill
    action = "drill.plan"
    form_class = DrillPlanForm
    success_message = gettext_lazy("Drill planned.")

    def get_initial(self):
        return {**super().get_initial(), **({"unit": self.request.GET["unit"]} if self.request.GET.get("unit") else {})}

    def save(self, form):
        fields = ("unit", "premises", "kind", "scenario", "planned_date", "plan", "lead", "unannounced")
        return services.drill_plan(by=self.request.user, **form.values(*fields))


def _drill(request, pk: int) -> Drill:
    return get_object_or_404(selectors.drills_for(user=request.user), pk=pk)


def _drill_context(request, drill, problem_form=None) -> dict:
    can_record = can(request.user, "drill.record") and drill.status != DrillStatus.CANCELLED
    return {
        "drill": drill,
        "participants": drill.participants.select_related("person"),
        "problems": drill.problems.select_related("hazard", "premises"),
        "can_record": can_record,
        "can_cancel": can(request.user, "drill.plan") and drill.status == DrillStatus.PLANNED,
        "problem_form": problem_form or (DrillProblemForm(drill=drill) if can_record and drill.is_done else None),
        "cancel_form": DrillCancelForm(),
    }


class DrillDetailView(ObjectDetailView):
    selector = selectors.drills_for
    action = "drill.view"

    def get_extra_context(self):
        return _drill_context(self.request, self.object)


@login_required
def drill_record(request, pk: int):
    drill = _drill(request, pk)
    require(request, "drill.record")
    candidates = services.drill_candidates(drill)
    if drill.is_done:
        local = timezone.localtime(drill.held_at)
        initial = {
            "held_on": local.date(),
            "held_time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": drill.duration_minutes,
            "score": drill.score,
            "evaluation": drill.evaluation,
            "attended": [p.person_id for p in drill.participants.filter(attended=True)],
        }
    else:
        now = timezone.localtime()
        if drill.planned_date < now.date():
            held_on, held_time = drill.planned_date, datetime.time(16, 0)
        else:
            held_on, held_time = now.date(), now.time().replace(second=0, microsecond=0)
        initial = {"held_on": held_on, "held_time": held_time, "attended": list(candidates)}
    form = DrillRecordForm(request.POST or None, request.FILES or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.drill_record(
                drill=drill,
                by=request.user,
                expected=list(candidates),
                **form.values("held_at", "duration_minutes", "score", "evaluation", "attended"),
            )
            attachments_create(owner=drill, uploads=data["photos"], by=request.user)
            messages.success(request, _("Drill recorded."))
            return redirect(drill)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request, "drills/drill_record.html", {"form": form, "drill": drill}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def drill_problem_add(request, pk: int):
    drill = _drill(request, pk)
    require(request, "drill.record")
    form = DrillProblemForm(request.POST, drill=drill)
    if form.is_valid():
        try:
            problem = services.drill_problem_add(drill=drill, by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Problem recorded as hidden danger #%(number)s.") % {"number": problem.hazard_id}
            )
            return redirect(drill)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "drills/drill_detail.html", _drill_context(request, drill, problem_form=form), status=400)


@login_required
@require_POST
def drill_cancel(request, pk: int):
    drill = _drill(request, pk)
    require(request, "drill.plan")
    form = DrillCancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the drill is cancelled."))
        services.drill_cancel(drill=drill, reason=form.cleaned_data["reason"])
        messages.success(request, _("Drill cancelled."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(drill)


# --------------------------------------------------------------------------- the annual programme


def _programme_unit(request) -> Unit:
    units = Unit.objects.for_user(request.user).exclude(kind="department")
    if request.GET.get("unit"):
        if not request.GET["unit"].isdigit():
            raise Http404
        return get_object_or_404(units, pk=request.GET["unit"])
    own = request.user.unit.scope_root if request.user.unit else None
    if own is not None and units.filter(pk=own.pk).exists():
        return own
    unit = units.order_by("depth", "path").first()
    if unit is None:
        raise Http404
    return unit


PROGRAMME_SECTIONS_PER_PAGE = 20


@login_required
def programme(request):
    """Rolled up by unit: head office sees a row per branch, opens one (``?unit=``) to see its sub-branches."""
    require(request, "drill.programme")
    unit, year = _programme_unit(request), year_param(request)
    user, today = request.user, timezone.localdate()
    overview = cacheversions.cached(  # bumped by every saved drill, plan, study session and unit
        ("drill-programme", scope_fingerprint(user), unit.pk, year, today),
        [],
        lambda: selectors.programme(user=user, unit=unit, year=year, today=today),
    )
    sections = Paginator(overview.sections, PROGRAMME_SECTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "drills/programme.html",
        {
            "unit": unit,
            "year": year,
            "programme": overview,
            "rows": overview.rows,
            "sections": sections,
            "pager_query": urlencode({"unit": unit.pk, "year": year}),
            "counts": overview.counts,
            "can_plan": can(request.user, "drill.plan"),
            "rule_labels": rules.RULE_LABELS,
        },
    )


@login_required
def programme_targets(request, unit_pk: int, year: int):
    unit = get_object_or_404(Unit.objects.for_user(request.user).exclude(kind="department"), pk=unit_pk)
    require(request, "drill.plan")
    current = AnnualDrillPlan.objects.filter(unit=unit, year=year).first()
    defaults = rules.targets_for(unit, year)
    form = AnnualPlanForm(
        request.POST or None,
        initial={
            "drills_per_month": defaults.drills_per_month,
            "outlet_drills_per_quarter": defaults.outlet_drills_per_quarter,
            "note": current.note if current else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        services.annual_plan_save(unit=unit, year=year, **form.cleaned_data)
        messages.success(request, _("Drill plan targets saved."))
        return redirect(f"{reverse('drills:programme')}?unit={unit.pk}&year={year}")
    return render(
        request,
        "drills/annualplan_form.html",
        {"form": form, "unit": unit, "year": year},
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- study sessions


class StudyListView(ObjectListView):
    """The sessions, and above them the months of each sub-branch below the minimum."""

    selector = selectors.study_sessions_for
    action = "study.view"
    manage_action = "study.record"
    table_class = StudySessionTable
    filterset_class = StudySessionFilter

    def get_extra_context(self):
        grid = _study_grid(self.request.user)
        return {
            "grid": grid,
            "months": [m for m, _c, _x in grid[0][1]] if grid else [],
            "minimum": selectors.STUDY_PER_MONTH,
        }


def _study_grid(user) -> list:
    """(sub-branch, [(month, sessions, month complete)]) for the last months of the user's own scope."""
    if not user.unit:
        return []
    root = user.unit.scope_root
    if not Unit.objects.for_user(user).filter(pk=root.pk).exists():
        return []
    today = timezone.localdate()
    start = add_months(today, -5).replace(day=1)  # this month and the five before
    rows: dict = {}
    for sub, month, count, complete in selectors.study_by_month(
        user=user, unit=root, start=start, end=today, today=today
    ):
        rows.setdefault(sub, []).append((month, count, complete))
    return list(rows.items())


class StudyEditView(ObjectEditView):
    model = StudySession
    action = "study.record"
    form_class = StudySessionForm
    success_message = gettext_lazy("Study session saved.")

    def save(self, form):
        session = services.study_session_save(
            session=form.instance, attendees=form.cleaned_data["attendees"], by=self.request.user
        )
        attachments_create(owner=session, uploads=form.cleaned_data["materials"], by=self.request.user)
        return session


class StudyDetailView(ObjectDetailView):
    selector = selectors.study_sessions_for
    action = "study.view"
    context_object_name = "session"

    def get_extra_context(self):
        return {
            "attendees": self.object.attendees.order_by("full_name"),
            "can_record": self.can("study.record"),
        }
