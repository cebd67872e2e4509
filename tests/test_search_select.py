"""Search-as-you-type for premises and people (branches.widgets.SearchSelect and its endpoints)."""

import re
from urllib.parse import urlencode

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


# --------------------------------------------------------------------------- units, and a field's own choices


def _search_url(html: str) -> str:
    """The address a rendered search box asks (``hx-get``), its ``&amp;`` read back as ``&``."""
    return re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def _ask(client, url: str, term: str):
    """What the box offers for ``term``: its address with ``&term=`` added, as htmx does (the test client
    would drop the address's own query for a ``data`` argument)."""
    return client.get(f"{url}&{urlencode({'term': term})}")


def test_unit_search_at_a_sub_branch_finds_nothing_outside_it(org, login):
    from branches.choices import Post

    sub_president = UserFactory(username="subpresident", full_name="冯行长", unit=org.sub1, post=Post.PRESIDENT)
    client = login(sub_president)
    response = client.get(reverse("branches:unit_search"), {"term": "支行"})
    assert _offered(response) == ["城关支行"]  # not 河口支行 of the other branch
    assert "支行 · 城东分行" in response.content.decode()  # its kind and the branch it lies in
    assert _offered(client.get(reverse("branches:unit_search"), {"term": "分行"})) == []  # the units above it
    assert _offered(client.get(reverse("branches:unit_search"), {"term": "S2A"})) == []  # nor by code
    assert sorted(_offered(login(org.headoffice).get(reverse("branches:unit_search"), {"term": "支行"}))) == [
        "城关支行",
        "河口支行",
    ]


def test_a_unit_field_longer_than_the_short_list_is_a_search_box(org, monkeypatch):
    from drills.forms import DrillPlanForm, StudySessionForm

    # An outlet head's one unit stays a list: one tap.
    assert "<select" in str(StudySessionForm(user=org.outlethead)["unit"])
    monkeypatch.setattr("branches.widgets.SHORT_LIST", 1)  # head office's units: more than a list shows
    box = str(DrillPlanForm(user=org.headoffice)["unit"])
    assert "<select" not in box and 'role="combobox"' in box
    assert _search_url(box).startswith(reverse("branches:unit_search") + "?within=")


def test_a_unit_box_searches_the_field_s_own_units(org, login, monkeypatch):
    from drills.forms import EmergencyPlanForm

    monkeypatch.setattr("branches.widgets.SHORT_LIST", 1)
    url = _search_url(str(EmergencyPlanForm(user=org.headoffice)["unit"]))  # plans are not made for departments
    client = login(org.headoffice)
    assert _offered(_ask(client, url, "保卫部")) == []
    assert "总行保卫部" in _offered(client.get(reverse("branches:unit_search"), {"term": "保卫部"}))
    assert _offered(_ask(client, url, "城东")) == ["城东分行"]


def test_the_people_search_of_a_unit_narrowed_field_offers_no_one_outside_the_unit(org, login, monkeypatch):
    """The duty roster of 城西分行 offers its own staff as the leader on duty: the search box must not offer
    someone of 城东分行, whom the form would then refuse ("select a valid choice")."""
    from responsibilities.forms import DutyDayForm

    monkeypatch.setattr("branches.widgets.SHORT_LIST", 0)
    form = DutyDayForm(user=org.headoffice, unit=org.branch2)
    url = _search_url(str(form["leader"]))
    client = login(org.headoffice)
    assert _offered(client.get(reverse("branches:people_search"), {"term": "周"})) == ["周安全"]  # in scope
    assert _offered(_ask(client, url, "周")) == []  # but of 城东分行
    assert _offered(_ask(client, url, "吴")) == ["吴外人"]  # of 城西分行's 河口支行
    assert (
        DutyDayForm({"date": "2026-12-01", "leader": org.outsider.pk}, user=org.headoffice, unit=org.branch2)[
            "leader"
        ].errors
        == []
    )
    # The field's choices narrow the person's scope, never widen it: outside it, nothing.
    assert _offered(_ask(login(org.officer), url, "吴")) == []


def test_an_unknown_or_foreign_choice_name_offers_nothing(org, login, monkeypatch):
    from responsibilities.forms import DutyDayForm

    monkeypatch.setattr("branches.widgets.SHORT_LIST", 0)
    client = login(org.headoffice)
    stale = client.get(reverse("branches:people_search"), {"term": "吴", "within": "0" * 32})
    assert _offered(stale) == [] and 'aria-disabled="true"' in stale.content.decode()
    assert "没有匹配项" not in stale.content.decode()  # not "no matches": the page is to be reloaded
    assert _offered(client.get(reverse("branches:people_search"), {"term": "吴", "within": "'; DROP"})) == []
    people = _search_url(str(DutyDayForm(user=org.headoffice, unit=org.branch2)["leader"]))
    token = people.split("within=")[1]  # the name of a query of people, asked of the unit search
    assert _offered(client.get(reverse("branches:unit_search"), {"term": "城", "within": token})) == []


def test_a_unit_filter_is_a_list_while_short_and_a_search_box_past_it(org, login, monkeypatch):
    page = login(org.security).get(reverse("branches:staff_list")).content.decode()
    assert re.search(r'<select[^>]*name="unit"', page)  # a branch's few units: one tap
    monkeypatch.setattr("branches.widgets.SHORT_LIST", 1)
    page = login(org.headoffice).get(reverse("branches:staff_list"), {"unit": org.sub2.pk}).content.decode()
    assert not re.search(r'<select[^>]*name="unit"', page)
    assert reverse("branches:unit_search") in page and 'value="河口支行"' in page  # the chosen unit stays


def test_assigning_a_danger_among_many_candidates_searches_only_the_candidates(org, login):
    from inspections.hazards.services import hazard_report

    for n in range(31):
        UserFactory(username=f"teller{n}", full_name=f"柳员工{n}", unit=org.sub1, home_premises=org.outlet_a)
    UserFactory(username="elsewhere", full_name="柳外人", unit=org.sub2, home_premises=org.outlet_b)
    hazard = hazard_report(premises=org.outlet_a, description="灭火器过期", category="fire", by=org.officer)
    client = login(org.security)
    page = client.get(hazard.get_absolute_url()).content.decode()
    before, after = page.split('name="assign-responsible"')
    assign = before.rsplit("<form", 1)[1] + after.split("</form>")[0]
    assert "柳员工3" not in assign  # no <option> per person
    search = re.search(r'hx-get="([^"]*people/[^"]*within=[0-9a-f]+)"', assign).group(1).replace("&amp;", "&")
    offered = _offered(client.get(search, {"term": "柳"}))
    assert "柳员工0" in offered and "柳外人" not in offered
