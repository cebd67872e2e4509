"""Inspection pages: my inspections, answering (HTMX, saved per answer), submitting, the
confirmation letter and its acknowledgement, corrections, checklists, rules and the
compliance grid. Thin: scope first (404), then post (403), then one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from branches.permissions import can, log_refusal, require
from core.forms import AttachmentField
from core.idempotency import conflict_response, idempotent, is_replay
from core.selectors import attachments_of, signatures_of
from core.services import attachments_create
from core.views import client_ip
from inspections import selectors, services
from inspections.choices import Level
from inspections.forms import (
    AcknowledgeForm,
    ChecklistItemFormSet,
    ChecklistTemplateForm,
    CorrectionForm,
    RuleForm,
    UnannouncedForm,
)
from inspections.models import Answer, Assignment, ChecklistTemplate, ChecklistVersion, FrequencyRule, Inspection
from inspections.rules import may_correct
from safetybank.forms import clean_text, strip_controls
from safetybank.params import month_param
from safetybank.pdf import pdf_response, render_pdf
from safetybank.periods import month_start, next_month, previous_month


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
def my_inspections(request):
    require(request, "inspection.perform")
    form = UnannouncedForm(user=request.user)
    return render(
        request,
        "inspections/assignment_list.html",
        {
            "assignments": selectors.open_assignments_for(user=request.user),
            "drafts": selectors.inspections_for(user=request.user).filter(inspector=request.user, status="draft"),
            "form": form,
        },
    )


@login_required
@require_POST
def inspection_unannounced(request):
    require(request, "inspection.perform")
    form = UnannouncedForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            inspection = services.inspection_start_unannounced(
                premises=form.cleaned_data["premises"],
                level=form.cleaned_data["level"],
                template=form.cleaned_data["template"],
                by=request.user,
            )
            return redirect("inspections:inspection_form", pk=inspection.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "inspections/assignment_list.html",
        {"assignments": selectors.open_assignments_for(user=request.user), "form": form, "drafts": []},
        status=400,
    )


@login_required
def assignment_detail(request, pk: int):
    assignment = get_object_or_404(
        Assignment.objects.for_user(request.user).select_related("version__template", "premises", "unit"), pk=pk
    )
    require(request, "inspection.view")
    if request.method == "POST":
        require(request, "inspection.perform")
        premises = None
        if request.POST.get("premises"):
            from branches.models import Premises

            raw = request.POST["premises"]
            # A hand-made id that is not a number is no premises, not a crash.
            premises = Premises.objects.for_user(request.user).filter(pk=raw).first() if raw.isdigit() else None
        try:
            inspection = services.inspection_start(assignment=assignment, by=request.user, premises=premises)
            return redirect("inspections:inspection_form", pk=inspection.pk)
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
    from branches.models import Premises

    return render(
        request,
        "inspections/assignment_detail.html",
        {
            "assignment": assignment,
            "inspections": assignment.inspections.select_related("inspector"),
            "choices": Premises.objects.for_user(request.user).filter(unit__path__startswith=assignment.unit.path)
            if assignment.premises_id is None
            else [],
        },
    )


def _inspection(request, pk: int) -> Inspection:
    return get_object_or_404(
        selectors.inspections_for(user=request.user).select_related("version__template", "unit", "assignment"), pk=pk
    )


@login_required
def inspection_form(request, pk: int):
    inspection = _inspection(request, pk)
    require(request, "inspection.perform")
    if inspection.is_submitted:
        return redirect(inspection.get_absolute_url())
    if inspection.inspector_id != request.user.pk:
        log_refusal(request, "inspection.answer")
        raise PermissionDenied
    return render(
        request,
        "inspections/inspection_form.html",
        {"inspection": inspection, "rows": selectors.answer_rows(inspection)},
    )


@login_required
@require_POST
@idempotent
def answer_save(request, pk: int):
    """HTMX: save one answer the moment it is given; returns the item's row."""
    answer = get_object_or_404(Answer.objects.for_user(request.user).select_related("item", "inspection"), pk=pk)
    require(request, "inspection.perform")
    error = ""
    try:
        services.answer_save(
            answer=answer,
            by=request.user,
            result=request.POST.get("result", answer.result),
            number=request.POST.get("number", answer.number),
            text=request.POST.get("text", answer.text),
            note=request.POST.get("note", answer.note),
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
        if is_replay(request):
            return conflict_response(exc)
    upload_error = ""
    if request.FILES.getlist("photos") and not error:
        field = AttachmentField(multiple=True, required=False)
        try:
            uploads = field.clean(request.FILES.getlist("photos"))
            attachments_create(owner=answer, uploads=uploads, by=request.user)
        except ValidationError as exc:
            upload_error = " ".join(exc.messages)
            if is_replay(request):
                return conflict_response(exc)
    answer.refresh_from_db()
    if error:
        # Not saved: show what was typed next to the message, so it can be shortened rather than retyped.
        answer.text = strip_controls(request.POST.get("text", answer.text))
        answer.note = strip_controls(request.POST.get("note", answer.note))
    photos = list(attachments_of(answer))
    context = {"answer": answer, "photos": photos, "error": error or upload_error, "inspection": answer.inspection}
    if request.htmx:
        return render(request, "inspections/partials/_answer_row.html", context, status=200)
    if error or upload_error:
        messages.error(request, error or upload_error)
    return redirect("inspections:inspection_form", pk=answer.inspection_id)


@login_required
@require_POST
def inspection_submit(request, pk: int):
    inspection = _inspection(request, pk)
    require(request, "inspection.perform")
    try:
        hazards = services.inspection_submit(inspection=inspection, by=request.user)
    except ValidationError as exc:
        return render(
            request,
            "inspections/inspection_form.html",
            {"inspection": inspection, "rows": selectors.answer_rows(inspection), "submit_errors": _errors(exc)},
            status=400,
        )
    if hazards:
        messages.warning(request, _("Submitted. %(n)s hidden dangers were raised.") % {"n": len(hazards)})
    else:
        messages.success(request, _("Submitted. No item failed."))
    return redirect(inspection.get_absolute_url())


@login_required
def inspection_detail(request, pk: int):
    inspection = _inspection(request, pk)
    require(request, "inspection.view")
    ack_form = AcknowledgeForm()
    if request.method == "POST" and "acknowledge" in request.POST:
        require(request, "inspection.acknowledge")
        ack_form = AcknowledgeForm(request.POST)
        if ack_form.is_valid():
            try:
                services.inspection_acknowledge(
                    inspection=inspection,
                    by=request.user,
                    ip=client_ip(request),
                    objection=ack_form.cleaned_data["objection"],
                )
                messages.success(request, _("The inspection facts are acknowledged."))
                return redirect(inspection.get_absolute_url())
            except ValidationError as exc:
                ack_form.add_error(None, exc)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": selectors.answer_rows(inspection),
            "hazards": inspection.hazards.all(),
            "signatures": signatures_of(inspection),
            "ack_form": ack_form,
            "correct_form": CorrectionForm(),
            "can_correct": inspection.is_submitted
            and can(request.user, "inspection.perform")
            and may_correct(request.user, inspection),
            "can_acknowledge": can(request.user, "inspection.acknowledge"),
            "corrections": inspection.corrections.all(),
        },
    )


