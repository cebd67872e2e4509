"""Inspection pages: my inspections, answering (HTMX, saved per answer), submitting, the
confirmation letter and its acknowledgement, corrections, checklists, rules and the
compliance grid. Thin: scope first (404), then post (403), then one service call."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from branches.models import Premises
from branches.permissions import log_refusal, require
from branches.scoping import scope_fingerprint
from branches.viewmixins import ObjectDetailView, ObjectEditView, ObjectListView, ObjectPageView
from core.forms import AttachmentField
from core.idempotency import conflict_response, idempotent, is_replay
from core.selectors import attachments_of, signatures_of
from core.services import attachments_create
from core.views import client_ip
from inspections import selectors, services
from inspections.choices import Level
from inspections.filters import ChecklistFilter, RuleFilter
from inspections.forms import (
    AcknowledgeForm,
    ChecklistItemFormSet,
    ChecklistTemplateForm,
    CorrectionForm,
    RuleForm,
    UnannouncedForm,
)
from inspections.messages import hazards_raised
from inspections.models import Answer, ChecklistTemplate, ChecklistVersion, FrequencyRule, Inspection
from inspections.rules import may_correct
from inspections.tables import ChecklistTable, RuleTable
from safetybank import cacheversions
from safetybank.forms import clean_text, strip_controls
from safetybank.heavy import heavy
from safetybank.htmx import is_htmx
from safetybank.params import month_param
from safetybank.pdf import pdf_response, render_pdf
from safetybank.periods import next_month, previous_month

# --------------------------------------------------------------------------- assignments and inspections

COMPLIANCE_ROWS_PER_PAGE = 50


def _my_inspections(request, form, drafts) -> dict:
    overdue_only = request.GET.get("status") == "overdue"  # the overdue digest's link
    assignments = selectors.open_assignments_for(user=request.user, overdue_only=overdue_only)
    return {"assignments": assignments, "overdue_only": overdue_only, "drafts": drafts, "form": form}


class MyInspectionsView(ObjectPageView):
    action = "inspection.perform"
    template_name = "inspections/assignment_list.html"

    def get_extra_context(self):
        user = self.request.user
        drafts = selectors.inspections_for(user=user).filter(inspector=user, status="draft")
        form = UnannouncedForm(user=user)
        return _my_inspections(self.request, form, drafts)


@login_required
@require_POST
def inspection_unannounced(request):
    require(request, "inspection.perform")
    form = UnannouncedForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            inspection = services.inspection_start_unannounced(**form.cleaned_data, by=request.user)
            return redirect("inspections:inspection_form", pk=inspection.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "inspections/assignment_list.html", _my_inspections(request, form, []), status=400)


class AssignmentDetailView(ObjectDetailView):
    """An assignment; POST starts its inspection (at the premises chosen, when the assignment names none)."""

    selector = selectors.assignments_for
    action = "inspection.view"
    template_name = "inspections/assignment_detail.html"
    context_object_name = "assignment"

    def post(self, request, *args, **kwargs):
        require(request, "inspection.perform")
        raw = request.POST.get("premises", "")
        # A hand-made id that is not a number is no premises, not a crash.
        premises = Premises.objects.for_user(request.user).filter(pk=raw).first() if raw.isdigit() else None
        try:
            inspection = services.inspection_start(assignment=self.object, by=request.user, premises=premises)
            return redirect("inspections:inspection_form", pk=inspection.pk)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return self.get(request, *args, **kwargs)

    def get_extra_context(self):
        assignment = self.object
        choices = (
            Premises.objects.for_user(self.request.user).filter(unit__path__startswith=assignment.unit.path)
            if assignment.premises_id is None
            else []
        )
        return {
            "inspections": assignment.inspections.select_related("inspector"),
            "choices": choices,
        }


def inspections_in_scope(*, user):
    return selectors.inspections_for(user=user).select_related("version__template", "unit", "assignment")


def _inspection(request, pk: int) -> Inspection:
    return get_object_or_404(inspections_in_scope(user=request.user), pk=pk)


def _form_context(inspection, **extra) -> dict:
    return {"inspection": inspection, "rows": selectors.answer_rows(inspection), **extra}


class InspectionFormView(ObjectDetailView):
    """The answering page, only for its inspector while it is a draft (a submitted one shows its result)."""

    selector = inspections_in_scope
    action = "inspection.perform"
    template_name = "inspections/inspection_form.html"
    context_object_name = "inspection"

    def get(self, request, *args, **kwargs):
        if self.object.is_submitted:
            return redirect(self.object.get_absolute_url())
        if self.object.inspector_id != request.user.pk:
            log_refusal(request, "inspection.answer")
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_extra_context(self):
        return _form_context(self.object)


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
    if is_htmx(request):
        photos = list(attachments_of(answer))
        context = {"answer": answer, "photos": photos, "error": error or upload_error, "inspection": answer.inspection}
        return render(request, "inspections/partials/_answer_row.html", context)
    if error or upload_error:  # without HTMX the whole answering page is the answer
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
        context = _form_context(inspection, submit_errors=list(exc.messages))
        return render(request, "inspections/inspection_form.html", context, status=400)
    if hazards:
        messages.warning(request, hazards_raised(hazards))
    else:
        messages.success(request, _("Submitted. No item failed."))
    return redirect(inspection.get_absolute_url())


class InspectionDetailView(ObjectDetailView):
    """The result of an inspection; POST ``acknowledge`` is the outlet's acknowledgement of its facts."""

    selector = inspections_in_scope
    action = "inspection.view"
    context_object_name = "inspection"

    def post(self, request, *args, **kwargs):
        if "acknowledge" not in request.POST:
            return self.get(request, *args, **kwargs)
        require(request, "inspection.acknowledge")
        form = AcknowledgeForm(request.POST)
        if form.is_valid():
            try:
                services.inspection_acknowledge(
                    inspection=self.object, by=request.user, ip=client_ip(request), **form.cleaned_data
                )
                messages.success(request, _("The inspection facts are acknowledged."))
                return redirect(self.object.get_absolute_url())
            except ValidationError as exc:
                form.add_error(None, exc)
        return self.render_to_response(self.get_context_data(ack_form=form))

    def get_extra_context(self):
        inspection, user = self.object, self.request.user
        return {
            "ack_form": AcknowledgeForm(),
            **_form_context(inspection),
            "hazards": inspection.hazards.all(),
            "signatures": signatures_of(inspection),
            "correct_form": CorrectionForm(),
            "can_correct": inspection.is_submitted and self.can("inspection.perform") and may_correct(user, inspection),
            "can_acknowledge": self.can("inspection.acknowledge"),
            "corrections": inspection.corrections.all(),
        }


