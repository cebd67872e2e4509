"""On a 375 px phone: the daily check says, before anyone submits, until when a submission is flagged
as too fast and counts it down; a report sent back with an error asks for its photo again, next to
the file field."""

import datetime

import pytest
from playwright.sync_api import expect

from inspections.cycles import cycle_open
from inspections.services import standard_content_install
from tests.browser import jpeg_file, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_minimum_time_shows_before_submitting_and_a_sent_back_photo_is_asked_for_again(
    live_server, browser, browser_context_args, org, tmp_path, time_machine
):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    time_machine.move_to(datetime.datetime.fromisoformat("2026-12-01T08:02:00+08:00"), tick=True)

    page = phone_page(browser, browser_context_args, live_server, "officer")
    page.goto(f"{live_server.url}/inspections/today/")
    page.get_by_role("button", name="开始：营业前安全检查").click()
    hint = page.locator("#min-time")
    expect(hint).to_contain_text("将被标记为“过快”")
    expect(hint).to_contain_text("之前提交")
    expect(page.locator("#min-time-left")).to_contain_text("还需")
    hint.scroll_into_view_if_needed()
    expect(hint).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server.url}/inspections/hazards/report/")
    page.locator("input[type=file]").set_input_files(str(jpeg_file(tmp_path / "lock.jpg")))
    page.get_by_role("button", name="上报").click()  # no description: sent back
    again = page.locator(".choose-again")
    expect(again).to_have_text("请重新选择文件：表单因错误退回时，已选的文件不会保留。")
    expect(again).to_be_visible()
    field = page.locator("input[type=file]")
    assert field.evaluate("el => el.files.length") == 0  # the reason for the message
    page.context.close()
