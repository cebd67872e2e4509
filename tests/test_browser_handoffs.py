"""Hand-offs on a 375 px phone: each person finds the work handed to them on their home page, and
reads what others did in their own language.

- security submits an inspection → the outlet head's home shows the confirmation; they acknowledge
  with an objection → security sees the objection;
- the officer reports a hidden danger → it is at the top of security's assign queue;
- an English-mode security officer assigns a danger → the Chinese-mode outlet head reads the
  notification and the timeline in Chinese; the deadline is corrected → the new date reaches them.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.hazards.models import Hazard
from inspections.hazards.services import hazard_report
from inspections.models import Inspection
from inspections.services import standard_content_install
from tests.browser import jpeg_file, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(browser, context_args, live_server, username, greeting="您好"):
    return phone_page(browser, context_args, live_server, username, greeting=greeting)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways: {width}px"


def test_the_outlet_head_finds_the_inspection_to_acknowledge_and_security_sees_the_objection(
    live_server, browser, browser_context_args, org
):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    page = _sign_in(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_label("网点").select_option(label="城关营业部")
    page.get_by_label("检查层级").select_option(label="三级 保卫部")
    page.get_by_label("检查表").select_option(label="包片网点周检")
    page.get_by_role("button", name="开始检查").click()
    expect(page.locator("h1")).to_have_text("包片网点周检")
    rows = page.locator(".answer-row")
    for index in range(rows.count()):
        code = rows.nth(index).get_attribute("data-code")
        rows.nth(index).get_by_text("合格", exact=True).click()
        expect(page.locator(f'.answer-row[data-code="{code}"] .bi-check-circle-fill')).to_be_visible()
    page.get_by_role("button", name="提交检查").click()
    expect(page.locator(".alert")).to_be_visible()
    inspection = Inspection.objects.get()

    head = _sign_in(browser, browser_context_args, live_server, "outlethead")
    task = head.locator('#my-tasks a[data-kind="inspection.acknowledge"]')
    expect(task).to_have_count(1)
    expect(task).to_contain_text("确认检查事实")
    expect(head.locator("#home-notifications")).to_contain_text("请于")
    _no_sideways_scroll(head)
    task.click()
    expect(head).to_have_url(f"{live_server.url}/inspections/{inspection.pk}/")
    head.get_by_label("异议（选填）").fill("检查时后门正在维修，非常态")
    head.get_by_role("button", name="确认", exact=True).click()
    expect(head.locator(".alert-success")).to_contain_text("检查事实已确认")
    head.goto(f"{live_server.url}/")
    expect(head.locator('#my-tasks a[data-kind="inspection.acknowledge"]')).to_have_count(0)

    page.goto(f"{live_server.url}/")
    expect(page.locator("#home-notifications")).to_contain_text("李主任对城关营业部的检查提出异议")
    page.locator("#home-notifications button", has_text="提出异议").click()
    expect(page.locator("#signatures")).to_contain_text("检查时后门正在维修")


def test_a_danger_the_officer_reports_is_at_the_top_of_securitys_assign_queue(
    live_server, browser, browser_context_args, org, tmp_path
):
    for number in range(3):  # older reports already waiting
        hazard_report(premises=org.outlet_a, description=f"旧隐患{number}", category="fire", by=org.officer)
    photo = jpeg_file(tmp_path / "door.jpg")

    officer = _sign_in(browser, browser_context_args, live_server, "officer")
    officer.goto(f"{live_server.url}/inspections/hazards/report/")
    officer.get_by_label("网点").select_option(label="城关营业部")
    officer.get_by_label("类别").select_option(label="物防")
    officer.get_by_label("隐患情况及具体位置").fill("后门门禁读卡器失灵")
    officer.locator("input[type=file]").set_input_files(str(photo))
    officer.get_by_role("button", name="上报", exact=True).click()
    expect(officer.locator(".alert-success")).to_contain_text("已上报")
    newest = Hazard.objects.order_by("-pk").first()

    security = _sign_in(browser, browser_context_args, live_server, "security")
    group = security.locator('#task-groups a[data-kind="hazard.assign"]')
    expect(group).to_contain_text("待指派的隐患")
    expect(group).to_contain_text("4")
    expect(security.locator("#my-tasks .task-title").first).to_contain_text(newest.code)  # decisions come first
    group.click()
    expect(security.locator("#my-tasks .task-title").first).to_contain_text(newest.code)
    expect(security.locator("#my-tasks .task-title")).to_have_count(4)
    _no_sideways_scroll(security)


def test_an_english_assignment_reads_in_chinese_and_a_corrected_deadline_reaches_the_assignee(
    live_server, browser, browser_context_args, org
):
    org.security.language = "en"
    org.security.save()
    hazard = hazard_report(premises=org.outlet_a, description="灭火器压力不足", category="fire", by=org.officer)
    today = timezone.localdate()
    first, corrected = today + datetime.timedelta(days=60), today + datetime.timedelta(days=7)

    security = _sign_in(browser, browser_context_args, live_server, "security", greeting="Hello")
    security.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    form = security.locator("#action-assign")
    form.get_by_label("Responsible person").select_option(label="李主任")
    form.get_by_label("Rectify by").fill(f"{first:%Y-%m-%d}")
    with security.expect_response(lambda r: "/assign/" in r.url and r.request.method == "POST"):
        form.locator("button[type=submit]").click()
    expect(security.locator("#timeline")).to_contain_text(f"李主任, by {first:%Y-%m-%d}")

    head = _sign_in(browser, browser_context_args, live_server, "outlethead")
    notes = head.locator("#home-notifications")
    expect(notes).to_contain_text(f"请在 {first:%Y-%m-%d} 前整改")
    notes.locator("button", has_text=f"{first:%Y-%m-%d}").click()
    expect(head.locator("#timeline")).to_contain_text(f"李主任，{first:%Y-%m-%d} 前完成")
    expect(head.locator("#timeline")).not_to_contain_text(", by ")
    _no_sideways_scroll(head)

    # security corrects the deadline the same day
    security.reload()
    security.locator("summary", has_text="Reassign").click()
    form = security.locator("#action-assign")
    form.get_by_label("Rectify by").fill(f"{corrected:%Y-%m-%d}")
    with security.expect_response(lambda r: "/assign/" in r.url and r.request.method == "POST"):
        form.locator("button[type=submit]").click()
    expect(security.locator("#timeline")).to_contain_text(f"李主任, by {corrected:%Y-%m-%d}")

    head.goto(f"{live_server.url}/")
    expect(head.locator("#home-notifications")).to_contain_text(f"请在 {corrected:%Y-%m-%d} 前整改")
    expect(head.locator('#my-tasks a[data-kind="hazard.fix"]')).to_contain_text(f"{corrected:%Y-%m-%d}")
