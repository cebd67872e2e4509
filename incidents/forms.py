from django import forms
from django.utils.translation import gettext_lazy as _

from branches.widgets import search_as_you_type
from core.forms import AttachmentField
from incidents.choices import TRANSITIONS, IncidentStatus
from incidents.models import Incident
from safetybank.forms import SafeForm, ScopedModelForm


class IncidentReportForm(ScopedModelForm):
    """What anyone fills in when something happened; the premises are those of the reporter's scope."""

    photos = AttachmentField(multiple=True, required=False)

    class Meta:
        model = Incident
        fields = ["premises", "kind", "occurred_at", "description", "loss_amount", "police_report_no"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "loss_amount": _("Estimated loss in yuan; 0 if none."),
            "police_report_no": _("If it was reported to the police."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premises"].queryset = self.fields["premises"].queryset.filter(is_active=True)
        home = getattr(self.user, "home_premises", None)
        if home is not None and not self.is_bound:
            self.initial.setdefault("premises", home.pk)
        search_as_you_type(self)  # thousands of premises and people at a head office: a search box


class IncidentFollowUpForm(SafeForm):
    status = forms.ChoiceField(label=_("Status"))
    follow_up = forms.CharField(
        label=_("Follow-up actions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to close the incident."),
    )
    loss_amount = forms.DecimalField(label=_("Loss (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    police_report_no = forms.CharField(label=_("Police report number"), max_length=50, required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)
    photos = AttachmentField(multiple=True, required=False)

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[IncidentStatus(incident.status)]
        self.fields["status"].choices = [(v, label) for v, label in IncidentStatus.choices if v in allowed]
