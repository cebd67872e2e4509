import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, SearchMixin, date_from, date_until, premises_in_scope
from incidents.choices import IncidentKind, IncidentStatus
from incidents.models import Incident


class IncidentFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("description", "police_report_no", "premises__name")
    premises = django_filters.ModelChoiceFilter(label=_("Premises"), queryset=premises_in_scope)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=IncidentKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=IncidentStatus.choices)
    start = date_from("occurred_at__date")
    end = date_until("occurred_at__date")

    class Meta:
        model = Incident
        fields = ["q", "premises", "kind", "status", "start", "end"]
