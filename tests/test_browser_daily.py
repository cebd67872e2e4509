"""The daily check on a phone: the officer starts the before-opening check, loses the page half-way,
comes back to the draft, marks one item failed with a photo and submits; the outlet head co-signs;
the hidden danger appears in the security department's list."""

import datetime
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspections.cycles import cycle_open
from inspections.services import standard_content_install
from tests.browser import htmx_idle
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 375, "height": 812}


def _phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", reduced_motion="reduce")
    return context, context.new_page()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")


def _saved(response):
    return "/answers/" in response.url or "/all-fine/" in response.url


def test_officer_daily_check_with_a_dropped_page_then_co_signed(live_server, browser, org, tmp_path, time_machine):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    time_machine.move_to(datetime.datetime.fromisoformat("2026-12-01T08:02:00+08:00"), tick=True)
    photo = tmp_path / "shutter.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (90, 90, 90)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    context, page = _phone(browser)
    _sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/inspections/today/")
    page.get_by_role("button", name="开始：营业前安全检查").click()
    expect(page.locator("h1")).to_have_text("营业前安全检查")
    with page.expect_response(_saved):
        page.locator("#group-civil").get_by_role("button", name="全部正常").click()
    htmx_idle(page)
    expect(page.locator("#group-civil .bi-check-circle-fill")).to_have_count(4)
    context.close()  # the phone's browser is closed half-way: the session is gone

    context, page = _phone(browser)
    _sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/inspections/today/")
    page.get_by_role("link", name="继续").first.click()
    expect(page.locator("#group-civil .bi-check-circle-fill")).to_have_count(4)  # nothing was lost

    row = page.locator('.answer-row[data-code="OPN-05"]')
    with page.expect_response(_saved):
        row.get_by_text("不合格", exact=True).click()
    htmx_idle(page)
    row.get_by_label("存在问题").fill("卷帘门底部有撬压痕迹")
    with page.expect_response(_saved):
        row.get_by_label("存在问题").blur()
    htmx_idle(page)
    with page.expect_response(_saved):
        row.locator("input[type=file]").set_input_files(str(photo))
    htmx_idle(page)
    expect(row.locator("img.img-thumbnail")).to_be_visible()
    for group in ("physical", "technical", "fire", "cash"):
        with page.expect_response(_saved):
            page.locator(f"#group-{group}").get_by_role("button", name="全部正常").click()
        htmx_idle(page)
    expect(page.locator('.answer-row[data-code="OPN-05"] input[value=fail]')).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="提交检查").click()
    expect(page.locator(".alert")).to_contain_text("发现隐患 1 项")
    expect(page.locator("#cosign-state")).to_contain_text("待复核签字")
    context.close()

    context, page = _phone(browser)
    _sign_in(page, live_server, "outlethead")
    page.goto(f"{live_server.url}/inspections/today/")
    page.locator("#cosigns a").first.click()
    page.get_by_role("button", name="复核签字").click()
    expect(page.locator(".alert-success")).to_contain_text("已复核签字")
    expect(page.locator("#cosign-state")).to_contain_text("李主任")
    context.close()

    context, page = _phone(browser)
    _sign_in(page, live_server, "security")
    page.goto(f"{live_server.url}/inspections/hazards/")
    expect(page.locator("main")).to_contain_text("卷帘门底部有撬压痕迹")
    context.close()
