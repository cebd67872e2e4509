"""Access matrix of the REST API (tests/access.py shape; counted by the URL walker).

The API answers like the pages, with problem details instead of redirects: no credentials → 401,
in scope → 200, out of scope → 404, wrong post → 403. The token page and the documentation page
are pages: anonymous visitors are sent to sign in.
"""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.services import token_create
from inspections.cycles import cycle_open
from inspections.hazards.models import Hazard
from inspections.hazards.services import hazard_report
from inspections.models import Assignment, ChecklistTemplate, Inspection
from inspections.services import inspection_start, standard_content_install
from reports.models import Report
from tests.access import ALL, POST_PERSONAS, AccessCase, PostCase, check_access, check_post, post_params
from tests.test_drills_access import _drill, _session
from tests.test_facilities_access import _facility, _incident, _ledger, _test
from tests.test_reports_access import _report
from tests.test_responsibilities_access import LETTER_READERS, _officers_letter, _round

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")
MANAGERS = ("headoffice", "security")
PREMISES_STAFF = ("outlethead", "officer")


def _checklists(org):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))


def _checklist(org):
    return [ChecklistTemplate.objects.get(code="DAILY-OPEN").pk]


def _inspected(org):
    _checklists(org)
    cycle_open(month=datetime.date.today().replace(day=1))
    assignment = Assignment.objects.filter(premises=org.outlet_a, assignee=org.officer).first() or (
        Assignment.objects.filter(premises=org.outlet_a).first()
    )
    Assignment.objects.filter(pk=assignment.pk).update(assignee=org.officer)  # not audited: fixture
    inspection_start(assignment=Assignment.objects.get(pk=assignment.pk), by=org.officer)


def _assignment(org):
    return [Inspection.objects.get().assignment_id]


def _inspection(org):
    return [Inspection.objects.get().pk]


def _hazard_setup(org):
    hazard_report(premises=org.outlet_a, description="灭火器过期", category="fire", by=org.officer)


def _hazard(org):
    return [Hazard.objects.get().pk]


def _report_pk(org):
    return [Report.objects.get(unit=org.sub1).pk]


def _sub1(org):
    return [org.sub1.pk]


def _outlet_a(org):
    return [org.outlet_a.pk]


def _drill_pk(org):
    return [_drill(org).pk]


def _session_pk(org):
    return [_session(org).pk]


