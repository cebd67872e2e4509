"""Inspections at levels 1, 2, 3 and 5: answering, submitting, immutability, corrections,
acknowledgement of the inspection facts, and the hidden dangers they raise."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from branches.choices import Post
from branches.models import RefusedAccess
from core.selectors import signatures_of
from core.services import attachment_create
from inspections.choices import AssignmentStatus, Level
from inspections.cycles import cycle_open
from inspections.hazards.models import Hazard
from inspections.models import Assignment, ChecklistTemplate
from inspections.rules import may_correct
from inspections.selectors import compliance_grid, compliance_rollup
from inspections.services import (
    answer_save,
    checklist_revise,
    inspection_acknowledge,
    inspection_correct,
    inspection_start,
    inspection_start_unannounced,
    inspection_submit,
    standard_content_install,
)
from safetybank.audit import reason_text
from tests.factories import UserFactory, bank_tree
from tests.inspection_helpers import answer_all, photo

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def engine(org):
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    return org


def _weekly(engine):
    return ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT")


def test_unannounced_weekly_check_counts_toward_the_open_requirement(engine, time_machine):
    time_machine.move_to("2026-12-08 10:00:00+08:00")
    cycle_open(month=D(2026, 12, 1))
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    answer_all(inspection, engine.security)
    inspection_submit(inspection=inspection, by=engine.security)
    inspection.refresh_from_db()
    assert inspection.assignment.period_start == D(2026, 12, 7)
    assert inspection.assignment.status == AssignmentStatus.DONE


def test_a_failed_item_raises_a_hidden_danger_with_its_photo(engine, time_machine):
    time_machine.move_to("2026-12-08 10:00:00+08:00")
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    answer_all(inspection, engine.security, fail=("WK-05",), note="通勤门锁舌损坏")
    failed = inspection.answers.get(item__code="WK-05")
    with pytest.raises(ValidationError, match="WK-05 不合格：须上传照片"):
        inspection_submit(inspection=inspection, by=engine.security)  # a photo is required for WK-05
    attachment_create(owner=failed, upload=photo(), by=engine.security)
    [hazard] = inspection_submit(inspection=inspection, by=engine.security)
    assert (hazard.premises, hazard.item_code, hazard.category) == (engine.outlet_a, "WK-05", "physical")
    assert hazard.description == "通勤门锁舌损坏"
    assert hazard.found_by == engine.security
    assert hazard.source_answer == failed


def test_unanswered_items_block_submission_with_their_codes(engine):
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    with pytest.raises(ValidationError, match="WK-01 尚未填写") as error:
        inspection_submit(inspection=inspection, by=engine.security)
    assert "WK-02 尚未填写" in str(error.value)


def test_a_submitted_inspection_is_immutable_and_corrected_by_a_new_record(engine):
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    answer_all(inspection, engine.security)
    inspection_submit(inspection=inspection, by=engine.security)
    answer = inspection.answers.first()
    with pytest.raises(ValidationError, match="已提交的检查不能修改"):
        answer_save(answer=answer, by=engine.security, result="fail", note="x")
    correction = inspection_correct(inspection=inspection, by=engine.security, reason="WK-03 记录有误")
    assert correction.corrects == inspection
    assert correction.answers.count() == inspection.answers.count()
    assert inspection.answers.get(pk=answer.pk).result == "pass"


def test_president_inspects_a_premises_of_the_sub_branch(engine):
    cycle_open(month=D(2026, 12, 1))
    assignment = Assignment.objects.get(rule__code="L1-PRESIDENT", unit=engine.sub1)
    with pytest.raises(ValidationError, match=f"请选择 {engine.sub1} 的网点"):
        inspection_start(assignment=assignment, by=engine.president, premises=engine.outlet_b)
    inspection = inspection_start(assignment=assignment, by=engine.president, premises=engine.outlet_a)
    assert inspection_start(assignment=assignment, by=engine.president) == inspection  # back to the draft
    answer_all(inspection, engine.president)
    inspection_submit(inspection=inspection, by=engine.president)
    assignment.refresh_from_db()
    assert assignment.status in (AssignmentStatus.DONE, AssignmentStatus.LATE)


def test_outlet_head_acknowledges_with_an_objection_and_the_letter_shows_it(engine, login):
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    answer_all(inspection, engine.security, fail=("WK-06",), note="钢叉缺一把")
    inspection_submit(inspection=inspection, by=engine.security)
    with pytest.raises(ValidationError, match="检查事实须由被检查网点负责人确认"):
        inspection_acknowledge(inspection=inspection, by=engine.outsider, ip=None)
    signature = inspection_acknowledge(
        inspection=inspection, by=engine.outlethead, ip="10.0.0.9", objection="钢叉已送修，非缺失"
    )
    assert signature.objection == "钢叉已送修，非缺失"
    assert signatures_of(inspection).count() == 1
    response = login(engine.outlethead).get(reverse("inspections:confirmation_letter", args=[inspection.pk]))
    assert response["Content-Type"] == "application/pdf"
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "检查事实确认书" in text and "钢叉缺一把" in text and "钢叉已送修" in text


def test_compliance_numbers_match_a_hand_count(engine, time_machine):
    time_machine.move_to("2026-12-15 12:00:00+08:00")
    cycle_open(month=D(2026, 12, 1))
    weekly = list(
        Assignment.objects.filter(rule__code="L3-CONTRACT", premises=engine.outlet_a).order_by("period_start")
    )
    # Week of 7 Dec: done on time. Week of 14 Dec: done late (after its due date). Others open.
    for assignment, when in ((weekly[0], "2026-12-10 09:00:00+08:00"), (weekly[1], "2026-12-21 09:00:00+08:00")):
        time_machine.move_to(when)
        inspection = inspection_start(assignment=assignment, by=engine.security)
        answer_all(inspection, engine.security)
        inspection_submit(inspection=inspection, by=engine.security)
    grid = compliance_grid(user=engine.security, month=D(2026, 12, 1), today=D(2026, 12, 29))
    cells = dict(grid.rows)[engine.outlet_a]
    level3 = cells[Level.L3_SECURITY]
    assert (level3.required, level3.on_time, level3.late, level3.missed, level3.pending) == (4, 1, 1, 1, 1)
    # Branch 2 is not in the security department's grid at all.
    assert engine.outlet_b not in dict(grid.rows)
    daily = cells[Level.L4_PREMISES]
    assert daily.required == 23 * 2  # open and close on each of December's 23 working days


def test_compliance_grid_queries_do_not_grow_with_premises(engine):
    cycle_open(month=D(2026, 12, 1))
    with CaptureQueriesContext(connection) as few:
        compliance_grid(user=engine.headoffice, month=D(2026, 12, 1))
    # A realistic tree (branches, sub-branches, a few premises each), not one wide sub-branch.
    bank_tree(engine.head_office, branches=4, sub_branches=3, premises=2)
    cycle_open(month=D(2027, 1, 1))
    with CaptureQueriesContext(connection) as many:
        grid = compliance_grid(user=engine.headoffice, month=D(2027, 1, 1))
    assert len(grid.rows) >= 27
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as rolled_up:
        compliance_rollup(user=engine.headoffice, month=D(2027, 1, 1))
    assert len(rolled_up) <= len(few) + 3


def test_hazards_are_scoped(engine):
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    answer_all(inspection, engine.security, fail=("WK-06",))
    inspection_submit(inspection=inspection, by=engine.security)
    assert Hazard.objects.for_user(engine.officer).count() == 1
    assert Hazard.objects.for_user(engine.outsider).count() == 0


def test_a_branch_adds_its_own_checklist_seen_down_its_subtree_only(engine, login):
    client = login(engine.security)
    response = client.post(
        reverse("inspections:checklist_create"),
        {"code": "B1-ATM-NIGHT", "purpose": "self_service_patrol", "name": "自助银行夜间巡查", "name_en": ""},
    )
    template = ChecklistTemplate.objects.get(code="B1-ATM-NIGHT")
    assert response["Location"] == reverse("inspections:checklist_edit", args=[template.pk])
    assert template.owner_unit == engine.branch1
    assert ChecklistTemplate.objects.visible_to(engine.officer).filter(pk=template.pk).exists()
    assert not ChecklistTemplate.objects.visible_to(engine.outsider).filter(pk=template.pk).exists()
    again = client.post(
        reverse("inspections:checklist_create"),
        {"code": "B1-ATM-NIGHT", "purpose": "self_service_patrol", "name": "重复", "name_en": ""},
    )
    assert "已存在" in again.content.decode()


# --------------------------------------------------------------------------- audit and who corrects


def _submitted_security_check(engine, fail=("WK-03",)):
    """Security's weekly check of the officer's own outlet, with a failed item."""
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    answer_all(inspection, engine.security, fail=fail, note="防尾随门故障")
    inspection_submit(inspection=inspection, by=engine.security)
    return inspection


def test_officer_cannot_correct_securitys_inspection_of_their_own_outlet(engine, login):
    inspection = _submitted_security_check(engine)
    client = login(engine.officer)
    url = reverse("inspections:inspection_correct", args=[inspection.pk])
    assert url not in client.get(inspection.get_absolute_url()).content.decode()  # no correction form offered
    response = client.post(url, {"reason": "WK-03 已修好，应为合格"})
    assert response.status_code == 403
    assert RefusedAccess.objects.filter(user=engine.officer, action="inspection.correct", path=url).exists()
    assert not inspection.corrections.exists()
    with pytest.raises(ValidationError, match="只有检查人、其所在部门或其上级可以更正检查"):
        inspection_correct(inspection=inspection, by=engine.outlethead, reason="不同意")
    assert inspection.answers.get(item__code="WK-03").result == "fail"


def test_the_inspector_their_department_and_their_superiors_may_correct(engine, login):
    inspection = _submitted_security_check(engine)
    colleague = UserFactory(username="colleague", unit=engine.b1_security, post=Post.SECURITY_DEPARTMENT)
    for person in (engine.security, colleague, engine.headoffice, engine.president):
        assert may_correct(person, inspection), person
    for person in (engine.officer, engine.outlethead, engine.outsider):
        assert not may_correct(person, inspection), person
    response = login(colleague).post(
        reverse("inspections:inspection_correct", args=[inspection.pk]), {"reason": "WK-03 记录有误"}
    )
    correction = inspection.corrections.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{correction.pk}/answer/")
    assert correction.inspector == colleague


def test_an_answer_cannot_land_after_submission_and_each_answer_is_audited(engine):
    inspection = inspection_start_unannounced(
        premises=engine.outlet_a, level=Level.L3_SECURITY, template=_weekly(engine), by=engine.security
    )
    stale = inspection.answers.get(item__code="WK-02")  # a page opened before the submission
    answer_all(inspection, engine.security)
    inspection_submit(inspection=inspection, by=engine.security)
    rows = stale.history.count()
    with pytest.raises(ValidationError, match="已提交的检查不能修改"):
        answer_save(answer=stale, by=engine.security, result="fail", note="事后补录")
    stale.refresh_from_db()
    assert (stale.result, stale.history.count()) == ("pass", rows)
    latest = stale.history.first()
    assert (latest.result, latest.history_user, latest.history_change_reason) == (
        "pass",
        engine.security,
        "inspection.answer",
    )


def test_cosigning_shows_the_cosigner_in_the_inspections_history(engine, time_machine):
    from inspections.daily.services import daily_check_cosign, daily_check_submit

    time_machine.move_to("2026-12-01T07:50:00+08:00")
    cycle_open(month=D(2026, 12, 1))
    assignment = Assignment.objects.get(rule__code="L4-OPEN", premises=engine.outlet_a, period_start=D(2026, 12, 1))
    inspection = inspection_start(assignment=assignment, by=engine.officer)
    answer_all(inspection, engine.officer)
    time_machine.move_to("2026-12-01T08:10:00+08:00")
    daily_check_submit(inspection=inspection, by=engine.officer)
    daily_check_cosign(inspection=inspection, by=engine.outlethead)
    latest = inspection.history.first()
    assert (latest.cosigned_by, latest.history_user, latest.history_change_reason) == (
        engine.outlethead,
        engine.outlethead,
        "inspection.cosign",
    )
    assert latest.cosigned_at is not None


def test_checklist_versions_and_items_are_audited_and_reasons_read_in_the_readers_language(engine):
    template = _weekly(engine)
    inspection = _submitted_security_check(engine, fail=())
    items = [
        {
            f: getattr(item, f)
            for f in ("code", "defence", "text", "text_en", "guidance", "answer_type", "photo_on_fail")
        }
        for item in inspection.version.items.all()
    ]
    items[0]["text"] = "营业场所出入口门禁完好"
    new_version = checklist_revise(template=template, items=items, by=engine.headoffice, note="门禁表述调整")
    assert new_version.number == 2
    assert new_version.history.get().history_change_reason == "checklist.revise"
    item = new_version.items.get(code=items[0]["code"])
    assert (item.history.get().text, item.history.get().history_user) == ("营业场所出入口门禁完好", engine.headoffice)
    reason = inspection.history.first().history_change_reason
    assert reason == "inspection.submit"
    assert reason_text(reason) == "已提交"
    with translation.override("en"):
        assert reason_text(reason) == "Submitted"
    assert reason_text("门禁表述调整") == "门禁表述调整"  # a typed reason is shown as typed
