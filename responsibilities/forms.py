"""Forms of the responsibilities app; every choice is narrowed to the user's scope."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.choices import UnitKind
from branches.models import Unit, User
from branches.widgets import search_as_you_type
from core.forms import AttachmentField
from responsibilities.choices import CommitteeRole
from responsibilities.models import JointDefenceAgreement, LetterTemplate, PostDuty
from responsibilities.selectors import ROSTER_UNIT_KINDS
from safetybank.forms import SafeForm, SafeModelForm, ScopedModelForm, restrict_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(SafeForm):
    unit = forms.ModelChoiceField(label=_("Issuing unit"), queryset=Unit.objects.exclude(kind=UnitKind.DEPARTMENT))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user)
        self.fields["year"].initial = timezone.localdate().year
        search_as_you_type(self)  # a thousand units at a head office: a search box


class SignForm(SafeForm):
    typed_name = forms.CharField(
        label=_("Type your full name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    confirm = forms.BooleanField(
        label=_("I have read this letter and accept the responsibilities it sets out."),
        error_messages={"required": _("Tick the box to confirm you have read the letter.")},
    )


class PaperForm(SafeForm):
    signed_on = forms.DateField(label=_("Signed on paper on"), widget=DATE)
    scan = AttachmentField(label=_("Scan of the signed letter"))

    def clean_signed_on(self):
        value = self.cleaned_data["signed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The signing date cannot be in the future."))
        return value


class LetterTemplateForm(SafeModelForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    class Meta:
        model = LetterTemplate
        fields = ["title", "title_en", "body", "body_en"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "body_en": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "body": _("Placeholders filled in each letter: {year} {issuer} {party} {post} {duties}."),
        }


class PostDutyForm(SafeModelForm):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    class Meta:
        model = PostDuty
        fields = ["duties", "duties_en"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 6}), "duties_en": forms.Textarea(attrs={"rows": 6})}


class CommitteeMemberForm(SafeForm):
    user = forms.ModelChoiceField(label=_("Staff member"), queryset=User.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("Role"), choices=CommitteeRole.choices, initial=CommitteeRole.MEMBER)
    start_date = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user)
        self.fields["user"].queryset = self.fields["user"].queryset.filter(unit__path__startswith=unit.path)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class EndSeatForm(SafeForm):
    end_date = forms.DateField(label=_("Until"), widget=DATE, initial=timezone.localdate)


class DutyDayForm(SafeForm):
    date = forms.DateField(label=_("Date"), widget=DATE)
    leader = forms.ModelChoiceField(
        label=_("Leader on duty"),
        queryset=User.objects.filter(is_active=True),
    )
    phone = forms.CharField(
        label=_("Duty phone"), max_length=30, required=False, help_text=_("Empty: the leader's own phone.")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, unit, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user)
        self.fields["leader"].queryset = (
            self.fields["leader"].queryset.filter(unit__path__startswith=unit.path).order_by("post", "full_name")
        )
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class AgreementForm(ScopedModelForm):
    scans = AttachmentField(multiple=True, required=False, label=_("Scanned agreement"))

    class Meta:
        model = JointDefenceAgreement
        fields = [
            "unit",
            "premises",
            "party_kind",
            "party_name",
            "party_contact",
            "party_phone",
            "our_contact",
            "signed_on",
            "expires_on",
            "terms",
        ]
        widgets = {"signed_on": DATE, "expires_on": DATE, "terms": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = self.fields["unit"].queryset.filter(kind__in=ROSTER_UNIT_KINDS)
        self.fields["our_contact"].queryset = self.fields["our_contact"].queryset.filter(is_active=True)
        if not self.instance.pk:
            today = timezone.localdate()
            self.fields["signed_on"].initial = today
            self.fields["expires_on"].initial = datetime.date(today.year + 1, today.month, min(today.day, 28))
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box
