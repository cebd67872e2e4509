"""The security department plans a robbery drill at the officer's outlet, records it on a phone
with one problem found, and the problem appears as a hidden danger linked back to the drill."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from drills.models import Drill
from inspections.hazards.models import Hazard
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_security_plans_and_records_a_robbery_drill_whose_problem_becomes_a_hidden_danger(live_server, page, org):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("security")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Plan it from the menu.
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="预案与演练").click()
    page.get_by_role("link", name="应急演练").click()
    expect(page.locator("h1")).to_contain_text("应急演练")
    page.get_by_role("link", name="计划演练").click()
    page.get_by_label("机构").select_option(label="城关支行")
    page.get_by_label("城关营业部").check()
    page.get_by_label("演练类型").select_option(label="现场处置演练")
    page.get_by_label("演练科目").fill("持刀抢劫柜面")
    today = timezone.localdate()
    page.get_by_label("计划日期").fill(today.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("持刀抢劫柜面")
    expect(page.locator("h1")).to_contain_text("已计划")

    # Record it: an hour ago, the officer attended, the outlet head did not.
    held = timezone.localtime() - datetime.timedelta(hours=1)
    page.get_by_role("link", name="登记演练").click()
    page.get_by_label("举行日期").fill(held.date().isoformat())
    page.get_by_label("开始时间").fill(held.strftime("%H:%M"))
    page.get_by_label("时长（分钟）").fill("25")
    page.get_by_label("李主任 · 网点负责人").uncheck()
    page.get_by_label("评分（0–100）").fill("85")
    page.get_by_label("演练评估").fill("报警及时，现金入箱迅速；联动门锁闭迟缓。")
    page.get_by_role("button", name="保存登记").click()
    expect(page.locator("h1")).to_contain_text("完成")
    expect(page.locator("#participants")).to_contain_text("周安全 · 已参加")
    expect(page.locator("#participants")).to_contain_text("李主任 · 缺席")

    # One problem found becomes a hidden danger in one step.
    page.get_by_label("发现的问题").fill("联动门锁闭迟缓，门禁按钮失灵")
    page.get_by_label("类别").select_option(value="physical")
    page.get_by_role("button", name="登记为隐患").click()
    hazard = Hazard.objects.get()
    expect(page.locator("#problems")).to_contain_text("联动门锁闭迟缓")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name=f"隐患 #{hazard.pk}").click()
    expect(page.locator("body")).to_contain_text("联动门锁闭迟缓，门禁按钮失灵")
    expect(page.locator("body")).to_contain_text("城关营业部")
    drill = Drill.objects.get()
    assert hazard.drill_problem.drill == drill and drill.is_done
