"""Access matrix of the hidden-danger pages: anonymous → sign in, in scope → 200, out of scope → 404,
wrong post → 403; the workflow actions are POST only."""

import datetime

import pytest
from django.urls import reverse

from inspections.choices import HazardGrade
from inspections.hazards.models import Hazard
from inspections.hazards.services import hazard_raise
from tests.access import (
    ALL,
    POST_PERSONAS,
    AccessCase,
    PostCase,
    check_access,
    check_post,
    check_post_only,
    post_params,
)
from tests.inspection_helpers import photo
from tests.test_hazards import PLAN

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")


def _hazard(org, grade=HazardGrade.GENERAL):
    hazard_raise(
        premises=org.outlet_a, description="后门锁具损坏", category="physical", found_by=org.officer, grade=grade
    )


def _major(org):
    _hazard(org, grade=HazardGrade.MAJOR)


def _pk(org):
    return [Hazard.objects.get().pk]


ACCESS_CASES = [
    AccessCase("inspections:hazard_list", ok=ALL),
    AccessCase("inspections:hazard_export", args=lambda org: ["csv"], ok=ALL),
    AccessCase("inspections:hazard_report", ok=ALL),
    AccessCase("inspections:hazard_detail", setup=_hazard, args=_pk, ok=IN_B1, hidden=("outsider",)),
    AccessCase("inspections:hazard_plan", setup=_major, args=_pk, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "inspections:hazard_policy",
        ok=("headoffice",),
        forbidden=("president", "security", "outlethead", "officer", "outsider"),
    ),
]

POST_ONLY = {"inspections:hazard_action": [1, "verify"]}


def _assigned(org):
    from inspections.hazards.rectification import hazard_assign

    _hazard(org)
    deadline = datetime.date.today() + datetime.timedelta(days=10)
    hazard_assign(hazard=Hazard.objects.get(), by=org.security, responsible=org.officer, deadline=deadline)


def _rectifying(org):
    from inspections.hazards.rectification import hazard_start

    _assigned(org)
    hazard_start(hazard=Hazard.objects.get(), by=org.officer)


def _submitted(org):
    from core.uploads import check_upload
    from inspections.hazards.rectification import hazard_submit_fix

    _rectifying(org)
    hazard_submit_fix(hazard=Hazard.objects.get(), by=org.officer, note="已更换锁具", uploads=[check_upload(photo())])


def _action(name):
    return lambda org: [Hazard.objects.get().pk, name]


def _photos(prefix):
    return lambda org: {f"{prefix}-note": "已更换锁具", f"{prefix}-photos": photo()}


IN_A_MONTH = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
HAZARD_MANAGERS = ("headoffice", "president", "security")  # hazard.manage, hazard.grade in scope
WORKERS = (*HAZARD_MANAGERS, "outlethead", "officer")
_POLICY = {"escalate_after_days": 5, "repeat_window_days": 90, "general_deadline_days": 30, "major_deadline_days": 90}
_ASSIGN = lambda org: {"assign-responsible": org.outlethead.pk, "assign-deadline": IN_A_MONTH, "assign-note": ""}  # noqa: E731

POST_CASES = [
    PostCase(
        "inspections:hazard_report",
        data=lambda org: {
            "premises": org.outlet_a.pk,
            "category": "physical",
            "grade": "general",
            "description": "后门锁具损坏",
        },
        ok=IN_B1 + ("teller",),
        refused=("outsider",),  # outlet A is not a premises to choose
    ),
    PostCase(
        "inspections:hazard_policy",
        data=_POLICY,
        ok=("headoffice",),
        forbidden=tuple(p for p in POST_PERSONAS if p != "headoffice"),
    ),
    PostCase(
        "inspections:hazard_plan",
        setup=_major,
        args=_pk,
        data={**PLAN, "time_limit": IN_A_MONTH},
        ok=(*HAZARD_MANAGERS, "outlethead"),
        forbidden=("officer", "teller"),
        hidden=("outsider",),
    ),
    # The steps of the closed loop: the post decides first, then the service (the responsible person, who verifies).
    PostCase(
        "inspections:hazard_action",
        label="assign",
        setup=_hazard,
        args=_action("assign"),
        data=_ASSIGN,
        ok=(*HAZARD_MANAGERS, "outlethead"),
        forbidden=("officer", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:hazard_action",
        label="grade",
        setup=_hazard,
        args=_action("grade"),
        data={"grade-grade": "major", "grade-reason": "涉及金库"},
        ok=HAZARD_MANAGERS,
        forbidden=("outlethead", "officer", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:hazard_action",
        label="start",
        setup=_assigned,
        args=_action("start"),
        data={"start-note": ""},
        ok=WORKERS,  # the responsible person, or who manages dangers with this one in scope
        refused=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:hazard_action",
        label="submit",
        setup=_rectifying,
        args=_action("submit"),
        data=_photos("submit"),
        ok=WORKERS,  # the responsible person, or who manages dangers with this one in scope
        refused=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:hazard_action",
        label="fix on the spot",
        setup=_hazard,
        args=_action("fix"),
        data=_photos("fix"),
        ok=(*WORKERS, "teller"),  # who found it, the premises' staff, or who may work on it
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:hazard_action",
        label="verify",
        setup=_submitted,
        args=_action("verify"),
        data={"verify-note": "复查合格"},
        ok=("headoffice", "security"),
        refused=("president", "outlethead", "officer"),
        forbidden=("teller",),
        hidden=("outsider",),
    ),
    PostCase(
        "inspections:hazard_action",
        label="send back",
        setup=_submitted,
        args=_action("send_back"),
        data={"send_back-reason": "照片模糊"},
        ok=("headoffice", "security"),
        refused=("president", "outlethead", "officer"),
        forbidden=("teller",),
        hidden=("outsider",),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_hazards_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_hazards_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_hazard_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "action", "status"),
    [
        ("outsider", "verify", 404),  # out of scope: never confirms it exists
        ("officer", "assign", 403),  # wrong post
        ("outlethead", "grade", 403),
        ("officer", "grade", 403),
        ("security", "nonsense", 404),
    ],
)
def test_hazard_actions_refuse_out_of_scope_and_wrong_posts(client, org, persona, action, status):
    _hazard(org)
    client.force_login(getattr(org, persona))
    response = client.post(reverse("inspections:hazard_action", args=[Hazard.objects.get().pk, action]), {})
    assert response.status_code == status


@pytest.mark.django_db
def test_an_outsider_cannot_open_the_attachments_of_a_hazard_event(client, org):
    from core.selectors import attachments_of
    from core.uploads import check_upload
    from inspections.hazards.services import hazard_report
    from tests.inspection_helpers import photo

    hazard = hazard_report(
        premises=org.outlet_a,
        description="摄像头遮挡",
        category="technical",
        by=org.officer,
        uploads=[check_upload(photo())],
    )
    attachment = attachments_of(hazard.events.get()).get()
    url = reverse("attachment", args=[attachment.pk])
    client.force_login(org.officer)
    assert client.get(url).status_code == 200
    client.force_login(org.outsider)
    assert client.get(url).status_code == 404
