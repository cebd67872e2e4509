from django import forms
from django.utils.translation import gettext_lazy as _

from branches.models import Premises
from branches.widgets import search_as_you_type
from inspections.choices import AnswerType, Defence, Level
from inspections.models import ChecklistTemplate, FrequencyRule
from safetybank.forms import SafeForm, SafeModelForm, ScopedModelForm, restrict_choices


class UnannouncedForm(SafeForm):
    premises = forms.ModelChoiceField(label=_("Premises"), queryset=Premises.objects.filter(is_active=True))
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    template = forms.ModelChoiceField(label=_("Checklist"), queryset=ChecklistTemplate.objects.filter(is_active=True))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user, visible_to_fields=("template",))
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class AcknowledgeForm(SafeForm):
    objection = forms.CharField(
        label=_("Objection (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Write here if the inspected unit disagrees with any fact; it is kept with the signature."),
    )


class DailySubmitForm(SafeForm):
    """The stated time of a daily check. An impossible date (30 February, hour 25, offset +99:00) is a
    form error here, never a crash further on; empty means "now"."""

    performed_at = forms.DateTimeField(
        label=_("Done at"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": _("Enter the time as shown, e.g. 2026-12-01 08:10.")},
    )


class CorrectionForm(SafeForm):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=300)


class ChecklistItemForm(SafeForm):
    code = forms.CharField(label=_("code"), max_length=20)
    defence = forms.ChoiceField(label=_("defence"), choices=Defence.choices)
    text = forms.CharField(label=_("check item"), max_length=300)
    text_en = forms.CharField(label=_("check item (English)"), max_length=300, required=False)
    guidance = forms.CharField(label=_("guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer_type = forms.ChoiceField(label=_("answer"), choices=AnswerType.choices)
    photo_on_fail = forms.BooleanField(label=_("photo required on failure"), required=False)


ChecklistItemFormSet = forms.formset_factory(ChecklistItemForm, extra=2, can_delete=True)


class ChecklistTemplateForm(ScopedModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["code", "purpose", "name", "name_en"]


class RuleForm(SafeModelForm):
    class Meta:
        model = FrequencyRule
        fields = ["period", "count", "performer_post", "template", "season_start_month", "season_end_month"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        restrict_choices(self, user, visible_to_fields=("template",))

    def clean_count(self):
        count = self.cleaned_data["count"]
        if not 1 <= count <= 10:
            raise forms.ValidationError(_("Between 1 and 10 times per period."))
        return count

    def clean(self):
        cleaned = super().clean()
        for name in ("season_start_month", "season_end_month"):
            value = cleaned.get(name)
            if value is not None and not 1 <= value <= 12:
                self.add_error(name, _("A month is a number from 1 to 12."))
        return cleaned
