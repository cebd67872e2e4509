"""Filters of the letter and joint-defence lists (django-filter; scoped by the list's selector)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet
from responsibilities.choices import LetterStatus, PartyKind
from responsibilities.models import JointDefenceAgreement, Letter


class LetterFilter(ScopedFilterSet):
    """One year at a time (the view fills in this year when none is asked for), then the status."""

    year = django_filters.NumberFilter(label=_("Year"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=LetterStatus.choices, empty_label=_("All"))

    class Meta:
        model = Letter
        fields = ["year", "status"]


class AgreementFilter(ScopedFilterSet):
    party_kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyKind.choices, empty_label=_("All"))

    class Meta:
        model = JointDefenceAgreement
        fields = ["party_kind"]
