"""The hidden-danger loop: every allowed and refused transition, who may verify, the governance-plan
gate, escalation and repeat findings with frozen time, pages, export, my tasks and orphans."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.choices import Post
from branches.selectors import staff_who_left
from branches.services import staff_leave
from core.models import Notification
from core.selectors import attachments_of
from core.tasks_registry import tasks_for
from core.uploads import check_upload
from inspections.choices import EscalationLevel, HazardEventKind, HazardGrade, HazardStatus, Level
from inspections.hazards import rectification, services
from inspections.hazards.models import Hazard, HazardPolicy
from inspections.hazards.registrations import hazard_tasks, orphaned_hazards
from inspections.models import ChecklistTemplate
from inspections.services import inspection_start_unannounced, inspection_submit, standard_content_install
from tests.factories import UserFactory
from tests.inspection_helpers import answer_all, photo

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)  # a Monday


def evidence():
    return [check_upload(photo())]


def raise_at_a(org, **kwargs):
    defaults = {"premises": org.outlet_a, "description": "灭火器压力不足", "category": "fire", "found_by": org.officer}
    return services.hazard_raise(**{**defaults, **kwargs})


def assigned(org, **kwargs):
    hazard = raise_at_a(org, **kwargs)
    return rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 6)
    )


def submitted(org, **kwargs):
    hazard = rectification.hazard_start(hazard=assigned(org, **kwargs), by=org.outlethead)
    return rectification.hazard_submit_fix(hazard=hazard, by=org.outlethead, note="已更换灭火器", uploads=evidence())


def kinds(hazard):
    return list(hazard.events.values_list("kind", flat=True))


# --------------------------------------------------------------------------- the happy path and its timeline


@time_machine.travel(NOW, tick=False)
def test_the_loop_closes_only_after_independent_verification_with_a_full_timeline(org):
    hazard = submitted(org)
    hazard = rectification.hazard_send_back(hazard=hazard, by=org.security, reason="照片看不清压力表")
    assert hazard.status == HazardStatus.RECTIFYING
    hazard = rectification.hazard_submit_fix(hazard=hazard, by=org.outlethead, note="重新拍照", uploads=evidence())
    hazard = rectification.hazard_verify(hazard=hazard, by=org.security, note="现场核实")
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_at and hazard.verified_by == org.security
    assert kinds(hazard) == ["reported", "assigned", "started", "submitted", "sent_back", "submitted", "verified"]
    sent_back = hazard.events.get(kind=HazardEventKind.SENT_BACK)
    assert (sent_back.by, sent_back.note) == (org.security, "照片看不清压力表")
    assert all(attachments_of(e).count() == 1 for e in hazard.events.filter(kind=HazardEventKind.SUBMITTED))
    assert hazard.history.count() >= 6  # audited, with reasons
    assert Notification.objects.filter(user=org.outlethead, kind="hazard.sent_back").exists()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("start", HazardStatus.REPORTED),
        ("submit", HazardStatus.ASSIGNED),
        ("verify", HazardStatus.RECTIFYING),
        ("send_back", HazardStatus.ASSIGNED),
        ("fix", HazardStatus.ASSIGNED),
        ("assign", HazardStatus.SUBMITTED),
        ("verify", HazardStatus.CLOSED),
        ("grade", HazardStatus.CLOSED),
    ],
)
def test_an_illegal_transition_is_refused_with_a_clear_message(org, step, status):
    hazard = raise_at_a(org)
    Hazard.objects.filter(pk=hazard.pk).update(status=status, responsible=org.outlethead)
    hazard.refresh_from_db()
    calls = {
        "start": lambda: rectification.hazard_start(hazard=hazard, by=org.outlethead),
        "submit": lambda: rectification.hazard_submit_fix(
            hazard=hazard, by=org.outlethead, note="x", uploads=evidence()
        ),
        "verify": lambda: rectification.hazard_verify(hazard=hazard, by=org.security),
        "send_back": lambda: rectification.hazard_send_back(hazard=hazard, by=org.security, reason="x"),
        "fix": lambda: rectification.hazard_fix_on_spot(hazard=hazard, by=org.officer, note="x", uploads=evidence()),
        "assign": lambda: rectification.hazard_assign(
            hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 9)
        ),
        "grade": lambda: rectification.hazard_grade(hazard=hazard, by=org.security, grade="major", reason="x"),
    }
    with pytest.raises(ValidationError, match="现在不能进行此步骤"):
        calls[step]()
    hazard.refresh_from_db()
    assert hazard.status == status


@time_machine.travel(NOW, tick=False)
def test_submitting_needs_a_note_and_a_photo_and_the_responsible_person(org):
    hazard = rectification.hazard_start(hazard=assigned(org), by=org.outlethead)
    with pytest.raises(ValidationError, match="请至少上传一张整改照片"):
        rectification.hazard_submit_fix(hazard=hazard, by=org.outlethead, note="已更换", uploads=[])
    with pytest.raises(ValidationError, match="请说明整改情况"):
        rectification.hazard_submit_fix(hazard=hazard, by=org.outlethead, note=" ", uploads=evidence())
    with pytest.raises(ValidationError, match="只有责任人可以提交整改"):
        rectification.hazard_submit_fix(hazard=hazard, by=org.officer, note="已更换", uploads=evidence())
    with pytest.raises(ValidationError, match="请说明退回整改的原因"):
        rectification.hazard_send_back(hazard=submitted(org), by=org.security, reason="  ")


@time_machine.travel(NOW, tick=False)
def test_assignment_refuses_the_past_people_who_left_and_people_out_of_reach(org):
    hazard = raise_at_a(org)
    with pytest.raises(ValidationError, match="整改期限不能早于今天"):
        rectification.hazard_assign(
            hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 1)
        )
    with pytest.raises(ValidationError, match="责任人必须在该场所工作或负责该场所"):
        rectification.hazard_assign(
            hazard=hazard, by=org.security, responsible=org.outsider, deadline=datetime.date(2026, 3, 9)
        )
    with pytest.raises(ValidationError, match="您无权指派隐患"):
        rectification.hazard_assign(
            hazard=hazard, by=org.officer, responsible=org.outlethead, deadline=datetime.date(2026, 3, 9)
        )
    org.outlethead.is_active = False
    org.outlethead.save()
    with pytest.raises(ValidationError, match="该责任人已离职"):
        rectification.hazard_assign(
            hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 9)
        )


# --------------------------------------------------------------------------- who may verify


@time_machine.travel(NOW, tick=False)
def test_the_rectifier_the_responsible_person_and_premises_staff_never_verify(org):
    hazard = submitted(org)
    with pytest.raises(ValidationError, match="隐患的整改人和责任人不能验收该隐患"):
        rectification.hazard_verify(hazard=hazard, by=org.outlethead)
    with pytest.raises(ValidationError, match="被检查网点的员工不能验收本网点的隐患"):
        rectification.hazard_verify(hazard=hazard, by=org.officer)
    with pytest.raises(ValidationError, match="该隐患不在您的管辖范围内"):
        rectification.hazard_verify(hazard=hazard, by=org.outsider)
    # the security department verifies — unless it rectified the danger itself
    Hazard.objects.filter(pk=hazard.pk).update(rectified_by=org.security)
    hazard.refresh_from_db()
    with pytest.raises(ValidationError, match="隐患的整改人和责任人不能验收该隐患"):
        rectification.hazard_verify(hazard=hazard, by=org.security)
    assert rectification.hazard_verify(hazard=hazard, by=org.headoffice).status == HazardStatus.CLOSED


@time_machine.travel(NOW, tick=False)
def test_the_inspector_verifies_but_not_the_danger_he_fixed_on_the_spot(org):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    template = ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT")
    inspector = UserFactory(username="inspector2", unit=org.b1_security, post=Post.SECURITY_DEPARTMENT)
    inspection = inspection_start_unannounced(
        premises=org.outlet_a, level=Level.L1_PRESIDENT, template=template, by=org.president
    )
    answer_all(inspection, org.president, fail=("WK-03", "WK-06"))
    first, second = inspection_submit(inspection=inspection, by=org.president)
    assert first.source_inspection == inspection

    rectification.hazard_fix_on_spot(hazard=first, by=org.president, note="当场整改", uploads=evidence())
    first.refresh_from_db()
    assert first.status == HazardStatus.SUBMITTED and first.fixed_on_spot
    with pytest.raises(ValidationError, match="隐患的整改人和责任人不能验收该隐患"):
        rectification.hazard_verify(hazard=first, by=org.president)  # he fixed it
    assert rectification.hazard_verify(hazard=first, by=inspector).status == HazardStatus.CLOSED

    rectification.hazard_assign(
        hazard=second, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 9)
    )
    rectification.hazard_start(hazard=second, by=org.outlethead)
    rectification.hazard_submit_fix(hazard=second, by=org.outlethead, note="已修复", uploads=evidence())
    second.refresh_from_db()
    assert rectification.hazard_verify(hazard=second, by=org.president).status == HazardStatus.CLOSED  # the inspector


@time_machine.travel(NOW, tick=False)
def test_a_major_danger_cannot_be_fixed_on_the_spot(org):
    hazard = raise_at_a(org, grade=HazardGrade.MAJOR)
    with pytest.raises(ValidationError, match="重大隐患不能当场整改"):
        rectification.hazard_fix_on_spot(hazard=hazard, by=org.officer, note="x", uploads=evidence())


# --------------------------------------------------------------------------- grading and the governance plan


PLAN = {
    "targets": "恢复110联网报警",
    "methods": "更换报警主机",
    "funds": "2万元",
    "organisation": "城东分行保卫部，李主任",
    "time_limit": datetime.date(2026, 3, 31),
    "safety_measures": "整改期间加派保安值守，启动应急预案",
}


@time_machine.travel(NOW, tick=False)
def test_a_major_danger_needs_its_governance_plan_before_rectification_starts(org):
    hazard = assigned(org, grade=HazardGrade.MAJOR)
    with pytest.raises(ValidationError, match="重大隐患须先制定治理方案，才能开始整改"):
        rectification.hazard_start(hazard=hazard, by=org.outlethead)
    with pytest.raises(ValidationError, match="治理方案的六项内容必须全部填写"):
        rectification.hazard_plan_save(hazard=hazard, by=org.outlethead, **{**PLAN, "funds": " "})
    rectification.hazard_plan_save(hazard=hazard, by=org.outlethead, **PLAN)
    assert rectification.hazard_start(hazard=hazard, by=org.outlethead).status == HazardStatus.RECTIFYING
    assert HazardEventKind.PLAN_SAVED in kinds(hazard)


@time_machine.travel(NOW, tick=False)
def test_grading_is_for_the_security_department_and_above_and_a_major_one_is_told_upwards(org):
    leader = UserFactory(username="leader", unit=org.branch1, post=Post.LEADER_IN_CHARGE)
    hazard = raise_at_a(org)
    with pytest.raises(ValidationError, match="只有保卫部门及以上可以调整隐患等级"):
        rectification.hazard_grade(hazard=hazard, by=org.outlethead, grade="major", reason="严重")
    with pytest.raises(ValidationError, match="请说明调整等级的理由"):
        rectification.hazard_grade(hazard=hazard, by=org.security, grade="major", reason="")
    with pytest.raises(ValidationError, match="只有保卫部门及以上可以将隐患定为重大隐患"):
        services.hazard_report(premises=org.outlet_a, description="x", category="fire", by=org.officer, grade="major")
    rectification.hazard_grade(hazard=hazard, by=org.security, grade="major", reason="报警主机无法恢复")
    assert Notification.objects.filter(kind="hazard.major", user=leader).exists()
    assert Notification.objects.filter(kind="hazard.major", user=org.headoffice).exists()
    rectification.hazard_grade(hazard=hazard, by=org.security, grade="general", reason="已确认可当场恢复")
    assert [e.display_note for e in hazard.events.filter(kind="graded")][1].startswith("重大 → 一般")


# --------------------------------------------------------------------------- overdue, escalation, repeat findings


def test_overdue_dangers_are_reminded_daily_and_escalate_every_few_days_while_the_responsible_person_stays(org):
    leader = UserFactory(username="leader", unit=org.branch1, post=Post.LEADER_IN_CHARGE)
    with time_machine.travel(NOW, tick=False):
        hazard = assigned(org)  # deadline Friday 6 March
    with time_machine.travel(datetime.datetime(2026, 3, 7, 0, 30, tzinfo=TZ), tick=False):
        assert services.hazards_mark_overdue() == {"overdue": 1, "escalated": 0, "reminded": 1}
        assert services.hazards_mark_overdue() == {"overdue": 0, "escalated": 0, "reminded": 0}  # twice = once
    hazard.refresh_from_db()
    assert hazard.overdue_since == datetime.date(2026, 3, 7) and hazard.escalation_level == 0
    with time_machine.travel(datetime.datetime(2026, 3, 9, 0, 30, tzinfo=TZ), tick=False):
        assert services.hazards_mark_overdue()["escalated"] == 1  # 3 days overdue: security department
        hazard.refresh_from_db()
        assert hazard.escalation_level == EscalationLevel.SECURITY
        assert Notification.objects.filter(user=org.security, kind="hazard.escalated").exists()
        assert any(item.url == hazard.get_absolute_url() for item in hazard_tasks(org.security))
        assert not any(item.url == hazard.get_absolute_url() for item in hazard_tasks(leader))
    with time_machine.travel(datetime.datetime(2026, 3, 12, 0, 30, tzinfo=TZ), tick=False):
        services.hazards_mark_overdue()
        hazard.refresh_from_db()
        assert hazard.escalation_level == EscalationLevel.LEADERSHIP
        assert Notification.objects.filter(user=leader, kind="hazard.escalated").exists()
        assert any("领导" in item.detail or "分管" in item.detail for item in hazard_tasks(leader))
    with time_machine.travel(datetime.datetime(2026, 3, 30, 0, 30, tzinfo=TZ), tick=False):
        services.hazards_mark_overdue()
        hazard.refresh_from_db()
        assert hazard.escalation_level == EscalationLevel.HEAD_OFFICE  # and no further
    assert hazard.responsible == org.outlethead
    assert kinds(hazard).count("escalated") == 3


def test_the_escalation_days_come_from_head_offices_settings(org):
    HazardPolicy.objects.create(escalate_after_days=1)
    with time_machine.travel(NOW, tick=False):
        hazard = assigned(org)
    with time_machine.travel(datetime.datetime(2026, 3, 8, 1, tzinfo=TZ), tick=False):
        services.hazards_mark_overdue()
    hazard.refresh_from_db()
    assert hazard.escalation_level == EscalationLevel.LEADERSHIP  # two days overdue


def test_a_repeat_finding_within_30_days_is_flagged_and_starts_one_level_up(org):
    with time_machine.travel(NOW, tick=False):
        first = raise_at_a(org, item_code="KO-05")
        rectification.hazard_fix_on_spot(hazard=first, by=org.officer, note="已处理", uploads=evidence())
        rectification.hazard_verify(hazard=first, by=org.security)
    with time_machine.travel(NOW + datetime.timedelta(days=29), tick=False):
        again = raise_at_a(org, item_code="KO-05")
        other_item = raise_at_a(org, item_code="KO-06")
        elsewhere = raise_at_a(org, item_code="KO-05", premises=org.outlet_a2)
    assert again.is_repeat and again.repeat_of == first and again.escalation_level == EscalationLevel.SECURITY
    assert again.events.get(kind="reported").display_note.startswith(f"重复隐患：{first.code}")
    assert again.events.filter(kind="escalated").exists()
    assert not other_item.is_repeat and not elsewhere.is_repeat
    assert Notification.objects.filter(user=org.security, kind="hazard.escalated").exists()
    with time_machine.travel(NOW + datetime.timedelta(days=62), tick=False):
        rectification.hazard_fix_on_spot(hazard=again, by=org.officer, note="已处理", uploads=evidence())
    with time_machine.travel(NOW + datetime.timedelta(days=100), tick=False):
        assert not raise_at_a(org, item_code="KO-05").is_repeat  # the last one closed is not within 30 days


# --------------------------------------------------------------------------- pages


@time_machine.travel(NOW, tick=False)
def test_reporting_by_hand_with_a_photo_shows_the_danger_and_its_photo(client, org):
    client.force_login(org.officer)
    response = client.post(
        reverse("inspections:hazard_report"),
        {"premises": org.outlet_a.pk, "category": "physical", "description": "后门锁具损坏", "photos": photo()},
    )
    hazard = Hazard.objects.get()
    assert response.status_code == 302 and response["Location"] == hazard.get_absolute_url()
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "后门锁具损坏" in page and "手工上报" in page and "attachment" in page
    assert hazard.grade == HazardGrade.GENERAL and hazard.found_by == org.officer


@time_machine.travel(NOW, tick=False)
def test_a_bad_report_is_a_form_error_and_an_outside_premises_is_not_a_choice(client, org):
    client.force_login(org.officer)
    response = client.post(
        reverse("inspections:hazard_report"), {"premises": org.outlet_b.pk, "category": "fire", "description": ""}
    )
    assert response.status_code == 200 and Hazard.objects.count() == 0
    assert "选择一个有效的选项" in response.content.decode()  # outlet_b is outside the officer's scope


@time_machine.travel(NOW, tick=False)
def test_an_htmx_action_answers_with_the_refreshed_detail_and_errors_keep_what_was_typed(client, org):
    hazard = submitted(org)
    client.force_login(org.security)
    url = reverse("inspections:hazard_action", args=[hazard.pk, "send_back"])
    response = client.post(url, {"send_back-reason": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "hazard-body" in response.content.decode()
    assert Hazard.objects.get().status == HazardStatus.SUBMITTED
    response = client.post(url, {"send_back-reason": "照片模糊"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "照片模糊" in body and "整改中" in body
    # the outlet head cannot verify what he rectified: the action is refused with the reason
    client.force_login(org.outlethead)
    rectification.hazard_submit_fix(hazard=Hazard.objects.get(), by=org.outlethead, note="再次整改", uploads=evidence())
    response = client.post(
        reverse("inspections:hazard_action", args=[hazard.pk, "verify"]), {}, headers={"HX-Request": "true"}
    )
    assert "隐患的整改人和责任人不能验收该隐患" in response.content.decode()
    assert Hazard.objects.get().status == HazardStatus.SUBMITTED


@time_machine.travel(NOW, tick=False)
def test_the_list_filters_and_exports_what_the_user_may_see(client, org):
    hazard = assigned(org)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=datetime.date(2026, 2, 27))
    raise_at_a(org, description="监控探头偏移", category="technical")
    services.hazard_raise(premises=org.outlet_b, description="外行隐患", category="fire", found_by=org.outsider)
    client.force_login(org.security)
    page = client.get(reverse("inspections:hazard_list"), {"overdue": "yes"}).content.decode()
    assert "灭火器压力不足" in page and "监控探头偏移" not in page and "外行隐患" not in page
    export = client.get(reverse("inspections:hazard_export", args=["csv"]), {"category": "technical"})
    text = export.content.decode("utf-8-sig")
    assert "监控探头偏移" in text and "灭火器压力不足" not in text and "外行隐患" not in text
    assert client.get(reverse("inspections:hazard_export", args=["xlsx"])).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_major_danger_shows_its_plan_and_the_source_of_a_facility_or_drill_danger_is_linked(client, org):
    hazard = assigned(org, grade=HazardGrade.MAJOR)
    client.force_login(org.outlethead)
    page = client.get(hazard.get_absolute_url()).content.decode()
    assert "治理方案" in page and "开始整改" in page
    response = client.post(reverse("inspections:hazard_plan", args=[hazard.pk]), {**PLAN, "time_limit": "2026-03-31"})
    assert response.status_code == 302
    assert "恢复110联网报警" in client.get(hazard.get_absolute_url()).content.decode()


# --------------------------------------------------------------------------- my tasks and orphans


@time_machine.travel(NOW, tick=False)
def test_dangers_to_fix_and_to_verify_appear_in_my_tasks(org):
    to_fix = assigned(org)
    to_verify = submitted(org, description="监控回放失败")
    assert to_fix.get_absolute_url() in [item.url for item in tasks_for(org.outlethead)]
    assert to_verify.get_absolute_url() in [item.url for item in tasks_for(org.security)]
    assert to_verify.get_absolute_url() not in [item.url for item in tasks_for(org.outlethead)]


@time_machine.travel(NOW, tick=False)
def test_open_dangers_of_people_who_left_are_orphans(client, org):
    hazard = assigned(org)
    staff_leave(staff=org.outlethead, end_date=datetime.date(2026, 3, 2), by=org.security, reason="调离")

    items = orphaned_hazards(org.security, staff_who_left(user=org.security))
    assert [item.url for item in items] == [hazard.get_absolute_url()]
    client.force_login(org.security)
    assert hazard.code in client.get(reverse("branches:orphans")).content.decode()
    hazard = rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.officer, deadline=datetime.date(2026, 3, 9)
    )
    assert orphaned_hazards(org.security, staff_who_left(user=org.security)) == []
