"""The compliance grid rolled up by unit: head office sees branches, then drills down to sub-branches
and premises; a long level is paged. Figures are those of the premises grid, each assignment once."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from branches.choices import Post
from inspections.cycles import cycle_open
from inspections.selectors import STATES, compliance_grid, compliance_rollup
from inspections.services import standard_content_install
from tests.factories import PremisesFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
MONTH = D(2026, 12, 1)
TODAY = D(2026, 12, 15)


@pytest.fixture
def engine(org):
    with time_machine.travel(datetime.datetime(2026, 12, 15, 2, 0, tzinfo=datetime.UTC), tick=False):
        standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
        cycle_open(month=MONTH)
        yield org


def _figures(cells):
    return {level: tuple(getattr(cell, state) for state in STATES) for level, cell in cells.items()}


def _labels(response):
    return [row.unit or row.premises for row in response.context["page"]]


def test_head_office_sees_branches_and_drills_down_to_premises(engine, login):
    client = login(engine.headoffice)
    url = reverse("inspections:compliance")
    top = client.get(url, {"month": "2026-12"})
    assert _labels(top) == [engine.branch1, engine.branch2]
    assert "城关营业部" not in top.content.decode()  # no premises row at the top
    branch = client.get(url, {"month": "2026-12", "unit": engine.branch1.pk})
    assert _labels(branch) == [engine.sub1]
    assert [unit.pk for unit in branch.context["grid"].trail] == [engine.head_office.pk, engine.branch1.pk]
    sub = client.get(url, {"month": "2026-12", "unit": engine.sub1.pk})
    assert _labels(sub) == [engine.outlet_a, engine.outlet_a2]
    assert reverse("inspections:compliance_cell", args=[engine.outlet_a.pk, "L4"]) in sub.content.decode()


def test_the_rolled_up_figures_are_the_premises_grids(engine):
    flat = compliance_grid(user=engine.headoffice, month=MONTH, today=TODAY)
    top = compliance_rollup(user=engine.headoffice, month=MONTH, today=TODAY)
    assert _figures(top.totals) == _figures(flat.totals)
    sub = compliance_rollup(user=engine.headoffice, month=MONTH, unit_id=engine.sub1.pk, today=TODAY)
    rows = {row.premises: row.cells for row in sub.rows}
    premises_rows = dict(flat.rows)
    assert _figures(rows[engine.outlet_a]) == _figures(premises_rows[engine.outlet_a])
    assert _figures(rows[engine.outlet_a2]) == _figures(premises_rows[engine.outlet_a2])
    # A branch's row is its subtree, each assignment once: the totals of the branch's own page.
    branch2 = next(row for row in top.rows if row.unit == engine.branch2)
    below = compliance_rollup(user=engine.headoffice, month=MONTH, unit_id=engine.branch2.pk, today=TODAY)
    assert _figures(branch2.cells) == _figures(below.totals)
    assert branch2.premises_count == 1


def test_a_unit_outside_the_scope_is_not_found(engine, login):
    president = UserFactory(username="president2", unit=engine.branch2, post=Post.PRESIDENT)
    client = login(president)
    url = reverse("inspections:compliance")
    assert client.get(url, {"unit": engine.branch1.pk}).status_code == 404
    assert client.get(url, {"unit": engine.sub1.pk}).status_code == 404
    assert client.get(url, {"unit": engine.head_office.pk}).status_code == 404  # above the scope
    # Branch 2 has one sub-branch with one outlet: the page opens where the figures divide.
    assert _labels(client.get(url)) == [engine.outlet_b]


def test_a_long_level_is_paged(engine, login):
    for n in range(55):
        PremisesFactory(code=f"W{n:02d}", name=f"网点{n:02d}", unit=engine.sub1)
    with time_machine.travel(datetime.datetime(2026, 12, 15, 2, 0, tzinfo=datetime.UTC), tick=False):
        cycle_open(month=MONTH)
    client = login(engine.security)
    url = reverse("inspections:compliance")
    first = client.get(url, {"month": "2026-12", "unit": engine.sub1.pk})
    assert len(_labels(first)) == 50
    assert f"month=2026-12&amp;unit={engine.sub1.pk}&amp;page=2" in first.content.decode()
    second = client.get(url, {"month": "2026-12", "unit": engine.sub1.pk, "page": 2})
    assert len(_labels(second)) == 57 - 50