@login_required
@require_POST
def inspection_correct(request, pk: int):
    inspection = _inspection(request, pk)
    require(request, "inspection.perform")
    if not may_correct(request.user, inspection):
        log_refusal(request, "inspection.correct")
        raise PermissionDenied
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the inspection is corrected."))
        return redirect(inspection.get_absolute_url())
    try:
        correction = services.inspection_correct(inspection=inspection, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(inspection.get_absolute_url())
    return redirect("inspections:inspection_form", pk=correction.pk)


@login_required
@heavy
def confirmation_letter(request, pk: int):
    """The confirmation letter of inspection facts (检查事实确认书) as a PDF."""
    inspection = _inspection(request, pk)
    require(request, "inspection.view")
    if not inspection.is_submitted:
        messages.error(request, _("The letter exists once the inspection is submitted."))
        return redirect("inspections:inspection_form", pk=inspection.pk)
    context = {
        "inspection": inspection,
        "failed": [row for row in selectors.answer_rows(inspection) if row[0].failed],
        "signatures": signatures_of(inspection),
        "facts": services.inspection_facts(inspection),
    }
    pdf = render_pdf("reports/pdf/confirmation_letter.html", context, language=request.LANGUAGE_CODE)
    return pdf_response(pdf, f"confirmation-{inspection.pk}.pdf", inline=True)


# --------------------------------------------------------------------------- checklists and rules


class ChecklistListView(ObjectListView):
    selector = selectors.templates_for
    subject = "checklist"
    table_class = ChecklistTable
    filterset_class = ChecklistFilter


class ChecklistDetailView(ObjectDetailView):
    model = ChecklistTemplate
    scope_method = "visible_to"  # head office's standard checklists are seen by everyone below
    action = "checklist.view"
    context_object_name = "template"

    def get_extra_context(self):
        template = self.object
        version = template.current_version
        # Only a checklist owned inside one's own subtree is editable (a branch never edits head office's).
        own = ChecklistTemplate.objects.for_user(self.request.user).filter(pk=template.pk).exists()
        return {
            "version": version,
            "items": version.items.all() if version else [],
            "versions": template.versions.order_by("-number"),
            "can_manage": self.can("checklist.manage") and own,
        }


class ChecklistCreateView(ObjectEditView):
    """A unit's own checklist: owned by the unit the person works for, seen by everyone below it."""

    model = ChecklistTemplate
    subject = "checklist"
    form_class = ChecklistTemplateForm
    template_name = "inspections/checklist_create.html"
    success_message = gettext_lazy("Created. Now add its check items.")

    def save(self, form):
        user = self.request.user
        owner = user.unit.scope_root if user.unit else None
        if owner is None:
            raise ValidationError(_("Your account belongs to no unit; ask an administrator."))
        try:
            return services.checklist_create(owner_unit=owner, by=user, **form.cleaned_data)
        except ValidationError as exc:
            raise ValidationError({"code": exc.messages}) from exc

    def get_success_url(self):
        return reverse("inspections:checklist_edit", args=[self.object.pk])


class ChecklistEditView(ObjectDetailView):
    """The next version of a checklist: its rows (a formset, so not an ``ObjectEditView``) and a note.

    Only a checklist owned inside one's own subtree is editable (``for_user``: a branch never edits head office's).
    """

    model = ChecklistTemplate
    action = "checklist.manage"
    template_name = "inspections/checklist_edit.html"
    context_object_name = "template"
    item_fields = ("code", "defence", "text", "text_en", "guidance", "answer_type", "photo_on_fail")

    def get_formset(self, data=None):
        version = self.object.current_version
        items = version.items.all() if version else []
        return ChecklistItemFormSet(data, initial=[{f: getattr(item, f) for f in self.item_fields} for item in items])

    def get_context_data(self, **kwargs):
        if "formset" not in kwargs:  # a first look: the rows of the current version
            kwargs.update(formset=self.get_formset(), note="")
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        formset = self.get_formset(request.POST)
        note = request.POST.get("note", "")
        valid = formset.is_valid()  # the note is checked with the rows, so every error shows at once
        try:
            note = clean_text(note, limit=ChecklistVersion.note.field.max_length, label=_("What changed"))
            if valid:
                items = [f.cleaned_data for f in formset if f.cleaned_data and not f.cleaned_data.get("DELETE")]
                for item in items:
                    item.pop("DELETE", None)
                version = services.checklist_revise(template=self.object, items=items, by=request.user, note=note)
                messages.success(request, _("Saved as version %(n)s.") % {"n": version.number})
                return redirect(self.object.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return self.render_to_response(self.get_context_data(formset=formset, note=note))


class RuleListView(ObjectListView):
    selector = selectors.rules_for
    action = "checklist.view"
    manage_action = "rule.manage"
    table_class = RuleTable
    filterset_class = RuleFilter


class RuleEditView(ObjectEditView):
    """A change of a rule applies from the next cycle: the service ends the current row and starts a successor."""

    model = FrequencyRule
    subject = "rule"
    form_class = RuleForm
    template_name = "inspections/rule_form.html"
    context_object_name = "rule"
    invalid_status = 200

    def get_form_kwargs(self):
        # The form edits a copy: the service compares the rule in force with the changes asked for.
        return {**super().get_form_kwargs(), "instance": FrequencyRule.objects.get(pk=self.object.pk)}

    def save(self, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.rule_change(rule=self.object, changes=changes, by=self.request.user)

    def get_success_message(self):
        return _("The change applies from %(month)s.") % {"month": self.object.valid_from.strftime("%Y-%m")}

    def get_success_url(self):
        return reverse("inspections:rule_list")


# --------------------------------------------------------------------------- compliance


class ComplianceView(ObjectPageView):
    """Rolled up by unit: head office sees branches, ``?unit=`` drills down to sub-branches, then premises."""

    action = "compliance.view"
    template_name = "inspections/compliance.html"

    def get_extra_context(self):
        month = month_param(self.request)
        unit = self.request.GET.get("unit", "")
        unit_id, user, today = (int(unit) if unit.isdigit() else None), self.request.user, timezone.localdate()
        grid = cacheversions.cached(  # bumped by every summary update of the month and every saved premises
            ("compliance", scope_fingerprint(user), month, today, unit_id),
            [f"all:{month:%Y-%m}"],
            lambda: selectors.compliance_rollup(user=user, month=month, unit_id=unit_id, today=today),
        )
        if grid is None:
            raise Http404
        page = Paginator(grid.rows, COMPLIANCE_ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return {
            "grid": grid,
            "page": page,
            "pager_query": urlencode({"month": f"{month:%Y-%m}", **({"unit": grid.node.pk} if grid.node else {})}),
            "month": month,
            "previous": previous_month(month),
            "following": next_month(month),
        }


class ComplianceCellView(ObjectDetailView):
    """Drill-down: the assignments behind one cell of the grid."""

    model = Premises
    action = "compliance.view"
    pk_url_kwarg = "premises_pk"
    template_name = "inspections/compliance_cell.html"
    context_object_name = "premises"

    def get_context_data(self, **kwargs):
        level = self.kwargs["level"]
        if level not in Level.values:
            raise Http404
        month = month_param(self.request)
        assignments = selectors.cell_assignments(user=self.request.user, premises=self.object, level=level, month=month)
        return {**super().get_context_data(**kwargs), "level": Level(level), "assignments": assignments, "month": month}
