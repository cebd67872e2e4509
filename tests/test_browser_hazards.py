"""The hidden-danger loop in the browser on a phone: the officer reports a danger with a photo, the
outlet head takes it on and rectifies it with evidence, the security department sends it back once
and then verifies it, and the danger shows closed with its whole timeline."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspections.choices import HazardStatus
from inspections.hazards.models import Hazard
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(browser, context_args, live_server, username):
    """A fresh phone-sized browser context per person, so nobody acts on someone else's session."""
    page = browser.new_context(**{**context_args, "viewport": {"width": 375, "height": 812}}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")
    return page


def _action(page, name):
    """Submit the action form ``name`` and wait for its HTMX answer before touching the swapped body."""
    form = page.locator(f"#action-{name}")
    with page.expect_response(lambda r: f"/{name}/" in r.url and r.request.method == "POST"):
        form.locator("button[type=submit]").click()


def test_a_danger_goes_round_the_loop_with_one_send_back(live_server, browser, browser_context_args, org, tmp_path):
    photo = tmp_path / "door.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 90, 160)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    # the officer reports it by hand, with a photo
    page = _sign_in(browser, browser_context_args, live_server, "officer")
    page.goto(f"{live_server.url}/inspections/hazards/")
    page.get_by_role("link", name="上报隐患").click()
    page.get_by_label("网点").select_option(label="城关营业部")
    page.get_by_label("类别").select_option(label="物防")
    page.get_by_label("隐患情况及具体位置").fill("后门门禁读卡器失灵")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已上报")
    expect(page.locator("#timeline")).to_contain_text("已上报")
    expect(page.locator("#timeline img.img-thumbnail")).to_have_count(1)
    hazard = Hazard.objects.get()

    # the outlet head takes it on, starts, and submits the fix with evidence
    page = _sign_in(browser, browser_context_args, live_server, "outlethead")
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    page.locator("#action-assign").get_by_label("整改责任人").select_option(label="李主任")
    _action(page, "assign")
    expect(page.locator("#hazard-body [data-status]")).to_have_text("已指派")
    _action(page, "start")
    expect(page.locator("#hazard-body [data-status]")).to_have_text("整改中")
    form = page.locator("#action-submit")
    form.get_by_label("整改情况").fill("已更换读卡器")
    form.locator("input[type=file]").set_input_files(str(photo))
    _action(page, "submit")
    expect(page.locator("#hazard-body [data-status]")).to_have_text("待验证")
    expect(page.locator("#action-verify")).to_have_count(0)  # he rectified it: he never verifies

    # security sends it back once
    page = _sign_in(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    page.locator("#action-send_back").get_by_label("退回原因").fill("照片看不清读卡器型号")
    _action(page, "send_back")
    expect(page.locator("#timeline")).to_contain_text("照片看不清读卡器型号")

    # the outlet head submits again
    page = _sign_in(browser, browser_context_args, live_server, "outlethead")
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    form = page.locator("#action-submit")
    form.get_by_label("整改情况").fill("补拍读卡器近照")
    form.locator("input[type=file]").set_input_files(str(photo))
    _action(page, "submit")
    expect(page.locator("#hazard-body [data-status]")).to_have_text("待验证")

    # security verifies: closed, with the whole timeline
    page = _sign_in(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}{hazard.get_absolute_url()}")
    page.locator("#action-verify").get_by_label("验收意见").fill("现场核实，刷卡正常")
    _action(page, "verify")
    expect(page.locator("#hazard-body [data-status]")).to_have_text("已验证销号")
    steps = page.locator("#timeline > li")
    expect(steps).to_have_count(7)
    expect(steps.nth(4)).to_contain_text("照片看不清读卡器型号")
    expect(steps.nth(6)).to_contain_text("孙保卫")
    expect(page.locator("#timeline img.img-thumbnail")).to_have_count(3)
    assert Hazard.objects.get().status == HazardStatus.CLOSED
