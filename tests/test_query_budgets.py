"""Query budgets on a realistic tree: many branches, many sub-branches each with several premises
(``tests.factories.bank_tree``). A page's number of queries must not grow with the number of units:
each test measures it at tree size N and 2N and expects the same count.

The head-office and branch dashboards are measured too: they read the summary tables (issue 19, item 2)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.choices import EscalationLevel, HazardStatus
from inspections.cycles import cycle_open
from inspections.models import Hazard
from inspections.services import standard_content_install
from tests.factories import bank_tree

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
MONTH = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _december(org):
    with time_machine.travel(NOW, tick=False):
        standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
        yield


def _grow(parent, tag, *, branches=2):
    """``branches`` more branches (or, under a branch, that many groups of sub-branches), each place
    with an overdue and an escalated hidden danger, and this month's inspections opened."""
    for premises in bank_tree(parent, branches=branches, sub_branches=2, premises=2, tag=tag):
        officer = premises.staff.first()
        for escalation in (EscalationLevel.NONE, EscalationLevel.LEADERSHIP):
            Hazard.objects.create(
                unit=premises.unit,
                premises=premises,
                description=f"隐患 {premises.code} {escalation}",
                category="physical",
                grade="general",
                status=HazardStatus.ASSIGNED,
                responsible=officer,
                found_by=officer,
                found_at=NOW - datetime.timedelta(days=10),
                deadline=datetime.date(2026, 12, 10),
                escalation_level=escalation,
                escalated_at=NOW if escalation else None,
            )
    cycle_open(month=MONTH)


def _queries(client, user, url, params=None) -> int:
    client.force_login(user)
    assert client.get(url, params).status_code == 200  # warm what is cached per process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _same_at_n_and_2n(client, user, parent, url, params=None):
    _grow(parent, "N")
    at_n = _queries(client, user, url, params)
    _grow(parent, "M")
    at_2n = _queries(client, user, url, params)
    assert at_2n == at_n, f"{url}: {at_n} queries at N units, {at_2n} at 2N"


HEAD_OFFICE_PAGES = {
    "compliance grid": ("inspections:compliance", {"month": "2026-12"}),
    "hazard register": ("inspections:hazard_list", {}),
    "hazard register, filtered by premises": ("inspections:hazard_list", {"status": "open", "overdue": "yes"}),
    "home (my tasks)": ("home", {}),
}


@pytest.mark.parametrize("page", HEAD_OFFICE_PAGES)
def test_head_office_pages_do_not_grow_with_branches(client, org, page):
    name, params = HEAD_OFFICE_PAGES[page]
    _same_at_n_and_2n(client, org.headoffice, org.head_office, reverse(name), params)


@pytest.mark.parametrize("page", HEAD_OFFICE_PAGES)
def test_branch_pages_do_not_grow_with_sub_branches(client, org, page):
    name, params = HEAD_OFFICE_PAGES[page]
    _same_at_n_and_2n(client, org.security, org.branch1, reverse(name), params)


def test_the_head_office_dashboard_does_not_grow_with_branches(client, org):
    _same_at_n_and_2n(client, org.headoffice, org.head_office, reverse("dashboards:dashboard"), {"month": "2026-12"})


def test_the_branch_dashboard_does_not_grow_with_sub_branches(client, org):
    _same_at_n_and_2n(client, org.president, org.branch1, reverse("dashboards:dashboard"), {"month": "2026-12"})


RESPONSIBILITY_PAGES = {
    "committee": "responsibilities:committee",
    "duty roster": "responsibilities:roster",
    "letter coverage": "responsibilities:coverage",
}


@pytest.mark.parametrize("page", RESPONSIBILITY_PAGES)
def test_head_office_responsibility_pages_do_not_grow_with_branches(client, org, page):
    """Head office sees one row per branch (each summing its subtree) and a search box for people,
    not a list of every unit and every member of staff."""
    url = reverse(RESPONSIBILITY_PAGES[page])
    _same_at_n_and_2n(client, org.headoffice, org.head_office, url)
    page = client.get(url).content.decode()
    assert "M1分行" in page and "M1第0支行" not in page  # the branches, not their sub-branches
    assert page.count("<option") < 10  # no list of units or people to choose from, only a search box


@pytest.mark.parametrize("page", RESPONSIBILITY_PAGES)
def test_branch_responsibility_pages_do_not_grow_with_sub_branches(client, org, page):
    url = reverse(RESPONSIBILITY_PAGES[page])
    _same_at_n_and_2n(client, org.security, org.branch1, url, {"unit": org.branch1.pk})
    assert "M1第0支行" in client.get(url, {"unit": org.branch1.pk}).content.decode()  # its sub-branches, to open
