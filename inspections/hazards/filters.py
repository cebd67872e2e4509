"""Filters of the hidden-danger register; every model choice is narrowed to the user's scope."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, SearchMixin, date_from, date_until, premises_in_scope
from branches.models import User
from inspections.choices import EscalationLevel, HazardCategory, HazardGrade, HazardStatus
from inspections.hazards.models import Hazard

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def people_in_scope(request):
    return User.objects.for_user(request.user) if request else User.objects.none()


class HazardFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("description", "item_code", "premises__name")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=[("open", _("All open")), *HazardStatus.choices], method="filter_status"
    )
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=HazardGrade.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=HazardCategory.choices)
    premises = django_filters.ModelChoiceFilter(label=_("Premises"), queryset=premises_in_scope)
    responsible = django_filters.ModelChoiceFilter(label=_("Responsible person"), queryset=people_in_scope)
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue")
    escalated = django_filters.ChoiceFilter(label=_("Escalated"), choices=YES_NO, method="filter_escalated")
    start = date_from("found_at__date", _("Found from"))
    end = date_until("found_at__date", _("Found until"))

    class Meta:
        model = Hazard
        fields = ["q", "status", "grade", "category", "premises", "responsible", "overdue", "escalated", "start", "end"]

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.open()
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.open().filter(deadline__lt=timezone.localdate())
        return overdue if value == "yes" else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_escalated(self, queryset, name, value):
        if value == "yes":
            return queryset.open().filter(escalation_level__gt=EscalationLevel.NONE)
        return queryset.filter(escalation_level=EscalationLevel.NONE)