# Read routes of /api/v1/ (GET): who gets 200, who 404 (outside scope), who 403 (post).
API_CASES = [
    AccessCase("api:unit-list", ok=ALL),
    AccessCase("api:unit-detail", args=_sub1, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:premises-list", ok=ALL),
    AccessCase("api:premises-detail", args=_outlet_a, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:checklist-list", setup=_checklists, ok=ALL),
    AccessCase("api:checklist-detail", setup=_checklists, args=_checklist, ok=ALL),
    AccessCase("api:assignment-list", ok=ALL),
    AccessCase("api:assignment-today", ok=ALL),
    AccessCase("api:assignment-detail", setup=_inspected, args=_assignment, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:inspection-list", ok=ALL),
    AccessCase("api:inspection-detail", setup=_inspected, args=_inspection, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:hazard-list", ok=ALL),
    AccessCase("api:hazard-detail", setup=_hazard_setup, args=_hazard, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:drill-list", ok=ALL),
    AccessCase("api:drill-detail", args=_drill_pk, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:study-session-list", ok=ALL),
    AccessCase("api:study-session-detail", args=_session_pk, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:letter-list", ok=ALL),
    # As on the pages: the officer's own letter, and those who follow coverage; not a colleague.
    AccessCase(
        "api:letter-detail", setup=_round, args=_officers_letter, ok=LETTER_READERS, hidden=("outlethead", "outsider")
    ),
    AccessCase("api:facility-list", ok=(*IN_B1, "outsider")),
    AccessCase("api:facility-detail", setup=_ledger, args=_facility, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:facility-test-list", ok=(*IN_B1, "outsider")),
    AccessCase("api:facility-test-detail", setup=_ledger, args=_test, ok=IN_B1, hidden=("outsider",)),
    AccessCase("api:incident-list", ok=ALL),
    AccessCase(
        "api:incident-detail",
        setup=_ledger,
        args=_incident,
        ok=("headoffice", "president", "security", "officer"),
        hidden=("outlethead", "outsider"),
    ),
    AccessCase("api:report-list", ok=("headoffice", "president", "security"), forbidden=(*PREMISES_STAFF, "outsider")),
    AccessCase(
        "api:report-detail",
        setup=_report,
        args=_report_pk,
        ok=("headoffice", "president", "security"),
        forbidden=PREMISES_STAFF,
        hidden=("outsider",),
    ),
    AccessCase(
        "api:report-pdf",
        setup=_report,
        args=_report_pk,
        ok=("headoffice", "president", "security"),
        forbidden=PREMISES_STAFF,
        hidden=("outsider",),
    ),
    AccessCase("api:schema", ok=ALL),
]

# Pages of the api app (sign-in redirect for anonymous visitors, like every page).
PAGE_CASES = [
    AccessCase("api:docs", ok=ALL),
    AccessCase("api:token_list", ok=ALL),
]

# What the URL walker counts (tests/access.py FEATURE_MODULES).
ACCESS_CASES = API_CASES + PAGE_CASES

# Write routes (POST only): {url name: URL args}; a GET is 405, no credentials 401.
POST_ONLY = {
    "api:assignment-start": [1],
    "api:inspection-answer": [1],
    "api:inspection-submit": [1],
    "api:inspection-cosign": [1],
    "api:inspection-acknowledge": [1],
    "api:hazard-assign": [1],
    "api:hazard-grade": [1],
    "api:hazard-start": [1],
    "api:hazard-submit-fix": [1],
    "api:hazard-fix-on-spot": [1],
    "api:hazard-verify": [1],
    "api:hazard-send-back": [1],
    "api:hazard-plan": [1],
    "api:letter-sign": [1],
    "api:drill-record": [1],
    "api:facility-record-test": [1],
    "api:incident-follow-up": [1],
    "api:token_revoke": [1],
}


def _api_client(user):
    _token, key = token_create(owner=user, name="access matrix", days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def check_api_access(org, case: AccessCase) -> None:
    if case.setup:
        case.setup(org)
    url = reverse(case.url_name, args=case.args(org) if case.args else [])
    anonymous = APIClient().get(url)
    assert anonymous.status_code == 401, f"anonymous on {url}: {anonymous.status_code}"
    expected = {**dict.fromkeys(case.ok, 200), **dict.fromkeys(case.hidden, 404), **dict.fromkeys(case.forbidden, 403)}
    for persona, status in expected.items():
        response = _api_client(getattr(org, persona)).get(url)
        assert response.status_code == status, f"{persona} on {url}: {response.status_code}, expected {status}"
        if status != 200:
            assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@pytest.mark.parametrize("case", API_CASES, ids=lambda case: case.id)
def test_api_access_matrix(org, case):
    check_api_access(org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda case: case.id)
def test_api_pages_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_api_write_routes_need_credentials_and_post(client, org, name):
    url = reverse(name, args=POST_ONLY[name])
    if name == "api:token_revoke":  # a page: sign in first, and never a GET
        assert client.post(url).status_code == 302
        client.force_login(org.officer)
        assert client.get(url).status_code == 405
        return
    assert APIClient().post(url).status_code == 401
    assert _api_client(org.officer).get(url).status_code == 405


@pytest.mark.django_db
def test_write_routes_answer_404_outside_scope_before_403_for_the_post(org):
    _hazard_setup(org)
    pk = _hazard(org)[0]
    assert _api_client(org.outsider).post(f"/api/v1/hazards/{pk}/grade/", {}).status_code == 404
    assert _api_client(org.officer).post(f"/api/v1/hazards/{pk}/grade/", {}).status_code == 403
    # The governance plan: whoever may work on the danger (here nobody in the sub-branch yet).
    assert _api_client(org.outsider).post(f"/api/v1/hazards/{pk}/plan/", {}).status_code == 404
    assert _api_client(org.officer).post(f"/api/v1/hazards/{pk}/plan/", {}).status_code == 403


@pytest.mark.django_db
def test_incident_follow_up_answers_404_outside_scope_before_403_for_the_post(org):
    _ledger(org)
    url = reverse("api:incident-follow-up", args=_incident(org))
    assert _api_client(org.outlethead).post(url, {}).status_code == 404
    assert _api_client(org.president).post(url, {}).status_code == 403
    assert _api_client(org.security).post(url, {}).status_code == 400


@pytest.mark.django_db
def test_planning_a_drill_needs_the_post_then_a_unit_in_scope(org):
    """No object yet: the post is checked first (403), then the unit is looked up in scope (404)."""
    body = {"unit": org.sub1.pk, "kind": "on_site", "scenario": "抢劫", "planned_date": "2099-01-01"}
    assert _api_client(org.outsider).post("/api/v1/drills/", body, format="json").status_code == 403
    assert _api_client(org.officer).post("/api/v1/drills/", body, format="json").status_code == 403
    assert _api_client(org.headoffice).post("/api/v1/drills/", body, format="json").status_code == 201
    sub2 = {**body, "unit": org.sub2.pk}
    assert _api_client(org.security).post("/api/v1/drills/", sub2, format="json").status_code == 404


def _officers_token(org):
    from api.services import token_create

    token_create(owner=org.officer, name="OA", days=30)


def _officers_token_pk(org):
    from api.models import ApiToken

    return [ApiToken.objects.get(owner=org.officer).pk]


OTHERS_THAN_OFFICER = tuple(p for p in POST_PERSONAS if p != "officer")

# The token pages (HTML): each person makes and revokes their own tokens only. The REST routes are
# posted to by the API cases above and by schemathesis (tests/test_api_schemathesis.py).
POST_CASES = [
    PostCase("api:token_list", data={"name": "OA 系统", "days": "30"}, ok=POST_PERSONAS),
    PostCase(
        "api:token_revoke", setup=_officers_token, args=_officers_token_pk, ok=("officer",), hidden=OTHERS_THAN_OFFICER
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_api_token_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)
