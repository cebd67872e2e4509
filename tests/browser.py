"""Helpers for the Playwright tests."""

from playwright.sync_api import expect


def htmx_idle(page) -> None:
    """Wait until HTMX has finished swapping and wiring up new content: an event fired on an element
    in the 20 ms before htmx binds it would otherwise be lost (a person is never that fast).

    A locator, not ``wait_for_function``: that evaluates a string in the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses, as it should."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)


def phone_page(browser, context_args, live_server, username, *, greeting="您好"):
    """Sign ``username`` in on a fresh 375 px browser context (one per person, so nobody acts on
    someone else's session) and land on their home page."""
    from tests.factories import PASSWORD

    page = browser.new_context(**{**context_args, "viewport": {"width": 375, "height": 812}}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text(greeting)
    return page


def jpeg_file(path, colour=(20, 90, 160)):
    """A small JPEG photo at ``path``, for file inputs."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


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