@login_required
@require_POST
def inspection_correct(request, pk: int):
    inspection = _inspection(request, pk)
    require(request, "inspection.perform")
    if not may_correct(request.user, inspection):
        log_refusal(request, "inspection.correct")
        raise PermissionDenied
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            correction = services.inspection_correct(
                inspection=inspection, by=request.user, reason=form.cleaned_data["reason"]
            )
            return redirect("inspections:inspection_form", pk=correction.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Say why the inspection is corrected."))
    return redirect(inspection.get_absolute_url())


@login_required
def confirmation_letter(request, pk: int):
    """The confirmation letter of inspection facts (检查事实确认书) as a PDF."""
    inspection = _inspection(request, pk)
    require(request, "inspection.view")
    if not inspection.is_submitted:
        messages.error(request, _("The letter exists once the inspection is submitted."))
        return redirect("inspections:inspection_form", pk=inspection.pk)
    pdf = render_pdf(
        "reports/pdf/confirmation_letter.html",
        {
            "inspection": inspection,
            "failed": [row for row in selectors.answer_rows(inspection) if row[0].failed],
            "signatures": signatures_of(inspection),
            "facts": services.inspection_facts(inspection),
        },
        language=request.LANGUAGE_CODE,
    )
    return pdf_response(pdf, f"confirmation-{inspection.pk}.pdf", inline=True)


@login_required
def checklist_list(request):
    require(request, "checklist.view")
    return render(
        request,
        "inspections/checklist_list.html",
        {"templates": selectors.templates_for(user=request.user), "can_manage": can(request.user, "checklist.manage")},
    )


@login_required
def checklist_detail(request, pk: int):
    template = get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)
    require(request, "checklist.view")
    version = template.current_version
    return render(
        request,
        "inspections/checklist_detail.html",
        {
            "template": template,
            "version": version,
            "items": version.items.all() if version else [],
            "versions": template.versions.order_by("-number"),
            "can_manage": can(request.user, "checklist.manage")
            and ChecklistTemplate.objects.for_user(request.user).filter(pk=pk).exists(),
        },
    )


