"""Daily checks at the counter: time rules, two-person co-sign, drafts, flags and the register."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from branches.choices import Post
from inspections.choices import AssignmentStatus, Defence, Result
from inspections.cycles import cycle_open
from inspections.daily.selectors import cosigns_pending, daily_coverage, todays_checks
from inspections.daily.services import daily_check_cosign, daily_check_submit, group_pass
from inspections.models import Assignment
from inspections.overdue import assignments_mark_overdue
from inspections.services import inspection_start, standard_content_install
from tests.factories import PASSWORD, UserFactory
from tests.inspection_helpers import answer_all

pytestmark = pytest.mark.django_db
D = datetime.date


def at(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def daily(org):
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    cycle_open(month=D(2026, 10, 1))
    cycle_open(month=D(2026, 12, 1))
    return org


def _assignment(org, code, day):
    return Assignment.objects.get(rule__code=code, premises=org.outlet_a, period_start=day)


def _done_check(org, code, day, stated, time_machine, fail=()):
    time_machine.move_to(at(stated) - datetime.timedelta(minutes=5))
    inspection = inspection_start(assignment=_assignment(org, code, day), by=org.officer)
    answer_all(inspection, org.officer, fail=fail)
    time_machine.move_to(at(stated))
    daily_check_submit(inspection=inspection, by=org.officer, performed_at=at(stated))
    return inspection


def test_before_opening_check_after_opening_time_is_late(daily, time_machine):
    inspection = _done_check(daily, "L4-OPEN", D(2026, 12, 1), "2026-12-01T08:45:00+08:00", time_machine)
    daily_check_cosign(inspection=inspection, by=daily.outlethead)
    assert _assignment(daily, "L4-OPEN", D(2026, 12, 1)).status == AssignmentStatus.LATE
    on_time = _done_check(daily, "L4-OPEN", D(2026, 12, 2), "2026-12-02T08:10:00+08:00", time_machine)
    daily_check_cosign(inspection=on_time, by=daily.outlethead)
    assert _assignment(daily, "L4-OPEN", D(2026, 12, 2)).status == AssignmentStatus.DONE


def test_after_closing_check_claimed_before_closing_time_is_refused(daily, time_machine):
    time_machine.move_to(at("2026-12-01T16:58:00+08:00"))
    inspection = inspection_start(assignment=_assignment(daily, "L4-CLOSE", D(2026, 12, 1)), by=daily.officer)
    answer_all(inspection, daily.officer)
    with pytest.raises(ValidationError, match="营业后检查不能早于关门时间（17:00）"):
        daily_check_submit(inspection=inspection, by=daily.officer, performed_at=at("2026-12-01T16:55:00+08:00"))
    time_machine.move_to(at("2026-12-01T17:20:00+08:00"))
    daily_check_submit(inspection=inspection, by=daily.officer, performed_at=at("2026-12-01T17:15:00+08:00"))
    inspection.refresh_from_db()
    assert inspection.performed_at == at("2026-12-01T17:15:00+08:00")
    # The server's own time of receipt is kept apart from the stated time.
    assert abs(inspection.submitted_at - at("2026-12-01T17:20:00+08:00")) < datetime.timedelta(seconds=5)


def test_a_stated_time_in_the_future_is_refused(daily, time_machine):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    inspection = inspection_start(assignment=_assignment(daily, "L4-OPEN", D(2026, 12, 1)), by=daily.officer)
    answer_all(inspection, daily.officer)
    with pytest.raises(ValidationError, match="填报的时间是将来的时间"):
        daily_check_submit(inspection=inspection, by=daily.officer, performed_at=at("2026-12-01T09:30:00+08:00"))


def test_make_up_working_saturday_has_checks_and_the_closing_rule(daily, time_machine):
    saturday = D(2026, 10, 10)  # a make-up working day after National Day
    assert _assignment(daily, "L4-CLOSE", saturday).status == AssignmentStatus.OPEN
    time_machine.move_to(at("2026-10-10T16:00:00+08:00"))
    inspection = inspection_start(assignment=_assignment(daily, "L4-CLOSE", saturday), by=daily.officer)
    answer_all(inspection, daily.officer)
    with pytest.raises(ValidationError, match="营业后检查不能早于关门时间") as early:
        daily_check_submit(inspection=inspection, by=daily.officer, performed_at=at("2026-10-10T16:00:00+08:00"))
    assert early.value.code == "before_closing"
    assert not Assignment.objects.filter(premises=daily.outlet_a, period_start=D(2026, 10, 3)).exists()  # holiday


def test_done_means_submitted_and_co_signed_by_someone_else(daily, time_machine):
    inspection = _done_check(daily, "L4-OPEN", D(2026, 12, 1), "2026-12-01T08:05:00+08:00", time_machine)
    assert _assignment(daily, "L4-OPEN", D(2026, 12, 1)).status == AssignmentStatus.OPEN
    assert cosigns_pending(user=daily.outlethead, today=D(2026, 12, 1)) == [inspection]
    with pytest.raises(ValidationError, match="复核人必须是检查人以外的人"):
        daily_check_cosign(inspection=inspection, by=daily.officer)
    with pytest.raises(ValidationError, match="只有本网点负责人或其代理人可以复核签字"):
        daily_check_cosign(inspection=inspection, by=daily.outsider)
    daily_check_cosign(inspection=inspection, by=daily.outlethead)
    inspection.refresh_from_db()
    assert inspection.cosigned_by == daily.outlethead
    assert _assignment(daily, "L4-OPEN", D(2026, 12, 1)).status == AssignmentStatus.DONE


def test_an_acting_outlet_head_may_co_sign(daily, time_machine):
    from branches.models import Acting

    teller = UserFactory(username="teller1", unit=daily.sub1, home_premises=daily.outlet_a, post=Post.TELLER)
    Acting.objects.create(
        user=teller, post=Post.OUTLET_HEAD, premises=daily.outlet_a, start_date=D(2026, 12, 1), end_date=D(2026, 12, 5)
    )
    inspection = _done_check(daily, "L4-OPEN", D(2026, 12, 1), "2026-12-01T08:05:00+08:00", time_machine)
    daily_check_cosign(inspection=inspection, by=teller)
    assert _assignment(daily, "L4-OPEN", D(2026, 12, 1)).status == AssignmentStatus.DONE


def test_the_co_sign_window_closes_the_same_evening(daily, time_machine):
    inspection = _done_check(daily, "L4-CLOSE", D(2026, 12, 1), "2026-12-01T17:30:00+08:00", time_machine)
    time_machine.move_to(at("2026-12-02T00:05:00+08:00"))
    with pytest.raises(ValidationError, match="复核时限已于检查当日结束"):
        daily_check_cosign(inspection=inspection, by=daily.outlethead)
    assignments_mark_overdue(today=D(2026, 12, 2))
    assert _assignment(daily, "L4-CLOSE", D(2026, 12, 1)).status == AssignmentStatus.OVERDUE


def test_a_day_with_no_check_is_missed_and_coverage_counts_it(daily, time_machine):
    for day in (D(2026, 12, 1), D(2026, 12, 2)):
        for code, stated in (("L4-OPEN", "T08:05:00+08:00"), ("L4-CLOSE", "T17:30:00+08:00")):
            inspection = _done_check(daily, code, day, day.isoformat() + stated, time_machine)
            daily_check_cosign(inspection=inspection, by=daily.outlethead)
    # 3 December: only the opening check, never co-signed. 4 December: nothing.
    _done_check(daily, "L4-OPEN", D(2026, 12, 3), "2026-12-03T08:05:00+08:00", time_machine)
    assignments_mark_overdue(today=D(2026, 12, 5))
    coverage = daily_coverage(user=daily.security, start=D(2026, 12, 1), end=D(2026, 12, 4), today=D(2026, 12, 5))
    assert coverage.required_days == 4  # outlet A only: the self-service bank has patrols, not these checks
    assert coverage.covered_days == 2
    assert coverage.missed_checks == 4  # 3 Dec close, 3 Dec open (never co-signed), 4 Dec both
    assert coverage.unsigned_checks == 1
    theirs = daily_coverage(user=daily.outsider, start=D(2026, 12, 1), end=D(2026, 12, 4), today=D(2026, 12, 5))
    assert (theirs.required_days, theirs.covered_days) == (4, 0)  # outlet B's own days; none of A's work


def test_all_fine_answers_only_the_unanswered_items_of_one_group(daily, time_machine):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    inspection = inspection_start(assignment=_assignment(daily, "L4-OPEN", D(2026, 12, 1)), by=daily.officer)
    from inspections.services import answer_save

    failed = inspection.answers.get(item__code="OPN-05")
    answer_save(answer=failed, by=daily.officer, result=Result.FAIL, note="卷帘门有撬痕")
    assert group_pass(inspection=inspection, defence=Defence.PHYSICAL, by=daily.officer) == 3
    results = dict(inspection.answers.filter(item__defence=Defence.PHYSICAL).values_list("item__code", "result"))
    assert results == {"OPN-05": "fail", "OPN-06": "pass", "OPN-07": "pass", "OPN-08": "pass"}
    assert inspection.answers.filter(item__defence=Defence.CIVIL, result="").count() == 4


def test_the_all_fine_tap_returns_its_group_with_the_photos_already_given(daily, time_machine, login):
    """The tap's group comes back with each answer's photos (looked for only where there are some)."""
    from core.services import attachment_create
    from inspections.services import answer_save
    from tests.inspection_helpers import photo

    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    inspection = inspection_start(assignment=_assignment(daily, "L4-OPEN", D(2026, 12, 1)), by=daily.officer)
    failed = inspection.answers.get(item__code="OPN-05")
    answer_save(answer=failed, by=daily.officer, result=Result.FAIL, note="卷帘门有撬痕")
    attachment = attachment_create(owner=failed, upload=photo(), by=daily.officer)
    tap = reverse("inspections:daily_group_pass", args=[inspection.pk, Defence.PHYSICAL])
    page = login(daily.officer).post(tap, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("attachment_thumbnail", args=[attachment.pk]) in page
    assert page.count("<img") == 1  # the one photo, on the failed item only


def test_a_too_fast_submission_is_flagged(daily, time_machine):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"), tick=False)
    inspection = inspection_start(assignment=_assignment(daily, "L4-OPEN", D(2026, 12, 1)), by=daily.officer)
    answer_all(inspection, daily.officer)
    time_machine.move_to(at("2026-12-01T08:00:20+08:00"), tick=False)
    daily_check_submit(inspection=inspection, by=daily.officer)
    inspection.refresh_from_db()
    assert inspection.too_fast and inspection.seconds_spent == 20
    slow = _done_check(daily, "L4-OPEN", D(2026, 12, 2), "2026-12-02T08:05:00+08:00", time_machine)
    slow.refresh_from_db()
    assert not slow.too_fast and slow.seconds_spent == 300


def test_a_draft_survives_a_new_session(daily, time_machine):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    phone = Client()
    phone.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assignment = _assignment(daily, "L4-OPEN", D(2026, 12, 1))
    response = phone.post(reverse("inspections:daily_start", args=[assignment.pk]))
    inspection = assignment.inspections.get()
    answer = inspection.answers.get(item__code="OPN-01")
    phone.post(reverse("inspections:answer_save", args=[answer.pk]), {"result": "pass"}, HTTP_HX_REQUEST="true")
    phone.logout()  # the session is gone (closed browser, expired session)

    again = Client()
    again.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    today = again.get(reverse("inspections:today")).content.decode()
    assert "继续" in today
    page = again.get(reverse("inspections:daily_check", args=[inspection.pk])).content.decode()
    assert f'id="r{answer.pk}-pass" value="pass" checked' in page
    assert response.status_code == 302


def test_todays_list_shows_the_officers_checks_and_patrols(daily, time_machine):
    time_machine.move_to(at("2026-12-01T07:50:00+08:00"))
    codes = {a.rule.code for a in todays_checks(user=daily.officer)}
    assert codes == {"L4-OPEN", "L4-CLOSE", "L4-SSB"}


def test_the_register_pdf_lists_the_months_checks(daily, time_machine, login):
    inspection = _done_check(
        daily, "L4-OPEN", D(2026, 12, 1), "2026-12-01T08:05:00+08:00", time_machine, fail=("OPN-06",)
    )
    daily_check_cosign(inspection=inspection, by=daily.outlethead)
    time_machine.move_to(at("2026-12-03T10:00:00+08:00"))
    assignments_mark_overdue(today=D(2026, 12, 3))
    response = login(daily.security).get(
        reverse("inspections:daily_register", args=[daily.outlet_a.pk]) + "?month=2026-12"
    )
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "每日安全检查登记簿" in text and "城关营业部" in text
    assert "08:05" in text and "李主任" in text and "OPN-06" in text
    assert "未完成的检查" in text and "12-02" in text  # 2 December was never checked


# Measured 136 on SQLite (start 20, each of the 5 taps 17, submit 30; about 10 of each request are the
# session, the user and their scope): the writes no longer grow with the number of items. The summary
# tables' upkeep (the check's premises-month row, locked and recounted at submission) adds 8: 144-148.
# Then the scope in two queries, the answers read once at submission (no count, no re-read), the
# tap's group read once, only the premises-month row kept at a submission awaiting its co-sign: 111
# (112 on PostgreSQL). Then the scope in one query, a tap's photos looked for only where there are some,
# the submission, its summary row and the co-signer's notice in one transaction, the notice inserted
# unless sent today without a look first: 87 on PostgreSQL.
JOURNEY_QUERIES = 87


def test_the_all_fine_journey_is_cheap_and_fully_audited(daily, time_machine, django_assert_max_num_queries):
    """Start -> one "all fine" tap per group -> submit, as the phone does it: a bounded number of
    queries whatever the number of items (it was 207), every answer passed, and each answer's audit
    trail what answering it alone writes: created at the start, then "Answered" by the officer,
    from the tap's address and page."""
    time_machine.move_to(at("2026-12-01T17:35:00+08:00"), tick=False)
    phone = Client()
    phone.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assignment = _assignment(daily, "L4-CLOSE", D(2026, 12, 1))
    groups = sorted(set(assignment.version.items.values_list("defence", flat=True)))
    with django_assert_max_num_queries(JOURNEY_QUERIES):
        phone.post(reverse("inspections:daily_start", args=[assignment.pk]))
        inspection = assignment.inspections.get()
        for defence in groups:
            tap = reverse("inspections:daily_group_pass", args=[inspection.pk, defence])
            assert phone.post(tap, HTTP_HX_REQUEST="true").status_code == 200
        time_machine.move_to(at("2026-12-01T17:42:00+08:00"), tick=False)
        submit = reverse("inspections:daily_submit", args=[inspection.pk])
        assert phone.post(submit, {"performed_at": "2026-12-01T17:40"}).status_code == 302
    inspection.refresh_from_db()
    assert inspection.is_submitted and not inspection.too_fast
    answers = list(inspection.answers.select_related("item"))
    assert len(answers) > 10 and {a.result for a in answers} == {Result.PASS}
    for answer in answers:
        trail = [
            (h.history_type, h.history_change_reason, h.history_user_id, h.result, h.ip_address, h.request_path)
            for h in answer.history.order_by("history_id")
        ]
        tap = reverse("inspections:daily_group_pass", args=[inspection.pk, answer.item.defence])
        start = reverse("inspections:daily_start", args=[assignment.pk])
        assert trail == [
            ("+", "inspection.start", daily.officer.pk, "", "127.0.0.1", start),
            ("~", "inspection.answer", daily.officer.pk, Result.PASS, "127.0.0.1", tap),
        ]
        assert answer.answered_at == at("2026-12-01T17:35:00+08:00")
