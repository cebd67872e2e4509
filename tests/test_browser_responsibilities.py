"""The annual round in the browser: security issues, the officer signs on a phone,
coverage moves, the president countersigns, the PDF downloads."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import set_up_second_factor
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if username == "president":
        set_up_second_factor(page)  # a president signs for the bank: a second factor, set up at first sign-in
    expect(page.locator("h1")).to_contain_text("您好")


def _staff_coverage(page, live_server, org):
    page.goto(f"{live_server.url}/responsibilities/coverage/?unit={org.branch1.pk}")
    return page.locator("#staff-coverage")


def test_security_issues_the_round_officer_signs_on_a_phone_president_countersigns(live_server, page, org):
    # Security issues this year's letters of branch 1 from the menu.
    _sign_in(page, live_server, "security")
    page.get_by_role("button", name="安全责任").click()
    page.get_by_role("link", name="年度责任书下发").click()
    expect(page.get_by_label("下发单位")).to_have_value(str(org.branch1.pk))
    page.get_by_role("button", name="下发责任书").click()
    expect(page.locator("#round-status [data-status]")).to_have_text("已下发")
    expect(page.locator("#round-counts")).to_contain_text("现行责任书")
    expect(_staff_coverage(page, live_server, org)).to_have_text("0%")
    expect(page.locator("#unsigned")).to_contain_text("周安全")

    # The officer signs on a phone-sized screen, from their task list.
    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in(page, live_server, "officer")
    page.get_by_role("link", name=re.compile("签署：.*防范经济、刑事、治安案件和责任事故责任书")).click()
    expect(page.locator("#letter-text")).to_contain_text("周安全（岗位：安全员）")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="签署", exact=True).click()
    expect(page.locator("#sign-form")).to_contain_text("请勾选确认您已阅读本责任书")
    page.get_by_label("输入您的姓名").fill("周安全")
    page.get_by_label("我已阅读本责任书，接受其中规定的责任。").check()
    page.get_by_role("button", name="签署", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("谢谢，责任书已签署。")
    expect(page.locator("#signatures")).to_contain_text("原文与签署时完全一致")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The coverage figure moves: 1 of 4 staff of branch 1.
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, "security")
    expect(_staff_coverage(page, live_server, org)).to_have_text("25%")
    expect(page.locator("#unsigned")).not_to_contain_text("周安全")

    # The president countersigns the round in one action.
    _sign_in(page, live_server, "president")
    page.get_by_role("link", name=re.compile("会签.*年度责任书")).click()
    expect(page.locator("#to-countersign")).to_have_text("1")
    page.get_by_role("button", name=re.compile("会签全部 1 份")).click()
    expect(page.locator(".alert-success")).to_contain_text("已会签 1 份责任书")
    expect(page.locator("#countersigned")).to_have_text("1")

    # The officer's letter downloads as a PDF, with both signatures.
    page.get_by_role("link", name="责任书").last.click()
    page.get_by_role("link", name=re.compile("周安全")).click()
    expect(page.locator("#signatures")).to_contain_text("复核签字: 钱行长 (行长)")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF").click()
    path = info.value.path()
    with open(path, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert info.value.suggested_filename.endswith(".pdf")