@login_required
def checklist_create(request):
    """A unit's own checklist: owned by the unit the person works for, seen by everyone below it."""
    require(request, "checklist.manage")
    form = ChecklistTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        owner = request.user.unit.scope_root if request.user.unit else None
        if owner is None:
            form.add_error(None, _("Your account belongs to no unit; ask an administrator."))
        else:
            try:
                template = services.checklist_create(owner_unit=owner, by=request.user, **form.cleaned_data)
                messages.success(request, _("Created. Now add its check items."))
                return redirect("inspections:checklist_edit", pk=template.pk)
            except ValidationError as exc:
                form.add_error("code", exc)
    return render(request, "inspections/checklist_create.html", {"form": form})


@login_required
def checklist_edit(request, pk: int):
    # Only a checklist owned inside one's own subtree is editable (a branch never edits head office's).
    template = get_object_or_404(ChecklistTemplate.objects.for_user(request.user), pk=pk)
    require(request, "checklist.manage")
    version = template.current_version
    initial = [
        {
            f: getattr(item, f)
            for f in ("code", "defence", "text", "text_en", "guidance", "answer_type", "photo_on_fail")
        }
        for item in (version.items.all() if version else [])
    ]
    formset = ChecklistItemFormSet(request.POST or None, initial=initial)
    note = request.POST.get("note", "")
    if request.method == "POST" and formset.is_valid():
        items = [f.cleaned_data for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        for item in items:
            item.pop("DELETE", None)
        try:
            note = clean_text(note, limit=ChecklistVersion.note.field.max_length, label=_("What changed"))
            new_version = services.checklist_revise(template=template, items=items, by=request.user, note=note)
            messages.success(request, _("Saved as version %(n)s.") % {"n": new_version.number})
            return redirect(template.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "inspections/checklist_edit.html", {"template": template, "formset": formset, "note": note})


@login_required
def rule_list(request):
    require(request, "checklist.view")
    today = month_start(timezone.localdate())
    rules = FrequencyRule.objects.visible_to(request.user).valid_in(today).select_related("template")
    return render(
        request, "inspections/rule_list.html", {"rules": rules, "can_manage": can(request.user, "rule.manage")}
    )


@login_required
def rule_edit(request, pk: int):
    rule = get_object_or_404(FrequencyRule.objects.for_user(request.user), pk=pk)
    require(request, "rule.manage")
    form = RuleForm(request.POST or None, instance=FrequencyRule.objects.get(pk=pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            successor = services.rule_change(rule=rule, changes=changes, by=request.user)
            messages.success(
                request, _("The change applies from %(month)s.") % {"month": successor.valid_from.strftime("%Y-%m")}
            )
            return redirect("inspections:rule_list")
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "inspections/rule_form.html", {"rule": rule, "form": form})


@login_required
def compliance(request):
    require(request, "compliance.view")
    month = month_param(request)
    grid = selectors.compliance_grid(user=request.user, month=month)
    previous, following = previous_month(month), next_month(month)
    return render(
        request,
        "inspections/compliance.html",
        {"grid": grid, "month": month, "previous": previous, "following": following},
    )


@login_required
def compliance_cell(request, premises_pk: int, level: str):
    """Drill-down: the assignments behind one cell of the grid."""
    from branches.models import Premises

    premises = get_object_or_404(Premises.objects.for_user(request.user), pk=premises_pk)
    require(request, "compliance.view")
    if level not in Level.values:
        return HttpResponse(status=404)
    month = month_param(request)
    from django.db.models import Q

    assignments = (
        Assignment.objects.for_user(request.user)
        .filter(level=level, cycle__month=month_start(month))
        .filter(Q(premises=premises) | Q(premises__isnull=True, unit=premises.unit))
        .select_related("assignee", "version__template")
        .prefetch_related("inspections")
    )
    return render(
        request,
        "inspections/compliance_cell.html",
        {"premises": premises, "level": Level(level), "assignments": assignments, "month": month},
    )
