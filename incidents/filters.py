import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, SearchMixin, premises_in_scope
from incidents.choices import IncidentKind, IncidentStatus
from incidents.models import Incident

DATE = {"type": "date"}


class IncidentFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("description", "police_report_no", "premises__name")
    premises = django_filters.ModelChoiceFilter(label=_("Premises"), queryset=premises_in_scope)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IncidentKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IncidentStatus.choices)
    start = django_filters.DateFilter(
        label=_("From"), field_name="occurred_at", lookup_expr="date__gte", widget=forms.DateInput(attrs=DATE)
    )
    end = django_filters.DateFilter(
        label=_("Until"), field_name="occurred_at", lookup_expr="date__lte", widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = Incident
        fields = ["q", "premises", "kind", "status", "start", "end"]
