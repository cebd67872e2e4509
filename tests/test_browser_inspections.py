"""The inspection journey in the browser: an unannounced weekly check with a failed item and a
photo, the outlet head acknowledging the facts with an objection, the hidden danger on record."""

import datetime
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from inspections.hazards.models import Hazard
from inspections.models import Inspection
from inspections.services import standard_content_install
from tests.browser import htmx_idle
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")


def test_security_inspects_unannounced_and_the_outlet_head_acknowledges_with_an_objection(
    live_server, page, org, tmp_path
):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    photo = tmp_path / "lock.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (150, 20, 20)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in(page, live_server, "security")
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_label("网点").select_option(label="城关营业部")
    page.get_by_label("检查层级").select_option(label="三级 保卫部")
    page.get_by_label("检查表").select_option(label="包片网点周检")
    page.get_by_role("button", name="开始检查").click()
    expect(page.locator("h1")).to_have_text("包片网点周检")

    rows = page.locator(".answer-row")
    for index in range(rows.count()):
        row = rows.nth(index)
        code = row.get_attribute("data-code")
        if code == "WK-05":
            saved = lambda response: "/answers/" in response.url  # noqa: E731
            with page.expect_response(saved):
                row.get_by_text("不合格", exact=True).click()
            htmx_idle(page)
            row = page.locator('.answer-row[data-code="WK-05"]')
            row.get_by_label("存在问题").fill("通勤门锁舌损坏，无法锁闭")
            with page.expect_response(saved):
                row.get_by_label("存在问题").blur()
            htmx_idle(page)
            with page.expect_response(saved):
                row.locator("input[type=file]").set_input_files(str(photo))
            htmx_idle(page)
            expect(row.locator("img.img-thumbnail")).to_be_visible()
            expect(row.get_by_label("存在问题")).to_have_value("通勤门锁舌损坏，无法锁闭")
        else:
            row.get_by_text("合格", exact=True).click()
            expect(page.locator(f'.answer-row[data-code="{code}"] .bi-check-circle-fill')).to_be_visible()

    page.get_by_role("button", name="提交检查").click()
    expect(page.locator(".alert")).to_contain_text("发现隐患 1 项")
    expect(page.locator("#hazards")).to_contain_text("通勤门锁舌损坏")

    inspection = Inspection.objects.get()
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="孙保卫").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_label("用户名")).to_be_visible()  # signed out (the page clears the phone first)

    _sign_in(page, live_server, "outlethead")
    page.goto(f"{live_server.url}/inspections/{inspection.pk}/")
    page.get_by_label("异议（选填）").fill("锁舌已于当日报修，非人为损坏")
    page.get_by_role("button", name="确认", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("检查事实已确认")
    expect(page.locator("#signatures")).to_contain_text("李主任")
    expect(page.locator("#signatures")).to_contain_text("锁舌已于当日报修")

    hazard = Hazard.objects.get()
    assert (hazard.premises, hazard.item_code, hazard.found_by) == (org.outlet_a, "WK-05", org.security)
    assert hazard.source_inspection == inspection
