import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from branches.choices import Area, Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User
from branches.widgets import SearchSelect, is_short


def premises_in_scope(request):
    """The premises a filter offers: those the signed-in user may see (for ``ModelChoiceFilter(queryset=...)``)."""
    # A callable queryset: django-filter's ModelChoiceFilter keeps its own ``queryset`` and ignores a
    # narrowed ``extra["queryset"]``, so the scope is applied here, per request.
    return Premises.objects.for_user(request.user) if request else Premises.objects.none()


# A single choice among these models is a search-as-you-type box asking this URL, never a <select>:
# a head office scope holds a thousand units, thousands of premises and tens of thousands of people.
# A unit stays a list while it is short (``branches.widgets.SHORT_LIST``): a sub-branch's few units.
SEARCHED = {Premises: "branches:premises_search", User: "branches:people_search", Unit: "branches:unit_search"}


def _choices(filter_, request):
    queryset = filter_.queryset
    return queryset(request) if callable(queryset) else queryset


def _date_bound(field_name: str, lookup_expr: str, label) -> django_filters.DateFilter:
    widget = forms.DateInput(attrs={"type": "date"})
    return django_filters.DateFilter(label=label, field_name=field_name, lookup_expr=lookup_expr, widget=widget)


def date_from(field_name: str, label=None) -> django_filters.DateFilter:
    """The "from" end of a date range filter (inclusive), with the browser's date picker."""
    return _date_bound(field_name, "gte", label or _("From"))


def date_until(field_name: str, label=None) -> django_filters.DateFilter:
    """The "until" end of a date range filter (inclusive), with the browser's date picker."""
    return _date_bound(field_name, "lte", label or _("Until"))


class ScopedFilterSet(django_filters.FilterSet):
    """Narrows every model-choice filter to the signed-in user's scope; a premises, person or unit filter
    becomes a search box (``branches.widgets.SearchSelect``) that still filters by ``?<name>=<id>``."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request else None
        for filter_ in self.filters.values():
            # ModelChoiceFilter reads its own ``queryset`` attribute when it builds the form field.
            queryset = getattr(filter_, "queryset", None)
            if user is not None and queryset is not None and hasattr(queryset, "for_user"):
                filter_.queryset = queryset.for_user(user)
            if type(filter_) is django_filters.ModelChoiceFilter and "widget" not in filter_.extra:
                choices = _choices(filter_, request)
                url_name = SEARCHED.get(getattr(choices, "model", None))
                if url_name and not (choices.model is Unit and is_short(choices)):
                    filter_.extra["widget"] = SearchSelect(url_name)


def choice_filter(label, choices) -> django_filters.ChoiceFilter:
    """One value among ``choices``, with "All" (no filter) first."""
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=_("All"))


def filterset_for(model, **filters) -> type[ScopedFilterSet]:
    """The filter set of a list that only narrows by a choice or two, declared in one statement:
    ``filterset_for(EmergencyPlan, kind=choice_filter(_("Kind"), PlanKind.choices))``; the filters are
    shown in the order given. Anything more (a search, a method, a premises box) is a ``ScopedFilterSet`` class."""
    meta = type("Meta", (), {"model": model, "fields": list(filters)})
    return type(f"{model.__name__}Filter", (ScopedFilterSet,), {"Meta": meta, **filters})


class SearchMixin(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple[str, ...] = ()

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class UnitFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("name", "code")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)

    class Meta:
        model = Unit
        fields = ["q", "kind"]


class PremisesFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("name", "code", "address")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PremisesKind.choices)
    area = django_filters.ChoiceFilter(label=_("Area"), choices=Area.choices)
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())

    class Meta:
        model = Premises
        fields = ["q", "kind", "area", "unit"]


class StaffFilter(SearchMixin, ScopedFilterSet):
    search_fields = ("full_name", "username", "employee_number", "phone")
    post = django_filters.ChoiceFilter(label=_("Post"), choices=Post.choices)
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.all())
    is_active = django_filters.BooleanFilter(label=_("Still employed"))

    class Meta:
        model = User
        fields = ["q", "post", "unit", "is_active"]
