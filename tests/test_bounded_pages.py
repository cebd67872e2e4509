"""Pages that listed one row per person or per facility of the whole scope now show a page at a time."""

import re

import pytest
from django.urls import reverse

from branches.choices import Post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_letters_coverage_names_who_has_not_signed_a_page_at_a_time(org, login):
    for n in range(55):
        UserFactory(username=f"clerk{n:02d}", full_name=f"柜员{n:02d}", unit=org.sub1, post=Post.TELLER)
    client = login(org.headoffice)
    url = reverse("responsibilities:coverage")
    first = client.get(url, {"unit": org.head_office.pk, "year": 2026}).content.decode()
    unsigned = first[first.index('id="unsigned"') :]
    total = 55 + 6  # the clerks and the six people of the test bank
    assert f"({total})" in first
    assert unsigned.count("list-group-item") == 50
    assert f"unit={org.head_office.pk}&amp;year=2026&amp;page=2" in first
    second = client.get(url, {"unit": org.head_office.pk, "year": 2026, "page": 2}).content.decode()
    assert second[second.index('id="unsigned"') :].count("list-group-item") == total - 50


def test_the_tests_due_list_is_paged_and_searches_premises(org, login, time_machine):
    from tests.test_facilities import add

    time_machine.move_to("2026-01-05 09:00:00+08:00")
    for n in range(55):
        add(org, "extinguisher", name=f"灭火器{n:02d}", quantity=1, extinguisher_type="dry_powder")
    add(org, "extinguisher", premises=org.outlet_a2, name="自助灭火器", quantity=1, extinguisher_type="dry_powder")
    client = login(org.security)
    url = reverse("facilities:due_list")
    first = client.get(url, {"premises": org.outlet_a.pk, "all": "1"}).content.decode()
    assert first.count("灭火器") - first.count("自助灭火器") >= 50 and "自助灭火器" not in first
    assert not re.search(r"<select[^>]*id_premises", first)
    assert f'name="premises" value="{org.outlet_a.pk}"' in first and 'value="城关营业部"' in first
    rows = first[first.index('<ul class="list-group">') :].count('<li class="list-group-item">')
    assert rows == 50
    assert "page=2" in first and f"premises={org.outlet_a.pk}" in first
