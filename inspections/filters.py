"""Filters of the checklist and frequency-rule lists (django-filter; scoped by the list's selector)."""

from django.utils.translation import gettext_lazy as _

from branches.filters import choice_filter, filterset_for
from inspections.choices import Level, Purpose
from inspections.models import ChecklistTemplate, FrequencyRule

ChecklistFilter = filterset_for(ChecklistTemplate, purpose=choice_filter(_("purpose"), Purpose.choices))
RuleFilter = filterset_for(FrequencyRule, level=choice_filter(_("Level"), Level.choices))
