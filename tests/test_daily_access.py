"""Access matrix of the daily-check pages."""

import datetime

import pytest

from inspections.cycles import cycle_open
from inspections.models import Assignment, Inspection
from inspections.services import inspection_start, standard_content_install
from tests.access import AccessCase, PostCase, check_access, check_post, check_post_only, post_params
from tests.inspection_helpers import answer_all

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


def _engine(org):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))


def _opening_check(org):
    return Assignment.objects.get(premises=org.outlet_a, rule__code="L4-OPEN", period_start=datetime.date(2026, 12, 1))


def _started(org):
    _engine(org)
    inspection_start(assignment=_opening_check(org), by=org.officer)


def _answered(org):
    _started(org)
    answer_all(Inspection.objects.get(), org.officer)


def _submitted(org):
    from inspections.daily.services import daily_check_submit

    _answered(org)
    daily_check_submit(inspection=Inspection.objects.get(), by=org.officer, performed_at=None)


def _check(org):
    return [Inspection.objects.get().pk]


# Tuesday 1 December 2026, before outlet A opens: the officer's opening check, co-signed by the outlet head.
BEFORE_OPENING = "2026-12-01T08:05:00+08:00"
NOT_THE_OFFICER = ("headoffice", "president", "security", "outlethead")  # in scope, may inspect, not the check's

POST_CASES = [
    PostCase(
        "inspections:daily_start",
        at=BEFORE_OPENING,
        setup=_engine,
        args=lambda org: [_opening_check(org).pk],
        ok=("officer",),
        refused=NOT_THE_OFFICER,
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:daily_group_pass",
        at=BEFORE_OPENING,
        setup=_started,
        args=lambda org: [*_check(org), "civil"],
        ok=("officer",),
        refused=NOT_THE_OFFICER,
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:daily_submit",
        at=BEFORE_OPENING,
        setup=_answered,
        args=_check,
        ok=("officer",),
        refused=NOT_THE_OFFICER,
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    # The second person co-signs: the outlet head (or who acts as one), never the inspector nor a teller.
    PostCase(
        "inspections:daily_cosign",
        at=BEFORE_OPENING,
        setup=_submitted,
        args=_check,
        ok=("outlethead",),
        refused=("officer", "teller"),
        forbidden=("headoffice", "president", "security"),
        hidden=("outsider",),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_daily_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_daily_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_daily_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
