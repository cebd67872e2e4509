"""Scope and post, as a person in the browser meets them."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")


def test_outsider_opening_a_branch_one_premises_page_gets_not_found(live_server, page, org):
    _sign_in(page, live_server, "outsider")
    response = page.goto(f"{live_server.url}/org/premises/{org.outlet_a.pk}/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    expect(page.locator("body")).not_to_contain_text("城关营业部")
    # Their own outlet opens.
    response = page.goto(f"{live_server.url}/org/premises/{org.outlet_b.pk}/")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("河口营业部")


def test_officer_opening_the_staff_edit_page_is_refused(live_server, page, org):
    _sign_in(page, live_server, "officer")
    response = page.goto(f"{live_server.url}/org/staff/{org.officer.pk}/edit/")
    assert response.status == 403
    expect(page.locator("h1")).to_have_text("无权操作")
    expect(page.locator("body")).to_contain_text("本次尝试已记录")


def test_security_creates_a_premises_from_the_menu(live_server, page, org):
    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in(page, live_server, "security")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="组织机构").click()
    page.get_by_role("link", name="网点").click()
    expect(page.locator("h1")).to_have_text("网点")
    page.get_by_role("link", name="新建网点").click()
    page.get_by_label("名称").fill("东门营业部")
    page.get_by_label("编码").fill("PEAST")
    page.get_by_label("类型").select_option(label="营业网点")
    page.get_by_label("机构").select_option(label="城关支行")
    page.get_by_label("开门时间").fill("08:30")
    page.get_by_label("关门时间").fill("17:00")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("东门营业部")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
