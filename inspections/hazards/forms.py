"""Forms of the hidden-danger loop, written for the person at the counter. Every choice is scoped."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import PREMISES_POSTS, UnitKind
from branches.models import Premises, User
from branches.permissions import can
from branches.widgets import search_as_you_type
from core.forms import AttachmentField
from inspections.choices import HazardCategory, HazardGrade
from inspections.hazards.models import Hazard, HazardPlan, HazardPolicy
from safetybank.forms import SafeForm, SafeModelForm, restrict_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE = forms.Textarea(attrs={"rows": 3})


class HazardReportForm(SafeForm):
    premises = forms.ModelChoiceField(label=_("Premises"), queryset=Premises.objects.filter(is_active=True))
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices)
    grade = forms.ChoiceField(
        label=_("Grade"),
        choices=HazardGrade.choices,
        initial=HazardGrade.GENERAL,
        help_text=_(
            "Major: high harm or effort, needs (partial) suspension and time, or the unit cannot fix it alone."
        ),
    )
    description = forms.CharField(label=_("What is wrong, and where exactly"), max_length=2000, widget=NOTE)
    item_code = forms.CharField(
        label=_("Check item code"),
        max_length=20,
        required=False,
        help_text=_("If it is a checklist item (e.g. KO-05); the same item again within 30 days is a repeat finding."),
    )
    photos = AttachmentField(multiple=True, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user)
        if not can(user, "hazard.grade"):
            del self.fields["grade"]  # everyone else reports general dangers; the security department grades
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


def responsible_candidates(*, hazard: Hazard, user) -> forms.models.QuerySet:
    """Active people in ``user``'s scope who work at or look after the danger's premises."""
    ancestors = hazard.unit.ancestors()
    return (
        User.objects.for_user(user)
        .filter(is_active=True)
        .filter(
            Q(home_premises=hazard.premises)
            | Q(contracts__premises=hazard.premises)
            | Q(unit__in=ancestors, home_premises__isnull=True) & ~Q(post__in=PREMISES_POSTS)
            | Q(unit__parent__in=ancestors, unit__kind=UnitKind.DEPARTMENT)
        )
        .distinct()
        .order_by("full_name", "username")
    )


class AssignForm(SafeForm):
    responsible = forms.ModelChoiceField(label=_("Responsible person"), queryset=User.objects.none())
    deadline = forms.DateField(label=_("Rectify by"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, hazard: Hazard, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = responsible_candidates(hazard=hazard, user=user)
        if hazard.responsible_id:
            self.fields["responsible"].initial = hazard.responsible_id
        from inspections.hazards.services import default_deadline

        self.fields["deadline"].initial = hazard.deadline or default_deadline(hazard=hazard)
        search_as_you_type(self)  # a head office's candidates for a danger are about sixty people

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return value


class StartForm(SafeForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EvidenceForm(SafeForm):
    """Submitting a rectification (or fixing on the spot): what was done, with photos."""

    note = forms.CharField(label=_("What was done"), max_length=2000, widget=NOTE)
    photos = AttachmentField(multiple=True, label=_("Photos of the rectification"))


class VerifyForm(SafeForm):
    note = forms.CharField(label=_("Verification note"), max_length=1000, required=False, widget=NOTE)


class SendBackForm(SafeForm):
    reason = forms.CharField(label=_("Why it is sent back"), max_length=1000, widget=NOTE)


class GradeForm(SafeForm):
    grade = forms.ChoiceField(label=_("Grade"), choices=HazardGrade.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PlanForm(SafeModelForm):
    class Meta:
        model = HazardPlan
        fields = ["targets", "methods", "funds", "organisation", "time_limit", "safety_measures"]
        widgets = {
            "targets": NOTE,
            "methods": NOTE,
            "funds": NOTE,
            "organisation": NOTE,
            "time_limit": DATE,
            "safety_measures": NOTE,
        }


class PolicyForm(SafeModelForm):
    class Meta:
        model = HazardPolicy
        fields = ["escalate_after_days", "repeat_window_days", "general_deadline_days", "major_deadline_days"]

    def clean_escalate_after_days(self):
        value = self.cleaned_data["escalate_after_days"]
        if value < 1:
            raise forms.ValidationError(_("Escalate after at least one day."))
        return value
