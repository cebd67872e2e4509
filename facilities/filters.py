import django_filters
from django.utils.translation import gettext_lazy as _

from branches.filters import ScopedFilterSet, SearchMixin, date_from, date_until, premises_in_scope
from facilities.choices import FacilityKind, FacilityStatus, InvestmentKind, TestKind, TestResult
from facilities.models import Facility, FacilityTest, Investment


class FacilityFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("name", "model_name", "supplier", "premises__name")
    premises = django_filters.ModelChoiceFilter(label=_("Premises"), queryset=premises_in_scope)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FacilityKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FacilityStatus.choices)

    class Meta:
        model = Facility
        fields = ["q", "premises", "kind", "status"]


class DueFilter(ScopedFilterSet):
    """The premises of the tests-due list (a search box: a head office has thousands)."""

    premises = django_filters.ModelChoiceFilter(label=_("Premises"), queryset=premises_in_scope)

    class Meta:
        model = Facility
        fields = ["premises"]


class FacilityTestFilter(ScopedFilterSet):
    premises = django_filters.ModelChoiceFilter(
        label=_("Premises"), field_name="facility__premises", queryset=premises_in_scope
    )
    test_kind = django_filters.ChoiceFilter(label=_("Test"), choices=TestKind.choices)
    result = django_filters.ChoiceFilter(label=_("Result"), choices=TestResult.choices)
    start = date_from("tested_on")
    end = date_until("tested_on")

    class Meta:
        model = FacilityTest
        fields = ["premises", "test_kind", "result", "start", "end"]


class InvestmentFilter(ScopedFilterSet):
    premises = django_filters.ModelChoiceFilter(label=_("Premises"), queryset=premises_in_scope)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InvestmentKind.choices)
    start = date_from("date")
    end = date_until("date")

    class Meta:
        model = Investment
        fields = ["premises", "kind", "start", "end"]
