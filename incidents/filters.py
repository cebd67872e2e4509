import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, SearchMixin
from branches.models import Premises
from incidents.choices import IncidentKind, IncidentStatus
from incidents.models import Incident

DATE = {"type": "date"}


def premises_in_scope(request):
    # A callable queryset: django-filter's ModelChoiceFilter keeps its own ``queryset`` and ignores a
    # narrowed ``extra["queryset"]``, so the scope is applied here, per request.
    return Premises.objects.for_user(request.user) if request else Premises.objects.none()


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
