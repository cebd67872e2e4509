"""Access matrix of the daily-check pages."""

import datetime

import pytest

from inspections.cycles import cycle_open
from inspections.models import Assignment, Inspection
from inspections.services import inspection_start, standard_content_install
from tests.access import AccessCase, check_access, check_post_only

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")


def _draft(org):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    assignment = Assignment.objects.filter(premises=org.outlet_a, rule__code="L4-OPEN").first()
    inspection_start(assignment=assignment, by=org.officer)


ACCESS_CASES = [
    AccessCase("inspections:today", ok=IN_B1 + ("outsider",)),
    # A draft shows its form to the officer and the read-only record to others in scope.
    AccessCase(
        "inspections:daily_check",
        setup=_draft,
        args=lambda org: [Inspection.objects.get().pk],
        ok=IN_B1,
        hidden=("outsider",),
    ),
    AccessCase("inspections:daily_register", args=lambda org: [org.outlet_a.pk], ok=IN_B1, hidden=("outsider",)),
]

POST_ONLY = {
    "inspections:daily_start": [1],
    "inspections:daily_group_pass": [1, "civil"],
    "inspections:daily_submit": [1],
    "inspections:daily_cosign": [1],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_daily_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_daily_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
