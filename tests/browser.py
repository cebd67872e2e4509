"""Helpers for the Playwright tests."""

from playwright.sync_api import expect


def htmx_idle(page) -> None:
    """Wait until HTMX has finished swapping and wiring up new content: an event fired on an element
    in the 20 ms before htmx binds it would otherwise be lost (a person is never that fast).

    A locator, not ``wait_for_function``: that evaluates a string in the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses, as it should."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def set_up_second_factor(page) -> str:
    """On the enrolment page a president or head office meets at first sign-in: read the key the page
    shows, type the code an authenticator app would compute from it, note the recovery codes.
    Returns the key, so a later sign-in can compute its code too."""
    from tests.mfa_helpers import code_for_secret

    expect(page.locator("h1")).to_have_text("设置双因素登录")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    page.get_by_label("验证码").fill(code_for_secret(secret))
    page.get_by_role("button", name="确认").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="我已抄下").click()
    return secret
