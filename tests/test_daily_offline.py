"""The daily check sent later from a phone's offline queue: each write carries the id the phone gave
it, so a retry is done once; what the server refuses is a 409 with its reasons in the officer's
language; the stated time is kept beside the time of receipt. Plus the installable app's files and
the sign-out that clears the phone."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse

from core.models import ClientRequest
from core.selectors import attachments_of
from inspections.choices import InspectionStatus
from inspections.daily.services import daily_check_submit
from inspections.models import Assignment, Inspection
from inspections.services import inspection_start
from tests.inspection_helpers import answer_all, at, daily_engine, photo

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2026, 12, 1)  # a Tuesday: outlet A opens at 08:30 and closes at 17:00


@pytest.fixture
def daily(org):
    return daily_engine(org, DAY)


def _assignment(org, code="L4-OPEN", day=DAY):
    return Assignment.objects.get(rule__code=code, premises=org.outlet_a, period_start=day)


def _started(org, time_machine, code="L4-OPEN", when="2026-12-01T08:00:00+08:00"):
    time_machine.move_to(at(when))
    return inspection_start(assignment=_assignment(org, code), by=org.officer)


def test_the_same_start_sent_twice_makes_one_check(daily, time_machine, login):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    phone = login(daily.officer)
    url = reverse("inspections:daily_start", args=[_assignment(daily).pk])
    client_id = str(uuid.uuid4())
    first = phone.post(url, {"client_id": client_id})
    again = phone.post(url, {"client_id": client_id})
    assert first.json() == {"status": "done"}
    assert again.json() == {"status": "duplicate"}
    assert Inspection.objects.count() == 1


def test_a_photo_sent_twice_under_one_id_is_attached_once(daily, time_machine, login):
    inspection = _started(daily, time_machine)
    answer = inspection.answers.get(item__code="OPN-05")
    phone = login(daily.officer)
    url = reverse("inspections:answer_save", args=[answer.pk])
    client_id = str(uuid.uuid4())
    fields = {"result": "fail", "note": "卷帘门底部有撬压痕迹", "client_id": client_id}
    assert phone.post(url, {**fields, "photos": photo()}).status_code == 200
    assert phone.post(url, {**fields, "photos": photo()}).json() == {"status": "duplicate"}
    assert attachments_of(answer).count() == 1
    # Another change (another id) is a new write.
    assert phone.post(url, {"result": "fail", "note": "已报修", "client_id": str(uuid.uuid4())}).status_code == 200
    answer.refresh_from_db()
    assert answer.note == "已报修"


def test_a_submission_retried_is_one_submission_with_the_stated_time(daily, time_machine, login):
    inspection = _started(daily, time_machine)
    answer_all(inspection, daily.officer)
    # Done at 08:10 on the phone, without a connection; the phone reaches the server at 08:40.
    time_machine.move_to(at("2026-12-01T08:40:00+08:00"))
    phone = login(daily.officer)
    url = reverse("inspections:daily_submit", args=[inspection.pk])
    sent = {"performed_at": "2026-12-01T08:10", "client_id": str(uuid.uuid4())}
    assert phone.post(url, sent).json() == {"status": "done"}
    assert phone.post(url, sent).json() == {"status": "duplicate"}

    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.performed_at == at("2026-12-01T08:10:00+08:00")
    assert abs(inspection.submitted_at - at("2026-12-01T08:40:00+08:00")) < datetime.timedelta(seconds=5)
    assert daily.outlethead.notifications.filter(kind="daily_cosign").count() == 1
    page = phone.get(reverse("inspections:daily_check", args=[inspection.pk])).content.decode()
    assert "2026-12-01 08:10" in page and "2026-12-01 08:40" in page  # stated and received, both shown


def test_a_late_sync_of_an_earlier_stated_check_is_accepted(daily, time_machine, login):
    inspection = _started(daily, time_machine)
    answer_all(inspection, daily.officer)
    time_machine.move_to(at("2026-12-02T09:00:00+08:00"))  # the phone was offline until the next morning
    phone = login(daily.officer)
    response = phone.post(
        reverse("inspections:daily_submit", args=[inspection.pk]),
        {"performed_at": "2026-12-01T08:10", "client_id": str(uuid.uuid4())},
    )
    assert response.json() == {"status": "done"}
    inspection.refresh_from_db()
    assert inspection.performed_at == at("2026-12-01T08:10:00+08:00")
    assert inspection.submitted_at.date() == D(2026, 12, 2)


def test_a_check_submitted_elsewhere_is_a_clear_conflict(daily, time_machine, login):
    inspection = _started(daily, time_machine)
    answer_all(inspection, daily.officer)
    daily_check_submit(inspection=inspection, by=daily.officer)  # from the office computer, say
    phone = login(daily.officer)
    answer = inspection.answers.get(item__code="OPN-01")
    response = phone.post(
        reverse("inspections:answer_save", args=[answer.pk]), {"result": "fail", "client_id": str(uuid.uuid4())}
    )
    assert response.status_code == 409
    assert response.json()["messages"] == ["已提交的检查不能修改；请登记更正。"]
    submit = phone.post(
        reverse("inspections:daily_submit", args=[inspection.pk]),
        {"performed_at": "2026-12-01T08:05", "client_id": str(uuid.uuid4())},
    )
    assert submit.status_code == 409
    assert submit.json()["messages"] == ["已提交的检查不能修改；请登记更正。"]
    answer.refresh_from_db()
    assert answer.result == "pass"  # nothing was changed behind the officer's back
    assert not ClientRequest.objects.exists()  # refused writes are not recorded: a retry is refused again


def test_a_stated_time_the_rules_refuse_is_a_conflict_in_english_for_an_english_reader(daily, time_machine, login):
    inspection = _started(daily, time_machine, code="L4-CLOSE", when="2026-12-01T16:50:00+08:00")
    answer_all(inspection, daily.officer)
    daily.officer.language = "en"
    daily.officer.save(update_fields=["language"])
    time_machine.move_to(at("2026-12-01T17:30:00+08:00"))
    response = login(daily.officer).post(
        reverse("inspections:daily_submit", args=[inspection.pk]),
        {"performed_at": "2026-12-01T16:55", "client_id": str(uuid.uuid4())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert response.json()["messages"] == ["An after-closing check cannot be done before closing time (17:00)."]
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_an_id_that_is_not_a_uuid_is_refused(daily, time_machine, login):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    response = login(daily.officer).post(
        reverse("inspections:daily_start", args=[_assignment(daily).pk]), {"client_id": "1 OR 1=1"}
    )
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_signing_out_tells_the_browser_to_forget_the_sites_data(daily, login):
    response = login(daily.officer).post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_service_worker_is_served_from_the_root_with_its_offline_files(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    source = response.content.decode()
    assert "const PRECACHE = [" in source and "/static/js/offline-check.js" in source
    assert 'addEventListener("fetch"' in source


def test_the_web_manifest_starts_at_todays_checks_in_the_readers_language(client):
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    assert manifest["start_url"] == reverse("inspections:today") == "/inspections/today/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    english = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content)
    assert english["name"] == "SafetyBank" and manifest["name"] != english["name"]


def test_the_browsers_own_fetches_of_the_app_files_do_not_renew_a_session(daily, login):
    phone = login(daily.officer)
    for path in ("/sw.js", "/manifest.webmanifest"):
        response = phone.get(path)
        assert response.status_code == 200
        assert "sessionid" not in response.cookies  # an idle session still ends on time
