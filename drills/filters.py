"""Filters of the drill, emergency-plan and study lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import choice_filter, filterset_for
from drills.choices import DrillStatus, PlanKind, StudyKind
from drills.models import Drill, EmergencyPlan, StudySession

# One year at a time (the view fills in this year when none is asked for), then the status.
DrillFilter = filterset_for(
    Drill,
    year=django_filters.NumberFilter(label=_("Year"), field_name="planned_date", lookup_expr="year"),
    status=choice_filter(_("Status"), DrillStatus.choices),
)
EmergencyPlanFilter = filterset_for(EmergencyPlan, kind=choice_filter(_("Kind"), PlanKind.choices))
StudySessionFilter = filterset_for(StudySession, kind=choice_filter(_("Kind"), StudyKind.choices))
