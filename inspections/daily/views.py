"""Daily checks on a phone: today's list, the check form with one "all fine" tap per defence
group, submission with the stated time, the co-signature and the monthly register PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.models import Premises
from branches.permissions import require
from core.idempotency import conflict_response, idempotent, is_replay
from core.selectors import signatures_of
from core.views import client_ip
from inspections.choices import Defence
from inspections.daily import rules, selectors, services
from inspections.forms import DailySubmitForm
from inspections.messages import hazards_raised
from inspections.models import Assignment
from inspections.rules import submission_problems
from inspections.selectors import answer_rows, inspections_for
from inspections.services import inspection_start
from safetybank.heavy import heavy
from safetybank.htmx import is_htmx
from safetybank.params import month_param
from safetybank.pdf import pdf_response, render_pdf


@login_required
def today(request):
    require(request, "inspection.perform")
    rows = []
    for assignment in selectors.todays_checks(user=request.user):
        inspections = list(assignment.inspections.all())
        rows.append((assignment, inspections[-1] if inspections else None))
    return render(
        request,
        "inspections/daily/today.html",
        {"rows": rows, "cosigns": selectors.cosigns_pending(user=request.user), "today": timezone.localdate()},
    )


@login_required
@require_POST
@idempotent
def start(request, pk: int):
    assignment = get_object_or_404(
        Assignment.objects.for_user(request.user).select_related("premises__unit", "version"), pk=pk
    )
    require(request, "inspection.perform")
    try:
        inspection = inspection_start(assignment=assignment, by=request.user)
    except ValidationError as exc:
        if is_replay(request):
            return conflict_response(exc)
        messages.error(request, " ".join(exc.messages))
        return redirect("inspections:today")
    return redirect("inspections:daily_check", pk=inspection.pk)


def _form_context(inspection, rows) -> dict:
    """What the check form shows besides its answers: the groups, the co-sign note, and the earliest
    time a submission is not flagged as too fast (stated before anyone submits)."""
    earliest = rules.earliest_unflagged_submit(inspection, len(rows))
    return {
        "inspection": inspection,
        "groups": _grouped(rows),
        "needs_cosign": rules.needs_cosign(inspection),
        "items": len(rows),
        "minimum_seconds": rules.minimum_seconds(len(rows)),
        "earliest": timezone.localtime(earliest),
        # Counted down in the page from when it loads, so a phone's wrong clock does not matter.
        "seconds_left": max(0, int((earliest - timezone.now()).total_seconds())),
    }


def _grouped(rows):
    groups = []
    for value, label in Defence.choices:
        members = [row for row in rows if row[0].item.defence == value]
        if members:
            groups.append({"defence": value, "label": label, "rows": members})
    return groups


@login_required
def check(request, pk: int):
    """The daily check: the form while it is a draft, the record (and co-sign button) once submitted."""
    inspection = get_object_or_404(inspections_for(user=request.user).select_related("assignment"), pk=pk)
    require(request, "inspection.view")
    rows = answer_rows(inspection)
    context = {
        **_form_context(inspection, rows),
        "signatures": signatures_of(inspection),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "is_late": inspection.is_submitted and services.is_late(inspection),
    }
    if not inspection.is_submitted and inspection.inspector_id == request.user.pk:
        return render(request, "inspections/daily/check_form.html", context)
    context["can_cosign"] = (
        inspection.is_submitted
        and rules.needs_cosign(inspection)
        and not inspection.cosigned_at
        and request.user.pk in {p.pk for p in rules.cosigners_of(inspection)}
        and request.user.pk != inspection.inspector_id
    )
    return render(request, "inspections/daily/check_detail.html", context)


@login_required
@require_POST
@idempotent
def group_pass(request, pk: int, defence: str):
    """HTMX: the "all fine" tap of one defence group; returns the group."""
    inspection = get_object_or_404(inspections_for(user=request.user), pk=pk)
    require(request, "inspection.perform")
    if defence not in Defence.values:
        return HttpResponse(status=404)
    error, answers = "", None
    try:
        _passed, answers = services.group_pass_answers(inspection=inspection, defence=defence, by=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        if is_replay(request):
            return conflict_response(exc)
    rows = answer_rows(inspection, answers) if answers is not None else answer_rows(inspection)
    group = next(g for g in _grouped(rows) if g["defence"] == defence)
    if is_htmx(request):
        return render(
            request,
            "inspections/daily/partials/_group.html",
            {"group": group, "inspection": inspection, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("inspections:daily_check", pk=pk)


@login_required
@require_POST
@idempotent
def submit(request, pk: int):
    # The assignment's unit: the cache versions its summary bumps.
    inspection = get_object_or_404(inspections_for(user=request.user).select_related("assignment__unit"), pk=pk)
    require(request, "inspection.perform")
    form = DailySubmitForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["performed_at"].as_data())
        performed_at = form.cleaned_data["performed_at"]
        hazards = services.daily_check_submit(inspection=inspection, by=request.user, performed_at=performed_at)
    except ValidationError as exc:
        if is_replay(request):
            return conflict_response(exc)
        # The answers are saved one by one as they are given: the form comes back with all of them
        # and with the time as typed, next to every problem at once (a wrong time and unanswered items).
        problems = list(dict.fromkeys([*exc.messages, *submission_problems(inspection)]))
        rows = answer_rows(inspection)
        return render(
            request,
            "inspections/daily/check_form.html",
            {
                **_form_context(inspection, rows),
                "now": form.data.get("performed_at") or timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "submit_errors": problems,
            },
            status=400,
        )
    if hazards:
        messages.warning(request, hazards_raised(hazards))
    else:
        messages.success(request, _("Submitted. No item failed."))
    return redirect("inspections:daily_check", pk=pk)


@login_required
@require_POST
def cosign(request, pk: int):
    inspection = get_object_or_404(inspections_for(user=request.user).select_related("assignment"), pk=pk)
    require(request, "inspection.cosign")
    try:
        services.daily_check_cosign(inspection=inspection, by=request.user, ip=client_ip(request))
        messages.success(request, _("Co-signed. The check counts as done."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspections:daily_check", pk=pk)


@login_required
@heavy
def register_pdf(request, premises_pk: int):
    """The daily register (台账) of one premises for one month: what police and auditors read on paper."""
    premises = get_object_or_404(Premises.objects.for_user(request.user), pk=premises_pk)
    require(request, "inspection.view")
    month = month_param(request)
    rows = list(selectors.register_rows(user=request.user, premises=premises, month=month))
    signatures = {}
    for inspection in rows:
        signatures[inspection.pk] = list(signatures_of(inspection))
    pdf = render_pdf(
        "reports/pdf/daily_register.html",
        {
            "premises": premises,
            "month": month,
            "rows": [(i, signatures[i.pk], [a for a in i.answers.all() if a.failed]) for i in rows],
            "missed": selectors.missed_days(user=request.user, premises=premises, month=month),
            "generated_at": timezone.localtime(),
        },
        language=request.LANGUAGE_CODE,
    )
    return pdf_response(pdf, f"daily-register-{premises.code}-{month:%Y-%m}.pdf", inline=True)
