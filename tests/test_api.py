"""The REST API: personal tokens, problem details in the reader's language, scope and posts as on
the pages, the daily check from start to co-signature, and hidden dangers reported and moved on."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create, token_revoke
from drills.models import Drill, StudySession
from inspections.cycles import cycle_open
from inspections.daily.selectors import todays_checks
from inspections.hazards.models import Hazard
from inspections.hazards.services import hazard_report
from inspections.models import Answer
from inspections.services import standard_content_install
from tests.inspection_helpers import photo
from tests.test_drills_access import _drill

pytestmark = pytest.mark.django_db
D = datetime.date


def at(text):
    return datetime.datetime.fromisoformat(text)


def bearer(user, days=30):
    _token, key = token_create(owner=user, name="OA", days=days)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def daily(org):
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    cycle_open(month=D(2026, 12, 1))
    return org


def _hazard(org, by=None, premises=None):
    return hazard_report(
        premises=premises or org.outlet_a, description="灭火器过期", category="fire", by=by or org.officer
    )


def test_a_token_lists_todays_checks_and_is_stored_only_as_a_hash(daily, time_machine):
    time_machine.move_to(at("2026-12-01T07:50:00+08:00"))
    token, key = token_create(owner=daily.officer, name="OA", days=30)
    assert key not in token.key_hash and ApiToken.objects.filter(key_hash__contains=key).count() == 0
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/api/v1/assignments/today/")
    assert response.status_code == 200
    assert response.json()["count"] == todays_checks(user=daily.officer).count() > 0
    assert {row["checklist"] for row in response.json()["results"]} == {
        "营业前安全检查",
        "营业后安全检查",
        "自助银行巡检",
    }


def test_a_revoked_or_expired_token_is_refused_with_a_problem(org, time_machine):
    time_machine.move_to(at("2026-12-01T07:50:00+08:00"))
    token, key = token_create(owner=org.officer, name="OA", days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/premises/").status_code == 200
    time_machine.shift(datetime.timedelta(days=2))
    expired = client.get("/api/v1/premises/")
    assert expired.status_code == 401 and expired["Content-Type"] == "application/problem+json"
    assert expired.json()["detail"] == "此令牌无效、已过期或已被吊销。"
    token2, key2 = token_create(owner=org.officer, name="BI", days=5)
    token_revoke(token=token2, by=org.officer)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key2}")
    assert client.get("/api/v1/premises/").status_code == 401


def test_requests_without_credentials_are_refused(org):
    response = APIClient().get("/api/v1/hazards/")
    assert response.status_code == 401
    assert response.json()["status"] == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert APIClient().get("/api/schema/").status_code == 401


def test_a_person_manages_only_their_own_tokens_and_sees_the_key_once(client, org):
    client.force_login(org.officer)
    page = client.post(reverse("api:token_list"), {"name": "数据仓库", "days": 30}, follow=True).content.decode()
    token = ApiToken.objects.get(owner=org.officer)
    assert "sbk_" in page and token.prefix in page
    assert "sbk_" not in client.get(reverse("api:token_list")).content.decode().replace(token.prefix, "")
    client.force_login(org.outsider)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(org.officer)
    client.post(reverse("api:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_token_longer_than_allowed_is_refused_in_the_readers_language(client, org, settings):
    client.force_login(org.officer)
    response = client.post(reverse("api:token_list"), {"name": "OA", "days": settings.API_TOKEN_MAX_DAYS + 1})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_lists_are_scoped_in_the_queryset_and_filtered_like_the_page(org):
    mine = _hazard(org)
    other = _hazard(org, by=org.outsider, premises=org.outlet_b)
    officer = bearer(org.officer)
    codes = [row["id"] for row in officer.get("/api/v1/hazards/").json()["results"]]
    assert mine.pk in codes and other.pk not in codes
    assert officer.get(f"/api/v1/hazards/{other.pk}/").status_code == 404
    assert officer.get("/api/v1/hazards/?status=closed").json()["count"] == 0
    assert bearer(org.headoffice).get("/api/v1/hazards/").json()["count"] == 2


def test_out_of_scope_is_404_and_wrong_post_403_as_problem_details(org):
    hazard = _hazard(org)
    response = bearer(org.outsider).post(f"/api/v1/hazards/{hazard.pk}/verify/", {}, format="json")
    assert response.status_code == 404
    refused = bearer(org.officer).post(
        f"/api/v1/hazards/{hazard.pk}/grade/", {"grade": "major", "reason": "x"}, format="json"
    )
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert bearer(org.officer).get("/api/v1/reports/").status_code == 403


def test_a_service_refusal_is_a_400_with_its_message_in_the_readers_language(org):
    hazard = _hazard(org)
    client = bearer(org.security)
    response = client.post(
        f"/api/v1/hazards/{hazard.pk}/verify/", {"note": "ok"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["title"] and response.json()["detail"]
    chinese = client.post(
        f"/api/v1/hazards/{hazard.pk}/verify/", {"note": "ok"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert chinese.status_code == 400 and chinese.json()["detail"] != response.json()["detail"]
    assert "not possible now" in response.json()["detail"]


def test_a_bad_body_is_a_400_naming_the_field(org):
    response = bearer(org.officer).post("/api/v1/hazards/", {"premises": "x"}, format="json")
    assert response.status_code == 400 and "premises" in response.json()["errors"]


def test_a_hazard_is_reported_with_a_photo_and_moved_through_its_workflow(org):
    officer = bearer(org.officer)
    response = officer.post(
        "/api/v1/hazards/",
        {"premises": org.outlet_a.pk, "description": "监控探头被遮挡", "category": "technical", "photos": [photo()]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    security = bearer(org.security)
    assigned = security.post(
        f"/api/v1/hazards/{pk}/assign/",
        {"responsible": org.outlethead.pk, "deadline": "2099-01-01", "note": ""},
        format="json",
    )
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned", assigned.json()
    head = bearer(org.outlethead)
    assert head.post(f"/api/v1/hazards/{pk}/start/", {}, format="json").json()["status"] == "rectifying"
    fixed = head.post(f"/api/v1/hazards/{pk}/submit-fix/", {"note": "已清理", "photos": [photo()]}, format="multipart")
    assert fixed.json()["status"] == "submitted", fixed.json()
    verified = security.post(f"/api/v1/hazards/{pk}/verify/", {"note": "复查合格"}, format="json")
    assert verified.json()["status"] == "closed"
    assert Hazard.objects.get(pk=pk).events.count() >= 4


def test_a_daily_check_is_started_answered_submitted_and_co_signed(daily, time_machine):
    time_machine.move_to(at("2026-12-01T07:50:00+08:00"))
    officer = bearer(daily.officer)
    today = officer.get("/api/v1/assignments/today/").json()["results"]
    opening = next(row for row in today if row["checklist"] and "L4-OPEN" in _rule(row["id"]))
    started = officer.post(f"/api/v1/assignments/{opening['id']}/start/")
    assert started.status_code == 201
    pk = started.json()["id"]
    answers = Answer.objects.filter(inspection_id=pk).select_related("item")
    for answer in answers:
        result = "fail" if answer is answers[0] else "pass"
        body = {"answer": answer.pk, "result": result, "note": "门锁损坏" if result == "fail" else ""}
        if result == "fail":
            body["photos"] = [photo()]
        saved = officer.post(f"/api/v1/inspections/{pk}/answer/", body, format="multipart")
        assert saved.status_code == 200, saved.json()
    time_machine.move_to(at("2026-12-01T08:05:00+08:00"))
    submitted = officer.post(
        f"/api/v1/inspections/{pk}/submit/", {"performed_at": "2026-12-01T08:05:00+08:00"}, format="json"
    )
    assert submitted.status_code == 200 and len(submitted.json()) == 1
    own = officer.post(f"/api/v1/inspections/{pk}/cosign/")
    assert own.status_code == 400 and own.json()["detail"]
    cosigned = bearer(daily.outlethead).post(f"/api/v1/inspections/{pk}/cosign/")
    assert cosigned.status_code == 204
    detail = officer.get(f"/api/v1/inspections/{pk}/").json()
    assert detail["cosigned_by"]["id"] == daily.outlethead.pk and len(detail["answers"]) == answers.count()


def _rule(assignment_pk):
    from inspections.models import Assignment

    return Assignment.objects.get(pk=assignment_pk).rule.code


def test_a_future_stated_time_is_refused_with_the_services_message(daily, time_machine):
    time_machine.move_to(at("2026-12-01T07:50:00+08:00"))
    officer = bearer(daily.officer)
    row = officer.get("/api/v1/assignments/today/").json()["results"][0]
    pk = officer.post(f"/api/v1/assignments/{row['id']}/start/").json()["id"]
    response = officer.post(
        f"/api/v1/inspections/{pk}/submit/", {"performed_at": "2026-12-01T12:00:00+08:00"}, format="json"
    )
    # No Accept-Language: the token owner's own language.
    assert response.status_code == 400 and response.json()["detail"] == "填报的时间是将来的时间。"


def test_the_documentation_page_is_for_signed_in_people_and_loads_no_cdn(client, org):
    assert client.get(reverse("api:docs")).status_code == 302
    client.force_login(org.officer)
    page = client.get(reverse("api:docs")).content.decode()
    assert "cdn" not in page.lower() and "/static/" in page
    assert client.get(reverse("api:schema")).status_code == 200


def test_a_study_session_is_recorded_through_the_pages_form_rules(org, time_machine):
    time_machine.move_to(at("2026-12-01T10:00:00+08:00"))
    body = {"unit": org.sub1.pk, "topic": "学习反诈知识", "kind": "rules", "date": "2026-11-30", "duration_minutes": 60}
    outsider_attends = bearer(org.officer).post(
        "/api/v1/study-sessions/", {**body, "attendees": [org.outsider.pk]}, format="json"
    )
    assert outsider_attends.status_code == 400 and "attendees" in outsider_attends.json()["errors"]
    created = bearer(org.officer).post(
        "/api/v1/study-sessions/", {**body, "attendees": [org.officer.pk, org.outlethead.pk]}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert StudySession.objects.get(pk=created.json()["id"]).attendees.count() == 2
    assert bearer(org.president).post("/api/v1/study-sessions/", body, format="json").status_code == 403


def test_an_attendee_id_past_64_bits_is_an_invalid_choice_not_a_server_error(org, time_machine):
    # SQLite cannot compare such an id (Django's query raised OverflowError, a 500); no person has it.
    time_machine.move_to(at("2026-12-01T10:00:00+08:00"))
    body = {"unit": org.sub1.pk, "topic": "学习反诈知识", "kind": "rules", "date": "2026-11-30", "duration_minutes": 60}
    response = bearer(org.officer).post(
        "/api/v1/study-sessions/", {**body, "attendees": [org.officer.pk, 10**30]}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "attendees" in response.json()["errors"] and not StudySession.objects.exists()


def test_a_drill_is_recorded_with_who_attended_among_those_expected(org, time_machine):
    time_machine.move_to(at("2026-12-11T10:00:00+08:00"))
    drill = _drill(org)
    client = bearer(org.officer)
    body = {"held_at": "2026-12-10T16:00:00+08:00", "duration_minutes": 30, "score": 90}
    stranger = client.post(f"/api/v1/drills/{drill.pk}/record/", {**body, "attended": [org.outsider.pk]}, format="json")
    assert stranger.status_code == 400
    recorded = client.post(f"/api/v1/drills/{drill.pk}/record/", {**body, "attended": [org.officer.pk]}, format="json")
    assert recorded.status_code == 200 and recorded.json()["status"] == "done", recorded.json()
    assert list(drill.participants.filter(attended=True).values_list("person_id", flat=True)) == [org.officer.pk]


def _incident(org):
    from django.utils import timezone

    from incidents.models import Incident
    from incidents.services import incident_report

    incident = Incident(premises=org.outlet_a, kind="theft", occurred_at=timezone.now(), description="手机被盗")
    incident_report(incident=incident, by=org.officer)


@pytest.mark.parametrize("route, make", [("hazards", _hazard), ("incidents", _incident)])
def test_a_list_costs_the_same_queries_for_one_row_or_many(org, route, make):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = bearer(org.headoffice)
    make(org)
    client.get(f"/api/v1/{route}/")  # the token's "last used" is written on the first call of the minute
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/api/v1/{route}/").json()["count"] == 1
    for _ in range(4):
        make(org)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/api/v1/{route}/").json()["count"] == 5
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


PLAN = {
    "targets": "更换全部过期灭火器",
    "methods": "采购并逐台更换",
    "funds": "安保专项经费",
    "organisation": "营业部主任负责",
    "time_limit": "2099-01-01",
    "safety_measures": "更换期间配备临时灭火器",
}


def test_a_major_danger_gets_its_plan_through_the_api_and_can_then_be_started(org):
    hazard = hazard_report(
        premises=org.outlet_a, description="消防通道堵塞", category="fire", grade="major", by=org.security
    )
    security, head = bearer(org.security), bearer(org.outlethead)
    assigned = security.post(
        f"/api/v1/hazards/{hazard.pk}/assign/",
        {"responsible": org.outlethead.pk, "deadline": "2099-01-01", "note": ""},
        format="json",
    )
    assert assigned.status_code == 200, assigned.json()
    too_early = head.post(f"/api/v1/hazards/{hazard.pk}/start/", {}, format="json")
    assert too_early.status_code == 400 and too_early.json()["detail"] == "重大隐患须先制定治理方案，才能开始整改。"
    assert bearer(org.officer).post(f"/api/v1/hazards/{hazard.pk}/plan/", PLAN, format="json").status_code == 403
    assert bearer(org.outsider).post(f"/api/v1/hazards/{hazard.pk}/plan/", PLAN, format="json").status_code == 404
    empty = head.post(f"/api/v1/hazards/{hazard.pk}/plan/", {**PLAN, "funds": ""}, format="json")
    assert empty.status_code == 400 and "funds" in empty.json()["errors"]
    planned = head.post(f"/api/v1/hazards/{hazard.pk}/plan/", PLAN, format="json")
    assert planned.status_code == 200, planned.json()
    assert Hazard.objects.get(pk=hazard.pk).plan.funds == "安保专项经费"
    started = head.post(f"/api/v1/hazards/{hazard.pk}/start/", {}, format="json")
    assert started.status_code == 200 and started.json()["status"] == "rectifying", started.json()


def test_a_general_danger_needs_no_plan_and_says_so(org):
    hazard = _hazard(org)
    refused = bearer(org.security).post(f"/api/v1/hazards/{hazard.pk}/plan/", PLAN, format="json")
    assert refused.status_code == 400 and refused.json()["detail"] == "只有重大隐患需要治理方案。"


def test_a_drill_is_planned_by_the_security_department_in_its_scope(org):
    body = {
        "unit": org.sub1.pk,
        "premises": [org.outlet_a.pk],
        "kind": "on_site",
        "scenario": "营业厅火灾疏散",
        "planned_date": "2099-03-01",
    }
    planned = bearer(org.security).post("/api/v1/drills/", body, format="json")
    assert planned.status_code == 201, planned.json()
    assert planned.json()["status"] == "planned" and planned.json()["scenario"] == "营业厅火灾疏散"
    drill = Drill.objects.get(pk=planned.json()["id"])
    assert list(drill.premises.all()) == [org.outlet_a] and drill.lead == org.security
    assert bearer(org.officer).post("/api/v1/drills/", body, format="json").status_code == 403
    elsewhere = bearer(org.security).post("/api/v1/drills/", {**body, "unit": org.sub2.pk}, format="json")
    assert elsewhere.status_code == 404
    foreign_premises = bearer(org.security).post(
        "/api/v1/drills/", {**body, "premises": [org.outlet_b.pk]}, format="json"
    )
    assert foreign_premises.status_code == 400 and "premises" in foreign_premises.json()["errors"]


def test_an_incident_is_followed_up_by_the_security_department(org):
    from incidents.models import Incident

    _incident(org)
    incident = Incident.objects.get()
    url = f"/api/v1/incidents/{incident.pk}/follow-up/"
    body = {"status": "investigating", "follow_up": "", "loss_amount": "1200.00", "police_report_no": "JX-1"}
    assert bearer(org.officer).post(url, body, format="json").status_code == 403
    assert bearer(org.outsider).post(url, body, format="json").status_code == 404
    security = bearer(org.security)
    investigating = security.post(url, body, format="json")
    assert investigating.status_code == 200 and investigating.json()["status"] == "investigating"
    bare_close = security.post(url, {**body, "status": "closed"}, format="json")
    assert bare_close.status_code == 400
    assert bare_close.json()["detail"] == "结案前请填写后续处理措施。"
    closed = security.post(url, {**body, "status": "closed", "follow_up": "已报警并加装监控"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["closed_at"]
