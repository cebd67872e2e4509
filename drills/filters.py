"""Filters of the drill, emergency-plan and study lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from drills.choices import DrillStatus, PlanKind, StudyKind
from drills.models import Drill, EmergencyPlan, StudySession


class DrillFilter(ScopedFilterSet):
    """One year at a time (the view fills in this year when none is asked for), then the status."""

    year = django_filters.NumberFilter(label=_("Year"), field_name="planned_date", lookup_expr="year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DrillStatus.choices, empty_label=_("All"))

    class Meta:
        model = Drill
        fields = ["year", "status"]


class EmergencyPlanFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PlanKind.choices, empty_label=_("All"))

    class Meta:
        model = EmergencyPlan
        fields = ["kind"]


class StudySessionFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=StudyKind.choices, empty_label=_("All"))

    class Meta:
        model = StudySession
        fields = ["kind"]
