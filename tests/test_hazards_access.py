"""Access matrix of the hidden-danger pages: anonymous → sign in, in scope → 200, out of scope → 404,
wrong post → 403; the workflow actions are POST only."""

import pytest
from django.urls import reverse

from inspections.choices import HazardGrade
from inspections.hazards.services import hazard_raise
from inspections.models import Hazard
from tests.access import ALL, AccessCase, check_access, check_post_only

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
