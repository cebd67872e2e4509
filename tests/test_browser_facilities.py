"""The facilities ledger in the browser: a failed alarm test raises a hidden danger."""

import pytest
from playwright.sync_api import expect

from facilities.models import Facility
from facilities.services import facility_save
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")


def test_officer_logs_a_failed_monthly_alarm_test_and_the_hidden_danger_appears(live_server, page, org):
    # Head office's default cadences come from a data migration, which an earlier transactional
    # test's flush may have emptied; installing them again is idempotent.
    from importlib import import_module

    from django.apps import apps

    import_module("facilities.migrations.0002_default_cadences").install(apps, None)
    facility_save(
        facility=Facility(premises=org.outlet_a, kind="intrusion_alarm", name="营业厅入侵报警主机"), by=org.security
    )
    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in(page, live_server, "officer")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="设施与案件").click()
    page.get_by_role("link", name="安防设施").click()
    expect(page.locator("h1")).to_have_text("安防设施")
    page.get_by_role("link", name="营业厅入侵报警主机").click()
    page.get_by_role("link", name="登记测试").click()
    page.get_by_label("测试项目").select_option(label="报警测试")
    page.get_by_label("不合格").check()
    page.get_by_label("情况说明").fill("2号防区红外探头无响应")
    page.get_by_role("button", name="保存并签名").click()
    expect(page.locator(".alert")).to_contain_text("已生成隐患")
    expect(page.locator("body")).to_contain_text("与记录一致")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#hazard-link").click()
    expect(page.locator("h1")).to_contain_text("隐患")
    expect(page.locator("body")).to_contain_text("2号防区红外探头无响应")
    expect(page.locator("body")).to_contain_text("城关营业部")
    # The facility now shows as faulty in the ledger.
    page.goto(f"{live_server.url}/facilities/")
    expect(page.locator("table")).to_contain_text("故障")
