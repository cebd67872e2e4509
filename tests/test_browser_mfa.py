"""A president signs in for the first time, sets up two-factor sign-in with an authenticator app (the
test computes the app's code from the key on the page), signs out and signs in again with a code."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser import set_up_second_factor
from tests.factories import PASSWORD
from tests.mfa_helpers import code_for_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _password(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _next_code(secret: str, used: str) -> str:
    """The app's next code: a code once used is refused (replay guard), so wait for the next 30 s step."""
    code = code_for_secret(secret)
    while code == used:
        time.sleep(1)
        code = code_for_secret(secret)
    return code


def test_president_enrols_in_two_factor_sign_in_and_signs_in_with_a_code(live_server, page, org):
    page.set_viewport_size({"width": 375, "height": 812})
    _password(page, live_server, "president")
    # Straight to the enrolment page; the rest of the site waits until it is done.
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/enrol/")
    expect(page.locator("#second-factor-required")).to_be_visible()
    expect(page.locator("#totp-qr svg")).to_be_visible()
    page.goto(f"{live_server.url}/dashboards/")
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/enrol/")
    secret = set_up_second_factor(page)
    enrolment_code = code_for_secret(secret)
    expect(page.locator("h1")).to_contain_text("您好，钱行长")

    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="钱行长").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_label("用户名")).to_be_visible()  # signed out (the page clears the phone first)

    _password(page, live_server, "president")
    expect(page.locator("h1")).to_have_text("登录验证码")
    page.get_by_label("验证码").fill("000000")
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("验证码不正确")
    page.wait_for_timeout(1100)  # after a wrong code the device waits a second before it checks another
    page.get_by_label("验证码").fill(_next_code(secret, enrolment_code))
    page.get_by_role("button", name="验证并登录").click()
    expect(page.locator("h1")).to_contain_text("您好，钱行长")
