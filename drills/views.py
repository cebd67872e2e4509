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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Unit
from branches.permissions import can, log_refusal, require
from core.services import attachments_create
from drills import rules, selectors, services
from drills.choices import DrillStatus, RuleState
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
from safetybank.params import year_param
from safetybank.periods import add_months


def _page(request, queryset, size=25):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --------------------------------------------------------------------------- emergency plans


@login_required
def plan_list(request):
    require(request, "plan.view")
    plans = selectors.plans_for(user=request.user)
    kind = request.GET.get("kind", "")
    if kind:
        plans = plans.filter(kind=kind)
    flagged = {role.plan_id for role in selectors.roles_to_reassign(user=request.user)}
    return render(
        request,
        "drills/emergencyplan_list.html",
        {
            "page": _page(request, plans),
            "kind": kind,
            "flagged": flagged,
            "can_manage": can(request.user, "plan.manage"),
            "today": timezone.localdate(),
        },
    )


def _plan_form_page(request, form, plan=None):
    return render(
        request, "drills/emergencyplan_form.html", {"form": form, "object": plan}, status=400 if form.errors else 200
    )


@login_required
def plan_create(request):
    require(request, "plan.manage")
    form = EmergencyPlanForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_save(plan=form.instance, by=request.user, change_note=form.cleaned_data["change_note"])
        attachments_create(owner=plan, uploads=form.cleaned_data["documents"], by=request.user)
        messages.success(request, _("Emergency plan saved."))
        return redirect(plan)
    return _plan_form_page(request, form)


def _editable_plan(request, pk: int) -> EmergencyPlan:
    plan = get_object_or_404(selectors.plans_for(user=request.user), pk=pk)
    require(request, "plan.manage")
    if not EmergencyPlan.objects.manageable_by(request.user).filter(pk=plan.pk).exists():
        # Visible because it flows down from above, but it is the upper unit's to change.
        log_refusal(request, "plan.manage")
        raise PermissionDenied
    return plan


