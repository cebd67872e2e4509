"""The facilities ledger: due and overdue per cadence, signed tests, hidden dangers from failures,
reminders and "my tasks", the ledger PDF, scoped exports, investments and the counts selector."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Count
from django.urls import reverse
from pypdf import PdfReader

from branches.choices import Post
from core.choices import SignatureKind
from core.models import Notification, canonical_content
from core.selectors import signatures_of
from core.tasks_registry import tasks_for
from facilities.models import Cadence, Facility, FacilityTest, Investment
from facilities.selectors import facility_counts, schedule_rows, security_counts
from facilities.services import facility_save, facility_test_record, facility_tests_remind, investment_save
from incidents.models import Incident
from incidents.services import incident_report
from inspections.hazards.models import Hazard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def add(org, kind, premises=None, name=None, **values) -> Facility:
    """A facility entered into the ledger today (the frozen day of the test)."""
    facility = Facility(premises=premises or org.outlet_a, kind=kind, name=name or kind, **values)
    return facility_save(facility=facility, by=org.security)


def state(facility, test_kind, today):
    (row,) = [
        r
        for r in schedule_rows(Facility.objects.filter(pk=facility.pk), today=today)
        if r.cadence.test_kind == test_kind
    ]
    return row.state, row.next_due


@pytest.fixture
def ledger(org, time_machine):
    time_machine.move_to("2026-01-05 09:00:00+08:00")
    org.dvr = add(org, "cctv", name="营业厅硬盘录像机", channels=16, retention_days=30)
    org.alarm = add(org, "intrusion_alarm", name="入侵报警主机")
    org.extinguishers = add(org, "extinguisher", name="营业厅灭火器", quantity=6, extinguisher_type="dry_powder")
    org.link = add(org, "alarm_110", name="110联网报警")
    return org


@pytest.mark.parametrize(
    ("facility", "test_kind", "today", "expected"),
    [
        # The video recorder reboots weekly; it shows as due the day before.
        ("dvr", "dvr_reboot", D(2026, 1, 10), ("ok", D(2026, 1, 12))),
        ("dvr", "dvr_reboot", D(2026, 1, 11), ("due", D(2026, 1, 12))),
        ("dvr", "dvr_reboot", D(2026, 1, 12), ("due", D(2026, 1, 12))),
        ("dvr", "dvr_reboot", D(2026, 1, 13), ("overdue", D(2026, 1, 12))),
        # The alarm is tested monthly and fully each quarter.
        ("alarm", "alarm_monthly", D(2026, 1, 30), ("ok", D(2026, 2, 5))),
        ("alarm", "alarm_monthly", D(2026, 1, 31), ("due", D(2026, 2, 5))),
        ("alarm", "alarm_monthly", D(2026, 2, 6), ("overdue", D(2026, 2, 5))),
        ("alarm", "alarm_full", D(2026, 3, 20), ("ok", D(2026, 4, 5))),
        ("alarm", "alarm_full", D(2026, 4, 6), ("overdue", D(2026, 4, 5))),
        ("extinguishers", "extinguisher_inspection", D(2026, 2, 6), ("overdue", D(2026, 2, 5))),
        ("link", "link_110", D(2026, 2, 1), ("due", D(2026, 2, 5))),
    ],
)
def test_due_and_overdue_follow_each_cadence(ledger, facility, test_kind, today, expected):
    assert state(getattr(ledger, facility), test_kind, today) == expected


def test_a_test_moves_the_next_due_date_from_the_day_it_was_done(ledger, time_machine):
    time_machine.move_to("2026-02-10 10:00:00+08:00")
    assert state(ledger.alarm, "alarm_monthly", D(2026, 2, 10))[0] == "overdue"
    facility_test_record(
        facility=ledger.alarm, test_kind="alarm_monthly", tested_on=D(2026, 2, 10), result="pass", by=ledger.officer
    )
    assert state(ledger.alarm, "alarm_monthly", D(2026, 2, 10)) == ("ok", D(2026, 3, 10))
    # The monthly test does not count as the quarterly full test.
    assert state(ledger.alarm, "alarm_full", D(2026, 2, 10)) == ("ok", D(2026, 4, 5))


def test_head_office_changes_a_cadence_and_the_due_dates_follow(ledger, client, time_machine):
    time_machine.move_to("2026-01-20 10:00:00+08:00")
    cadence = Cadence.objects.get(test_kind="alarm_monthly")
    client.force_login(ledger.headoffice)
    response = client.post(
        reverse("facilities:cadence_update", args=[cadence.pk]),
        {"every": 2, "unit": "month", "remind_days": 5, "is_active": "on", "reason": "总行2026年1号文"},
    )
    assert response.status_code == 302
    assert state(ledger.alarm, "alarm_monthly", D(2026, 2, 10)) == ("ok", D(2026, 3, 5))
    assert cadence.history.latest().history_change_reason == "总行2026年1号文"
    page = client.get(reverse("facilities:facility_detail", args=[ledger.alarm.pk]))
    assert "2026-03-05" in page.content.decode()


def test_a_cadence_of_zero_is_refused_with_a_message(ledger, client):
    cadence = Cadence.objects.get(test_kind="alarm_monthly")
    client.force_login(ledger.headoffice)
    response = client.post(
        reverse("facilities:cadence_update", args=[cadence.pk]), {"every": 0, "unit": "month", "remind_days": 5}
    )
    assert response.status_code == 400
    assert "确保该值大于或等于1" in response.content.decode()
    cadence.refresh_from_db()
    assert cadence.every == 1


def test_officer_records_a_failed_alarm_test_and_a_linked_hidden_danger_is_raised(ledger, client, time_machine):
    time_machine.move_to("2026-02-03 10:00:00+08:00")
    client.force_login(ledger.officer)
    response = client.post(
        reverse("facilities:test_create", args=[ledger.alarm.pk]),
        {"test_kind": "alarm_monthly", "tested_on": "2026-02-03", "result": "fail", "notes": "2号防区探头无响应"},
        follow=True,
    )
    assert response.status_code == 200
    test = FacilityTest.objects.get()
    hazard = Hazard.objects.get()
    assert test.hazard == hazard and hazard.facility_test == test
    assert hazard.premises == ledger.outlet_a and hazard.category == "technical"
    assert hazard.found_by == ledger.officer
    assert "2号防区探头无响应" in hazard.description
    page = response.content.decode()
    assert "已生成隐患" in page and hazard.get_absolute_url() in page
    ledger.alarm.refresh_from_db()
    assert ledger.alarm.status == "faulty"
    # The security department above the outlet is told, with a link to the hidden danger.
    note = Notification.objects.get(user=ledger.security, kind="facility.test_failed")
    assert note.url == hazard.get_absolute_url()
    assert client.get(hazard.get_absolute_url()).status_code == 200
    # A later passed test puts the facility back in use; the hidden danger stays open for its own loop.
    facility_test_record(
        facility=ledger.alarm, test_kind="alarm_monthly", tested_on=D(2026, 2, 3), result="pass", by=ledger.officer
    )
    ledger.alarm.refresh_from_db()
    assert ledger.alarm.status == "in_use"
    assert Hazard.objects.get().status != "closed"


def test_the_tester_signs_each_test_and_the_signature_covers_its_content(ledger, client, time_machine):
    time_machine.move_to("2026-02-03 10:00:00+08:00")
    test = facility_test_record(
        facility=ledger.link,
        test_kind="link_110",
        tested_on=D(2026, 2, 3),
        result="pass",
        police_receipt="县110指挥中心 王警官 回执0203-17",
        by=ledger.officer,
        ip="10.1.2.3",
    )
    (signature,) = signatures_of(test)
    assert signature.kind == SignatureKind.LEDGER_SIGNOFF and signature.signer == ledger.officer
    assert signature.ip_address == "10.1.2.3"
    assert signature.verify(canonical_content(test.signed_content()))
    changed = {**test.signed_content(), "result": "fail"}
    assert not signature.verify(canonical_content(changed))
    client.force_login(ledger.president)
    page = client.get(test.get_absolute_url()).content.decode()
    assert "县110指挥中心 王警官" in page and "与记录一致" in page


@pytest.mark.parametrize(
    ("facility", "post", "message"),
    [
        (
            "alarm",
            {"test_kind": "alarm_monthly", "tested_on": "2026-02-03", "result": "fail", "notes": ""},
            "请说明哪里不合格",
        ),
        (
            "link",
            {"test_kind": "link_110", "tested_on": "2026-02-03", "result": "pass"},
            "请记录110指挥中心确认收到报警的人员",
        ),
        (
            "alarm",
            {"test_kind": "alarm_monthly", "tested_on": "2026-02-04", "result": "pass"},
            "不能登记未来日期的测试",
        ),
        ("alarm", {"test_kind": "dvr_reboot", "tested_on": "2026-02-03", "result": "pass"}, "选择一个有效的选项"),
        ("alarm", {"test_kind": "alarm_monthly", "tested_on": "明天", "result": "pass"}, "输入一个有效的日期"),
    ],
)
def test_a_bad_test_entry_is_refused_with_a_clear_message_and_nothing_is_saved(
    ledger, client, time_machine, facility, post, message
):
    time_machine.move_to("2026-02-03 10:00:00+08:00")
    client.force_login(ledger.officer)
    response = client.post(reverse("facilities:test_create", args=[getattr(ledger, facility).pk]), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FacilityTest.objects.exists() and not Hazard.objects.exists()


def test_a_retired_facility_is_no_longer_due_or_tested(ledger):
    ledger.alarm.status = "retired"
    facility_save(facility=ledger.alarm, by=ledger.security)
    assert not [r for r in schedule_rows(Facility.objects.all(), today=D(2026, 6, 1)) if r.facility == ledger.alarm]


def test_the_ledger_pdf_lists_the_period_s_tests_with_their_signatures(ledger, client, time_machine):
    time_machine.move_to("2026-02-03 10:00:00+08:00")
    facility_test_record(
        facility=ledger.dvr, test_kind="dvr_reboot", tested_on=D(2026, 1, 30), result="pass", by=ledger.officer
    )
    facility_test_record(
        facility=ledger.alarm,
        test_kind="alarm_monthly",
        tested_on=D(2026, 2, 2),
        result="fail",
        notes="主机断电",
        by=ledger.officer,
    )
    client.force_login(ledger.security)
    url = reverse("facilities:ledger_pdf", args=[ledger.outlet_a.pk])
    response = client.get(url, {"start": "2026-02-01", "end": "2026-02-28"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "检测校验台账" in text and "主机断电" in text and "周安全" in text
    assert "2026-01-30" not in text  # outside the period
    # A reversed period is a message and this month's ledger, not an error page.
    response = client.get(url, {"start": "2026-02-28", "end": "2026-02-01"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = client.get(reverse("facilities:test_list")).content.decode()
    assert "结束日期不能早于开始日期" in page


def test_tests_due_appear_in_my_tasks_of_those_who_do_them(ledger, time_machine):
    time_machine.move_to("2026-02-06 09:00:00+08:00")
    titles = [item.title for item in tasks_for(ledger.officer) if item.source == "设施测试"]
    assert any("入侵报警主机" in t and "报警测试" in t for t in titles)
    # Security contracts outlet A, so it sees them too; the president reads the ledger but tests nothing.
    assert any("入侵报警主机" in item.title for item in tasks_for(ledger.security))
    assert not [item for item in tasks_for(ledger.president) if item.source == "设施测试"]
    assert not [item for item in tasks_for(ledger.outsider) if item.source == "设施测试"]


def test_reminders_go_once_a_day_and_long_overdue_tests_reach_the_security_department(ledger, time_machine):
    time_machine.move_to("2026-01-11 07:30:00+08:00")  # the video recorder's weekly reboot is due tomorrow
    first = facility_tests_remind()
    assert first > 0 and facility_tests_remind() == 0
    assert Notification.objects.filter(user=ledger.officer, kind="facility.test_due").exists()
    assert Notification.objects.filter(user=ledger.outlethead, kind="facility.test_due").exists()
    assert not Notification.objects.filter(user=ledger.security, kind="facility.test_due").exists()
    time_machine.move_to("2026-01-20 07:30:00+08:00")  # more than a week overdue
    facility_tests_remind()
    escalated = Notification.objects.filter(user=ledger.security, kind="facility.test_due")
    assert escalated.filter(title__contains="逾期").exists()


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_exports_contain_only_the_user_s_scope(ledger, client, time_machine):
    time_machine.move_to("2026-02-03 10:00:00+08:00")
    other = add(ledger, "intrusion_alarm", premises=ledger.outlet_b, name="河口报警主机")
    facility_test_record(
        facility=ledger.alarm, test_kind="alarm_monthly", tested_on=D(2026, 2, 3), result="pass", by=ledger.officer
    )
    facility_test_record(
        facility=other, test_kind="alarm_monthly", tested_on=D(2026, 2, 3), result="pass", by=ledger.outsider
    )
    client.force_login(ledger.president)
    rows = _csv_rows(client.get(reverse("facilities:facility_export", args=["csv"])))
    assert rows[0][0] == "网点编码"
    codes = {row[0] for row in rows[1:]}
    assert codes == {"PA"} and len(rows) == 5
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("facilities:test_export", args=["xlsx"])).content))
    sheet = book.active
    premises = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert premises == ["PA"]
    assert sheet.cell(2, 1).value == datetime.datetime(2026, 2, 3)
    client.force_login(ledger.headoffice)
    codes = {row[1] for row in _csv_rows(client.get(reverse("facilities:test_export", args=["csv"])))[1:]}
    assert codes == {"PA", "PB"}
    # Filters of the list apply to the export; an unknown format is not found.
    rows = _csv_rows(client.get(reverse("facilities:facility_export", args=["csv"]), {"kind": "cctv"}))
    assert [row[4] for row in rows[1:]] == ["营业厅硬盘录像机"]
    assert client.get(reverse("facilities:facility_export", args=["pdf"])).status_code == 404


def test_a_formula_in_a_cell_is_exported_as_text(ledger, client):
    add(ledger, "anti_robbery", name='=HYPERLINK("http://x")')
    client.force_login(ledger.security)
    rows = _csv_rows(client.get(reverse("facilities:facility_export", args=["csv"])))
    assert '\'=HYPERLINK("http://x")' in [row[4] for row in rows]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "intrusion_alarm", "channels": 8}, "只有硬盘录像机有通道数和保存期"),
        ({"kind": "extinguisher"}, "请填写灭火器数量"),
        ({"kind": "cctv", "install_date": "2027-01-01"}, "安装日期不能晚于今天"),
    ],
)
def test_a_facility_with_wrong_details_is_refused_with_a_clear_message(ledger, client, time_machine, values, message):
    time_machine.move_to("2026-02-03 10:00:00+08:00")
    client.force_login(ledger.outlethead)
    data = {"premises": ledger.outlet_a.pk, "name": "新设备", "status": "in_use", **values}
    response = client.post(reverse("facilities:facility_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Facility.objects.filter(name="新设备").exists()


def test_an_outlet_head_cannot_add_a_facility_to_premises_outside_scope(ledger, client):
    client.force_login(ledger.outlethead)
    data = {"premises": ledger.outlet_b.pk, "kind": "anti_robbery", "name": "防冲撞", "status": "in_use"}
    response = client.post(reverse("facilities:facility_create"), data)
    assert "选择一个有效的选项" in response.content.decode()
    assert not Facility.objects.filter(name="防冲撞").exists()


def test_investment_list_sums_the_money_spent(ledger, client, time_machine):
    time_machine.move_to("2026-03-01 10:00:00+08:00")
    for premises, amount in ((ledger.outlet_a, "180000"), (ledger.outlet_a2, "160000.50"), (ledger.outlet_b, "120000")):
        investment_save(
            investment=Investment(
                premises=premises, amount=Decimal(amount), description="升级监控", facility_kind="cctv"
            ),
            by=ledger.headoffice,
        )
    client.force_login(ledger.president)
    page = client.get(reverse("facilities:investment_list")).content.decode()
    assert "合计：¥340,000.50，涉及 2 个网点" in page


def test_the_counts_selector_gives_dashboards_their_numbers(ledger, time_machine):
    time_machine.move_to("2026-02-06 10:00:00+08:00")
    add(ledger, "intrusion_alarm", premises=ledger.outlet_b, name="河口报警主机")
    facility_test_record(
        facility=ledger.alarm,
        test_kind="alarm_monthly",
        tested_on=D(2026, 2, 6),
        result="fail",
        notes="断电",
        by=ledger.officer,
    )
    facility_test_record(
        facility=ledger.dvr, test_kind="dvr_reboot", tested_on=D(2026, 2, 6), result="pass", by=ledger.officer
    )
    investment_save(
        investment=Investment(premises=ledger.outlet_a, amount=Decimal("460000"), description="监控升级"),
        by=ledger.security,
    )
    investment_save(
        investment=Investment(
            premises=ledger.outlet_a, amount=Decimal("5000"), kind="purchase", description="灭火器", date=D(2025, 12, 1)
        ),
        by=ledger.security,
    )
    incident_report(
        incident=Incident(
            premises=ledger.outlet_a,
            kind="fraud",
            occurred_at=datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC),
            description="冒名取款",
            loss_amount=Decimal("3000"),
        ),
        by=ledger.officer,
    )
    counts = facility_counts(user=ledger.president, start=D(2026, 1, 1), end=D(2026, 2, 28))
    assert counts.facilities_by_kind == {"cctv": 1, "intrusion_alarm": 1, "extinguisher": 1, "alarm_110": 1}
    assert counts.facilities_faulty == 1
    # Overdue on 6 Feb: the extinguisher inspection and the 110 link test (both due 5 Feb).
    assert counts.tests_overdue == 2
    assert counts.tests_done == 2 and counts.tests_failed == 1
    assert counts.investment_total == Decimal("460000") and counts.investment_premises == 1
    everything = security_counts(user=ledger.headoffice, start=D(2025, 12, 1), end=D(2026, 2, 28))
    assert everything.facilities.facilities_by_kind["intrusion_alarm"] == 2
    assert everything.facilities.investment_by_kind == {"upgrade": Decimal("460000"), "purchase": Decimal("5000")}
    assert everything.incidents.by_kind == {"fraud": 1} and everything.incidents.loss_total == Decimal("3000")
    # An officer's own view: the incidents they reported, only their outlet's facilities.
    assert security_counts(user=ledger.outsider, start=D(2026, 1, 1), end=D(2026, 2, 28)).incidents.total == 0


def test_the_due_list_reads_a_whole_branch_in_a_few_queries(ledger, client, django_assert_max_num_queries):
    for n in range(30):
        add(ledger, "cctv", premises=ledger.outlet_a2, name=f"录像机{n}")
    client.force_login(ledger.security)
    # 17: the scope includes premises the person is assigned to inspect (one query, whatever the size).
    with django_assert_max_num_queries(17):
        response = client.get(reverse("facilities:due_list"), {"all": "1"})
    assert response.content.decode().count("录像机") >= 30


def test_a_teller_cannot_open_the_facilities_ledger(ledger, client):
    teller = UserFactory(username="teller", post=Post.TELLER, unit=ledger.sub1, home_premises=ledger.outlet_a)
    client.force_login(teller)
    assert client.get(reverse("facilities:facility_list")).status_code == 403


def test_the_demo_ledger_covers_every_premises_and_a_second_run_changes_nothing(time_machine, settings):
    from branches.demo import SeedContext, seed_organisation
    from branches.models import Premises
    from facilities.demo import seed_facilities, seed_investments
    from incidents.demo import seed_incidents

    settings.DEBUG = True
    time_machine.move_to("2026-11-25 09:00:00+08:00")
    steps = (seed_organisation, seed_facilities, seed_investments, seed_incidents)
    ctx = SeedContext(today=D(2026, 11, 25))
    for step in steps:
        step(ctx)
    assert not Premises.objects.filter(is_active=True, facilities__isnull=True).exists()
    failed = FacilityTest.objects.get(result="fail")
    assert failed.facility.premises.code == "P-S1A-01" and failed.hazard is not None
    states = {row.state for row in schedule_rows(Facility.objects.all())}
    assert {"ok", "overdue"} <= states
    assert sum(Investment.objects.filter(kind="upgrade").values_list("amount", flat=True)) > Decimal("460000")
    assert Incident.objects.count() == 2
    counts = {model: model.objects.count() for model in (Facility, FacilityTest, Investment, Incident)}
    again = SeedContext(today=D(2026, 11, 25))
    for step in steps:
        step(again)
    assert again.changed() == 0
    assert counts == {model: model.objects.count() for model in (Facility, FacilityTest, Investment, Incident)}
    # A week later only the tests that fell due are added.
    time_machine.move_to("2026-12-02 09:00:00+08:00")
    later = SeedContext(today=D(2026, 12, 2))
    for step in steps:
        step(later)
    assert Facility.objects.count() == counts[Facility] and Incident.objects.count() == 2
    assert FacilityTest.objects.count() > counts[FacilityTest]
    duplicates = FacilityTest.objects.values("facility", "test_kind", "tested_on").annotate(n=Count("pk"))
    assert not duplicates.filter(n__gt=1).exists()
