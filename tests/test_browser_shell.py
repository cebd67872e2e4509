"""A person signs in on a phone, reads the home page in Chinese, switches to English, signs out."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 375, "height": 812}


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_in_home_in_chinese_switch_to_english_and_sign_out(live_server, page):
    UserFactory(username="zhangwei", full_name="张伟")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("登录")
    assert _no_sideways_scroll(page)

    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.locator("h1")).to_contain_text("您好，张伟")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert _no_sideways_scroll(page)

    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("Hello, 张伟")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert _no_sideways_scroll(page)

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="张伟").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
