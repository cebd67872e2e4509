"""Filters of the checklist and frequency-rule lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from inspections.choices import Level, Purpose
from inspections.models import ChecklistTemplate, FrequencyRule


class ChecklistFilter(ScopedFilterSet):
    purpose = django_filters.ChoiceFilter(label=_("purpose"), choices=Purpose.choices, empty_label=_("All"))

    class Meta:
        model = ChecklistTemplate
        fields = ["purpose"]


class RuleFilter(ScopedFilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All"))

    class Meta:
        model = FrequencyRule
        fields = ["level"]
