"""Search-as-you-type for premises and people (branches.widgets.SearchSelect and its endpoints)."""

import re

import pytest
from django.urls import reverse

from branches.filters import ScopedFilterSet
from branches.selectors import SEARCH_LIMIT
from tests.factories import PremisesFactory, UserFactory

pytestmark = pytest.mark.django_db


def _offered(response) -> list[str]:
    return re.findall(r'data-label="([^"]*)"', response.content.decode())


def test_premises_search_offers_only_what_the_person_may_see(org, login):
    client = login(org.officer)
    assert _offered(client.get(reverse("branches:premises_search"), {"term": "营业部"})) == ["城关营业部"]
    client = login(org.headoffice)
    assert sorted(_offered(client.get(reverse("branches:premises_search"), {"term": "营业部"}))) == [
        "城关营业部",
        "河口营业部",
    ]


def test_a_search_outside_the_scope_finds_nothing(org, login):
    response = login(org.outsider).get(reverse("branches:premises_search"), {"term": "城关"})
    assert response.status_code == 200
    assert _offered(response) == []
    assert "没有匹配项" in response.content.decode()  # "No matches", in the default language


def test_the_search_offers_at_most_the_limit(org, login):
    for n in range(SEARCH_LIMIT + 5):
        PremisesFactory(code=f"Q{n}", name=f"柳树{n}号", unit=org.sub1)
    response = login(org.president).get(reverse("branches:premises_search"), {"term": "柳树"})
    assert len(_offered(response)) == SEARCH_LIMIT


def test_people_search_is_scoped_too(org, login):
    assert _offered(login(org.president).get(reverse("branches:people_search"), {"term": "周"})) == ["周安全"]
    assert _offered(login(org.outsider).get(reverse("branches:people_search"), {"term": "周"})) == []


def test_an_empty_term_offers_nothing(org, login):
    assert _offered(login(org.headoffice).get(reverse("branches:premises_search"), {"term": " "})) == []


def test_the_hazard_register_has_no_premises_or_people_dropdown(org, login):
    for n in range(30):
        PremisesFactory(code=f"R{n}", name=f"榆树{n}号", unit=org.sub1)
        UserFactory(username=f"staff{n}", unit=org.sub1)
    page = login(org.headoffice).get(reverse("inspections:hazard_list")).content.decode()
    assert page.count("<option") < 30  # status, grade, category…: no premises, no people
    assert 'id="id_premises"' in page and 'role="combobox"' in page
    assert reverse("branches:premises_search") in page and reverse("branches:people_search") in page


def test_the_filter_still_takes_the_chosen_id(org, login):
    from inspections.services import hazard_raise

    hazard_raise(premises=org.outlet_a, description="灭火器压力不足", category="fire", found_by=org.officer)
    hazard_raise(premises=org.outlet_b, description="监控录像缺失", category="fire", found_by=org.outsider)
    client = login(org.headoffice)
    page = client.get(reverse("inspections:hazard_list"), {"premises": org.outlet_b.pk}).content.decode()
    assert "监控录像缺失" in page and "灭火器压力不足" not in page
    # The box shows the chosen premises' name and carries its id, so the next filtering keeps it.
    assert f'name="premises" value="{org.outlet_b.pk}"' in page
    assert 'value="河口营业部"' in page
    export = client.get(reverse("inspections:hazard_export", args=["csv"]), {"premises": org.outlet_b.pk})
    exported = export.content.decode("utf-8-sig")
    assert "监控录像缺失" in exported and "灭火器压力不足" not in exported


def test_an_id_outside_the_scope_is_not_shown(org, login):
    page = login(org.outsider).get(reverse("inspections:hazard_list"), {"premises": org.outlet_a.pk}).content.decode()
    assert "城关营业部" not in page


def test_every_scoped_filterset_uses_the_search_box():
    import django_filters

    from branches.models import Premises
    from branches.widgets import SearchSelect

    class Plain(ScopedFilterSet):
        premises = django_filters.ModelChoiceFilter(queryset=Premises.objects.all())

        class Meta:
            model = Premises
            fields = ["premises"]

    assert isinstance(Plain().form.fields["premises"].widget, SearchSelect)
