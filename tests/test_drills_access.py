"""Access matrix of plans, drills and study (tests/access.py shape; counted by the URL walker)."""

import datetime

import pytest

from drills.choices import DrillKind, PlanKind, StudyKind
from drills.models import Drill, EmergencyPlan, PlanRole, StudySession
from tests.access import (
    ALL,
    AccessCase,
    PostCase,
    check_access,
    check_post,
    check_post_only,
    post_params,
)

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


def _plan_data(org, **changes):
    data = {
        "unit": org.sub1.pk,
        "kind": "theft",
        "title": "防盗窃预案",
        "summary": "夜间防盗",
        "next_review": "2027-03-31",
    }
    return data | {"is_active": "on", "change_note": "新订"} | changes


def _study_data(org, **changes):
    data = {"unit": org.sub1.pk, "topic": "学习安全制度", "kind": "rules", "date": "2026-11-02", "duration_minutes": 60}
    return data | {"presenter": org.outlethead.pk, "notes": ""} | changes


def _held_drill_args(org):
    from django.utils import timezone

    from drills.services import drill_record

    drill = _drill(org)
    held_at = timezone.now() - datetime.timedelta(days=1)
    expected = [org.officer, org.outlethead]
    drill_record(
        drill=drill,
        by=org.security,
        held_at=held_at,
        duration_minutes=30,
        score=90,
        evaluation="",
        expected=expected,
        attended=expected,
    )
    return [drill.pk]


YESTERDAY = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
STAFF_OF_A = ("outlethead", "officer", "teller")
RECORDERS = ("headoffice", "security", "outlethead", "officer")  # drill.record, study.record in scope
MANAGE_B1 = {"ok": MANAGERS_IN_B1, "forbidden": ("president", *STAFF_OF_A), "hidden": ("outsider",)}
CREATE = {"ok": MANAGERS_IN_B1, "forbidden": ("president", *STAFF_OF_A, "outsider")}

POST_CASES = [
    PostCase("drills:plan_create", data=_plan_data, **CREATE),
    PostCase(
        "drills:plan_update",
        args=_plan_args,
        data=lambda org: _plan_data(org, kind="robbery", title="防抢劫预案（修订）"),
        **MANAGE_B1,
    ),
    PostCase(
        "drills:plan_role_add",
        args=_plan_args,
        data=lambda org: {"period": "storage", "role": "alarm", "holder": org.officer.pk, "duties": "报警"},
        **MANAGE_B1,
    ),
    PostCase(
        "drills:plan_role_edit",
        args=_role_args,
        data=lambda org: {"period": "business_hours", "role": "commander", "holder": org.officer.pk, "duties": "指挥"},
        **MANAGE_B1,
    ),
    PostCase("drills:plan_role_delete", args=_role_args, **MANAGE_B1),
    PostCase(
        "drills:drill_create",
        data=lambda org: {
            "unit": org.sub1.pk,
            "premises": [org.outlet_a.pk],
            "kind": "on_site",
            "scenario": "持刀抢劫柜面",
            "planned_date": (datetime.date.today() + datetime.timedelta(days=20)).isoformat(),
        },
        **CREATE,
    ),
    PostCase(
        "drills:drill_record",
        args=_drill_args,
        data=lambda org: {
            "held_on": YESTERDAY,
            "held_time": "09:00",
            "duration_minutes": 30,
            "attended": [org.officer.pk],
        },
        ok=RECORDERS,
        forbidden=("president", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "drills:drill_problem_add",
        args=_held_drill_args,
        data=lambda org: {
            "premises": org.outlet_a.pk,
            "description": "报警延迟",
            "category": "technical",
            "grade": "general",
        },
        ok=RECORDERS,
        forbidden=("president", "teller"),
        hidden=("outsider",),
    ),
    PostCase("drills:drill_cancel", args=_drill_args, data={"reason": "台风"}, **MANAGE_B1),
    PostCase(
        "drills:programme_targets",
        args=lambda org: [org.sub1.pk, 2026],
        data={"drills_per_month": 2, "outlet_drills_per_quarter": 1, "note": ""},
        **MANAGE_B1,
    ),
    # The outsider records study at their own unit only: sub-branch 1 is not theirs to choose.
    PostCase(
        "drills:study_create", data=_study_data, ok=RECORDERS, forbidden=("president", "teller"), refused=("outsider",)
    ),
    PostCase(
        "drills:study_update",
        args=_session_args,
        data=lambda org: _study_data(org, topic="学习安全制度（补课）"),
        ok=RECORDERS,
        forbidden=("president", "teller"),
        hidden=("outsider",),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_drills_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_drills_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_drills_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])
