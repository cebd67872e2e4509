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
from safetybank import cacheversions
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


def _queries(client, user, url, params=None, *, cold=False) -> int:
    client.force_login(user)
    assert client.get(url, params).status_code == 200  # warm what is cached per process
    if cold:  # as after any saved record: the cached dashboard is computed again
        cacheversions.bump(cacheversions.DATA)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def _same_at_n_and_2n(client, user, parent, url, params=None, *, cold=False):
    _grow(parent, "N")
    at_n = _queries(client, user, url, params, cold=cold)
    _grow(parent, "M")
    at_2n = _queries(client, user, url, params, cold=cold)
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


def test_the_head_office_dashboard_computed_afresh_does_not_grow_with_branches(client, org):
    """The first view after a change (nothing cached): the breakdown asks for all branches at once."""
    _same_at_n_and_2n(
        client, org.headoffice, org.head_office, reverse("dashboards:dashboard"), {"month": "2026-12"}, cold=True
    )


def test_the_branch_dashboard_computed_afresh_does_not_grow_with_sub_branches(client, org):
    _same_at_n_and_2n(
        client, org.president, org.branch1, reverse("dashboards:dashboard"), {"month": "2026-12"}, cold=True
    )
