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


# --------------------------------------------------------------------------- home (my tasks), every kind of item


def _open_items_everywhere(parent, tag, who):
    """Under ``parent``, a ``bank_tree`` whose every premises gives ``who`` an open item of each kind a
    provider makes for a security department or head office: hidden dangers to assign, to verify,
    escalated and to rectify; an inspection not acknowledged in time; a drill to run; a plan role whose
    holder left; a report to finish; a joint-defence agreement to renew; a facility test due."""
    from drills.models import Drill, EmergencyPlan, PlanRole
    from facilities.models import Facility
    from inspections.choices import InspectionStatus, Level
    from inspections.models import ChecklistVersion, Inspection
    from reports.models import Report
    from responsibilities.models import JointDefenceAgreement
    from tests.factories import ContractFactory, UserFactory

    today = NOW.date()
    version = ChecklistVersion.objects.order_by("pk").first()
    for number, premises in enumerate(bank_tree(parent, branches=2, sub_branches=2, premises=2, tag=tag)):
        officer = premises.staff.first()
        left = UserFactory(username=f"{premises.code}-left".lower(), unit=premises.unit, is_active=False)
        hazard = {
            "unit": premises.unit,
            "premises": premises,
            "category": "physical",
            "grade": "general",
            "found_by": officer,
            "found_at": NOW - datetime.timedelta(days=10),
            "deadline": datetime.date(2026, 12, 20),
        }
        Hazard.objects.create(**hazard, description=f"新报 {premises.code}", status=HazardStatus.REPORTED)
        Hazard.objects.create(
            **hazard,
            description=f"待验证 {premises.code}",
            status=HazardStatus.SUBMITTED,
            responsible=officer,
            rectified_by=officer,
        )
        Hazard.objects.create(
            **hazard,
            description=f"升级 {premises.code}",
            status=HazardStatus.ASSIGNED,
            responsible=officer,
            escalation_level=EscalationLevel.HEAD_OFFICE,
            escalated_at=NOW,
        )
        Hazard.objects.create(
            **hazard, description=f"整改 {premises.code}", status=HazardStatus.RECTIFYING, responsible=who
        )
        Inspection.objects.create(
            level=Level.L3_SECURITY,
            version=version,
            unit=premises.unit,
            premises=premises,
            inspector=officer,
            status=InspectionStatus.SUBMITTED,
            submitted_at=NOW - datetime.timedelta(days=6),
            acknowledge_by=today - datetime.timedelta(days=2),
            acknowledgement_escalated_on=today - datetime.timedelta(days=1),
        )
        drill = Drill.objects.create(
            unit=premises.unit, kind="special", scenario=f"演练 {premises.code}", planned_date=today, lead=who
        )
        drill.premises.add(premises)
        plan = EmergencyPlan.objects.create(
            unit=premises.unit, kind="robbery", title=f"预案 {premises.code}", next_review=datetime.date(2027, 6, 1)
        )
        PlanRole.objects.create(plan=plan, period="business_hours", role="commander", holder=left)
        if number % 2 == 0:  # one report a sub-branch (each has two premises)
            Report.objects.create(
                unit=premises.unit,
                kind="monthly",
                period_start=datetime.date(2026, 11, 1),
                period_end=datetime.date(2026, 11, 30),
            )
        JointDefenceAgreement.objects.create(
            unit=premises.unit,
            premises=premises,
            party_kind="police_station",
            party_name=f"派出所 {premises.code}",
            our_contact=who,
            signed_on=datetime.date(2024, 1, 1),
            expires_on=today + datetime.timedelta(days=10),
        )
        Facility.objects.create(
            unit=premises.unit,
            premises=premises,
            kind="cctv",
            name=f"录像机 {premises.code}",
            registered_on=datetime.date(2025, 1, 1),
        )
        ContractFactory(user=who, premises=premises)
    cycle_open(month=MONTH)


HOME_KINDS = {
    "hazard.assign",
    "hazard.verify",
    "hazard.escalated",
    "hazard.fix",
    "inspection.not_acknowledged",
    "drill.run",
    "plan.reassign",
    "report.finish",
    "facility.test",
}


@pytest.mark.parametrize("who", ["headoffice", "security"])
def test_the_home_page_does_not_grow_with_the_bank_or_its_open_items(client, org, who):
    """A security department's (and head office's) queue holds every kind of open item, and twice the
    bank with twice the items costs the same number of queries: no provider asks per item or per unit."""
    from core.tasks_registry import work_queue

    user = getattr(org, who)
    # Head office answers for the premises of a branch without its own security department.
    parent = org.branch2 if who == "headoffice" else org.branch1
    _open_items_everywhere(parent, "N", user)
    at_n = _queries(client, user, reverse("home"))
    queue = work_queue(user)
    kinds = {group.kind for group in queue.groups}
    # Late acknowledgements go to the security department above, not to head office.
    expected = HOME_KINDS - ({"inspection.not_acknowledged"} if who == "headoffice" else set())
    assert expected <= kinds, f"{who}: no {sorted(expected - kinds)} on the queue"
    total_at_n = queue.total

    _open_items_everywhere(parent, "M", user)
    at_2n = _queries(client, user, reverse("home"))
    assert work_queue(user).total > total_at_n
    assert at_2n == at_n, f"{who}'s home page: {at_n} queries at N, {at_2n} at 2N"