@login_required
def plan_update(request, pk: int):
    plan = _editable_plan(request, pk)
    form = EmergencyPlanForm(request.POST or None, request.FILES or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_save(plan=form.instance, by=request.user, change_note=form.cleaned_data["change_note"])
        attachments_create(owner=plan, uploads=form.cleaned_data["documents"], by=request.user)
        messages.success(request, _("Emergency plan revised: version %(version)s.") % {"version": plan.version})
        return redirect(plan)
    return _plan_form_page(request, form, plan)


def _plan_detail_page(request, plan, role_form=None, status=200):
    roles = list(plan.roles.select_related("holder__unit", "plan__unit"))
    can_manage = can(request.user, "plan.manage") and (
        EmergencyPlan.objects.manageable_by(request.user).filter(pk=plan.pk).exists()
    )
    return render(
        request,
        "drills/emergencyplan_detail.html",
        {
            "plan": plan,
            "roles": roles,
            "history": plan.history.select_related("history_user").order_by("-history_date")[:20],
            "can_manage": can_manage,
            "role_form": role_form or (PlanRoleForm(user=request.user, plan=plan) if can_manage else None),
            "drills": selectors.drills_for(user=request.user).filter(plan=plan)[:10],
        },
        status=status,
    )


@login_required
def plan_detail(request, pk: int):
    plan = get_object_or_404(selectors.plans_for(user=request.user), pk=pk)
    require(request, "plan.view")
    return _plan_detail_page(request, plan)


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
    return _plan_detail_page(request, plan, role_form=form, status=400)


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


@login_required
def drill_list(request):
    require(request, "drill.view")
    year = year_param(request)
    drills = selectors.drills_for(user=request.user).filter(planned_date__year=year)
    status = request.GET.get("status", "")
    if status in DrillStatus.values:
        drills = drills.filter(status=status)
    return render(
        request,
        "drills/drill_list.html",
        {
            "page": _page(request, drills),
            "year": year,
            "status": status,
            "statuses": DrillStatus.choices,
            "to_run": selectors.drills_to_run(user=request.user).prefetch_related("premises")[:10],
            "can_plan": can(request.user, "drill.plan"),
        },
    )


@login_required
def drill_create(request):
    require(request, "drill.plan")
    form = DrillPlanForm(request.POST or None, user=request.user)
    if request.method == "GET" and request.GET.get("unit"):
        form.initial["unit"] = request.GET["unit"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            drill = services.drill_plan(
                unit=data["unit"],
                premises=data["premises"],
                kind=data["kind"],
                scenario=data["scenario"],
                planned_date=data["planned_date"],
                plan=data["plan"],
                lead=data["lead"],
                unannounced=data["unannounced"],
                by=request.user,
            )
            messages.success(request, _("Drill planned."))
            return redirect(drill)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "drills/drill_form.html", {"form": form}, status=400 if form.errors else 200)


def _drill(request, pk: int) -> Drill:
    return get_object_or_404(selectors.drills_for(user=request.user), pk=pk)


def _drill_detail_page(request, drill, problem_form=None, status=200):
    can_record = can(request.user, "drill.record") and drill.status != DrillStatus.CANCELLED
    return render(
        request,
        "drills/drill_detail.html",
        {
            "drill": drill,
            "participants": drill.participants.select_related("person"),
            "problems": drill.problems.select_related("hazard", "premises"),
            "can_record": can_record,
            "can_cancel": can(request.user, "drill.plan") and drill.status == DrillStatus.PLANNED,
            "problem_form": problem_form or (DrillProblemForm(drill=drill) if can_record and drill.is_done else None),
            "cancel_form": DrillCancelForm(),
        },
        status=status,
    )


@login_required
def drill_detail(request, pk: int):
    drill = _drill(request, pk)
    require(request, "drill.view")
    return _drill_detail_page(request, drill)


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
                held_at=data["held_at"],
                duration_minutes=data["duration_minutes"],
                score=data["score"],
                evaluation=data["evaluation"],
                expected=list(candidates),
                attended=data["attended"],
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
    return _drill_detail_page(request, drill, problem_form=form, status=400)


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


@login_required
def programme(request):
    require(request, "drill.programme")
    unit, year = _programme_unit(request), year_param(request)
    today = timezone.localdate()
    visible = Drill.objects.for_user(request.user)
    sections = []
    for sub in rules.sub_branches_of(unit):
        periods = rules.evaluate(sub, year, today=today, base=visible)
        outlets: dict = {}
        for period in periods:
            if period.premises is not None:
                outlets.setdefault(period.premises, []).append(period)
        sections.append(
            {
                "unit": sub,
                "annual": [p for p in periods if p.rule == rules.RULE_ANNUAL],
                "half_years": [p for p in periods if p.rule == rules.RULE_HALF_YEAR],
                "months": [p for p in periods if p.rule == rules.RULE_MONTHLY],
                "outlets": list(outlets.items()),
                "targets": rules.targets_for(sub, year),
                "missed": sum(1 for p in periods if p.state == RuleState.MISSED),
                "at_risk": sum(1 for p in periods if p.state == RuleState.AT_RISK),
            }
        )
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return render(
        request,
        "drills/programme.html",
        {
            "unit": unit,
            "year": year,
            "units": Unit.objects.for_user(request.user).exclude(kind="department").order_by("path"),
            "sections": sections,
            "counts": selectors.drill_counts(user=request.user, unit=unit, start=start, end=end, today=today),
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


@login_required
def study_list(request):
    require(request, "study.view")
    today = timezone.localdate()
    sessions = selectors.study_sessions_for(user=request.user)
    grid = []
    if request.user.unit:
        root = request.user.unit.scope_root
        if Unit.objects.for_user(request.user).filter(pk=root.pk).exists():
            start = add_months(today, -5)  # this month and the five before
            rows: dict = {}
            for sub, month, count, complete in selectors.study_by_month(
                user=request.user, unit=root, start=start, end=today, today=today
            ):
                rows.setdefault(sub, []).append((month, count, complete))
            grid = list(rows.items())
    return render(
        request,
        "drills/studysession_list.html",
        {
            "page": _page(request, sessions),
            "grid": grid,
            "months": [m for m, _c, _x in grid[0][1]] if grid else [],
            "minimum": selectors.STUDY_PER_MONTH,
            "can_record": can(request.user, "study.record"),
        },
    )


def _study_form(request, session=None):
    form = StudySessionForm(request.POST or None, request.FILES or None, instance=session, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.study_session_save(
                session=form.instance, attendees=form.cleaned_data["attendees"], by=request.user
            )
            attachments_create(owner=session, uploads=form.cleaned_data["materials"], by=request.user)
            messages.success(request, _("Study session saved."))
            return redirect(session)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "drills/studysession_form.html",
        {"form": form, "object": session},
        status=400 if form.errors else 200,
    )


@login_required
def study_create(request):
    require(request, "study.record")
    return _study_form(request)


@login_required
def study_update(request, pk: int):
    session = get_object_or_404(StudySession.objects.for_user(request.user), pk=pk)
    require(request, "study.record")
    return _study_form(request, session)


@login_required
def study_detail(request, pk: int):
    session = get_object_or_404(selectors.study_sessions_for(user=request.user), pk=pk)
    require(request, "study.view")
    return render(
        request,
        "drills/studysession_detail.html",
        {
            "session": session,
            "attendees": session.attendees.order_by("full_name"),
            "can_record": can(request.user, "study.record"),
        },
    )
