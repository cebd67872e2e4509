"""Forms of plans, drills and study. Every choice is narrowed to the signed-in person's scope."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import Premises, Unit, User
from branches.widgets import search_as_you_type
from core.forms import AttachmentField
from drills.choices import SCENARIOS, DrillKind, PlanRoleKind, RolePeriod
from drills.models import EmergencyPlan, StudySession
from inspections.choices import HazardCategory, HazardGrade
from safetybank.forms import IdsField, SafeForm, ScopedModelForm, restrict_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PeopleField(IdsField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.username} · {obj.get_post_display()}"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name or obj.username} · {obj.get_post_display()}"


class EmergencyPlanForm(ScopedModelForm):
    change_note = forms.CharField(
        label=_("What changed"),
        max_length=200,
        required=False,
        help_text=_("Kept with this version in the plan's history."),
    )
    documents = AttachmentField(multiple=True, required=False, label=_("Plan document (PDF) or photos"))

    class Meta:
        model = EmergencyPlan
        fields = ["unit", "kind", "title", "summary", "next_review", "is_active"]
        widgets = {"next_review": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.exclude(kind="department")
        if self.instance.pk:
            self.fields["change_note"].required = True
        search_as_you_type(self)  # a thousand units at a head office: a search box


class PlanRoleForm(SafeForm):
    period = forms.ChoiceField(label=_("Period"), choices=RolePeriod.choices)
    role = forms.ChoiceField(label=_("Role"), choices=PlanRoleKind.choices)
    holder = PersonField(label=_("Held by"), queryset=User.objects.none())
    duties = forms.CharField(label=_("Duties"), max_length=300, required=False)

    def __init__(self, *args, user, plan: EmergencyPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = (
            User.objects.for_user(user)
            .filter(is_active=True, unit__path__startswith=plan.unit.path)
            .select_related("home_premises")
            .order_by("unit__path", "full_name")
        )
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class DrillPlanForm(SafeForm):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.exclude(kind="department"))
    premises = forms.ModelMultipleChoiceField(
        label=_("Premises taking part"),
        queryset=Premises.objects.filter(is_active=True).select_related("unit"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A drill held at several premises counts for each of them."),
    )
    kind = forms.ChoiceField(label=_("Kind of drill"), choices=DrillKind.choices)
    scenario = forms.CharField(
        label=_("Scenario"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "scenarios"}),
        help_text=_("Choose a suggestion or write your own."),
    )
    planned_date = forms.DateField(label=_("Planned date"), widget=DATE)
    plan = forms.ModelChoiceField(
        label=_("Emergency plan"), queryset=EmergencyPlan.objects.filter(is_active=True), required=False
    )
    lead = PersonField(label=_("Organiser"), queryset=User.objects.filter(is_active=True), required=False)
    unannounced = forms.BooleanField(label=_("Unannounced (surprise) drill"), required=False)

    scenarios = SCENARIOS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user)
        self.fields["planned_date"].initial = timezone.localdate() + datetime.timedelta(days=14)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box

    def clean(self):
        data = super().clean()
        unit, premises = data.get("unit"), data.get("premises") or []
        outside = [p for p in premises if unit and not p.unit.path.startswith(unit.path)]
        if outside:
            self.add_error(
                "premises",
                _("%(premises)s does not belong to %(unit)s.")
                % {"premises": ", ".join(map(str, outside)), "unit": unit},
            )
        return data


class DrillRecordForm(SafeForm):
    held_on = forms.DateField(label=_("Date held"), widget=DATE)
    held_time = forms.TimeField(label=_("Start time"), widget=TIME)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)
    attended = PeopleField(
        label=_("Who attended"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Staff of the premises; those not ticked are recorded as absent."),
    )
    score = forms.IntegerField(label=_("Score (0–100)"), min_value=0, max_value=100, required=False)
    evaluation = forms.CharField(
        label=_("Evaluation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Alarm in time and complete, roles, cash secured, evacuation, equipment, reporting, scene."),
    )
    photos = AttachmentField(multiple=True, required=False, label=_("Photos"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = candidates

    def clean(self):
        data = super().clean()
        day, time = data.get("held_on"), data.get("held_time")
        if day and time:
            held_at = timezone.make_aware(datetime.datetime.combine(day, time))
            if held_at > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("held_on", _("A drill can only be recorded once it has been held."))
            data["held_at"] = held_at
        return data


class DrillProblemForm(SafeForm):
    premises = forms.ModelChoiceField(label=_("Where"), queryset=Premises.objects.none())
    description = forms.CharField(label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices)
    grade = forms.ChoiceField(label=_("Grade"), choices=HazardGrade.choices, initial=HazardGrade.GENERAL)

    def __init__(self, *args, drill, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premises"].queryset = drill.premises.all()
        if drill.premises.count() == 1:
            self.fields["premises"].initial = drill.premises.first()


class DrillCancelForm(SafeForm):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=100)


class AnnualPlanForm(SafeForm):
    drills_per_month = forms.IntegerField(label=_("Drills per month"), min_value=0, max_value=10)
    outlet_drills_per_quarter = forms.IntegerField(
        label=_("Drills per business outlet per quarter"), min_value=0, max_value=10
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class StudySessionForm(ScopedModelForm):
    attendees = PeopleField(label=_("Attendees"), queryset=User.objects.filter(is_active=True), required=False)
    materials = AttachmentField(multiple=True, required=False, label=_("Materials"))

    class Meta:
        model = StudySession
        fields = ["unit", "topic", "kind", "date", "duration_minutes", "presenter", "notes"]
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"presenter": PersonField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.exclude(kind="department")
        self.fields["presenter"].queryset = self.fields["presenter"].queryset.filter(is_active=True)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box
        if self.instance.pk:
            self.fields["attendees"].initial = list(self.instance.attendees.values_list("pk", flat=True))
        else:
            self.fields["date"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        outside = [
            p for p in data.get("attendees") or [] if unit and (p.unit is None or not p.unit.path.startswith(unit.path))
        ]
        if outside:
            self.add_error(
                "attendees",
                _("%(names)s do not work in %(unit)s.") % {"names": ", ".join(map(str, outside)), "unit": unit},
            )
        if data.get("date") and data["date"] > timezone.localdate():
            self.add_error("date", _("Record a study session once it has taken place."))
        return data
