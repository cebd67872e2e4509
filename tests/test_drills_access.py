"""Access matrix of plans, drills and study (tests/access.py shape; counted by the URL walker)."""

import datetime

import pytest

from drills.choices import DrillKind, PlanKind, StudyKind
from drills.models import Drill, EmergencyPlan, PlanRole, StudySession
from tests.access import ALL, AccessCase, check_access, check_post_only

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")
MANAGERS_IN_B1 = ("headoffice", "security")


def _plan(org):
    plan, _ = EmergencyPlan.objects.get_or_create(
        unit=org.sub1,
        kind=PlanKind.ROBBERY,
        defaults={"title": "防抢劫预案", "next_review": datetime.date(2027, 3, 31)},
    )
    PlanRole.objects.get_or_create(plan=plan, period="business_hours", role="commander", holder=org.outlethead)
    return plan


def _drill(org):
    drill, _ = Drill.objects.get_or_create(
        unit=org.sub1,
        scenario="持刀抢劫柜面",
        defaults={"kind": DrillKind.ON_SITE, "planned_date": datetime.date(2026, 12, 10)},
    )
    drill.premises.set([org.outlet_a])
    return drill


def _session(org):
    session, _ = StudySession.objects.get_or_create(
        unit=org.sub1,
        topic="学习安全制度",
        defaults={"kind": StudyKind.RULES, "date": datetime.date(2026, 3, 8), "recorded_by": org.officer},
    )
    return session


def _plan_args(org):
    return [_plan(org).pk]


def _role_args(org):
    return [_plan(org).roles.get().pk]


def _drill_args(org):
    return [_drill(org).pk]


def _session_args(org):
    return [_session(org).pk]


ACCESS_CASES = [
    AccessCase("drills:drill_list", ok=ALL),
    AccessCase("drills:drill_create", ok=MANAGERS_IN_B1, forbidden=("president", "outlethead", "officer", "outsider")),
    AccessCase("drills:drill_detail", args=_drill_args, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "drills:drill_record",
        args=_drill_args,
        ok=("headoffice", "security", "outlethead", "officer"),
        forbidden=("president",),
        hidden=("outsider",),
    ),
    AccessCase(
        "drills:programme",
        ok=("headoffice", "president", "security"),
        forbidden=("outlethead", "officer", "outsider"),
    ),
    AccessCase(
        "drills:programme_targets",
        args=lambda org: [org.sub1.pk, 2026],
        ok=MANAGERS_IN_B1,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase("drills:plan_list", ok=ALL),
    AccessCase("drills:plan_create", ok=MANAGERS_IN_B1, forbidden=("president", "outlethead", "officer", "outsider")),
    AccessCase("drills:plan_detail", args=_plan_args, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "drills:plan_update",
        args=_plan_args,
        ok=MANAGERS_IN_B1,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase(
        "drills:plan_role_edit",
        args=_role_args,
        ok=MANAGERS_IN_B1,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase("drills:study_list", ok=ALL),
    AccessCase(
        "drills:study_create",
        ok=("headoffice", "security", "outlethead", "officer", "outsider"),
        forbidden=("president",),
    ),
    AccessCase("drills:study_detail", args=_session_args, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "drills:study_update",
        args=_session_args,
        ok=("headoffice", "security", "outlethead", "officer"),
        forbidden=("president",),
        hidden=("outsider",),
    ),
]

POST_ONLY = {
    "drills:drill_problem_add": [1],
    "drills:drill_cancel": [1],
    "drills:plan_role_add": [1],
    "drills:plan_role_delete": [1],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_drills_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_drills_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
