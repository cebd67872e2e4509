"""A failed HTMX action is never silent: on the daily check, an "all fine" tap that loses its
connection, meets a server error or an outage shows a translated message that says what to do,
and what the officer already typed stays on the page; the next tap works and clears the message."""

import datetime

import pytest
from playwright.sync_api import expect

from inspections.cycles import cycle_open
from inspections.services import standard_content_install
from tests.browser import htmx_idle
from tests.test_browser_daily import _phone, _saved, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ALL_FINE = "**/all-fine/**"
ANSWERS = "**/answers/**"


def _server_fails(*args, **kwargs):
    raise RuntimeError("the database went away half-way through the tap")


def test_failed_taps_show_what_to_do_and_keep_what_was_typed(live_server, browser, org, time_machine, monkeypatch):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    time_machine.move_to(datetime.datetime.fromisoformat("2026-12-01T08:02:00+08:00"), tick=True)
    context, page = _phone(browser)
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    _sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/inspections/today/")
    page.get_by_role("button", name="开始：营业前安全检查").click()
    expect(page.locator("h1")).to_have_text("营业前安全检查")
    page.locator("#performed_at").fill("2026-12-01T08:10")
    error = page.locator("#htmx-error")
    expect(error).to_be_hidden()
    civil = page.locator("#group-civil")

    # The connection drops: the request never reaches the server.
    page.route(ALL_FINE, lambda route: route.abort("internetdisconnected"))
    civil.get_by_role("button", name="全部正常").click()
    expect(error).to_be_visible()
    expect(error).to_contain_text("无法连接服务器，这一步没有保存")
    expect(error).to_contain_text("请检查网络后再试")
    page.unroute(ALL_FINE)
    htmx_idle(page)
    expect(civil.locator(".bi-check-circle-fill")).to_have_count(0)
    expect(page.locator("#performed_at")).to_have_value("2026-12-01T08:10")

    # The server fails while handling the tap (a real 500 from Django's error handler).
    monkeypatch.setattr("inspections.daily.services.group_pass_answers", _server_fails)
    error.get_by_role("button", name="关闭").click()
    expect(error).to_be_hidden()
    with page.expect_response(lambda r: "/all-fine/" in r.url and r.status == 500):
        civil.get_by_role("button", name="全部正常").click()
    expect(error).to_be_visible()
    expect(error).to_contain_text("服务器出现问题，这一步可能没有保存")
    expect(error).to_contain_text("请稍后再试一次")
    monkeypatch.undo()

    # An outage answered by the service-unavailable page in front of the application.
    page.route(ALL_FINE, lambda route: route.fulfill(status=503, content_type="text/html", body="<h1>503</h1>"))
    civil.get_by_role("button", name="全部正常").click()
    expect(error).to_contain_text("系统暂时无法使用")
    expect(error).to_contain_text("请一分钟后再试")
    page.unroute(ALL_FINE)
    htmx_idle(page)
    expect(page.locator("#performed_at")).to_have_value("2026-12-01T08:10")
    expect(civil.locator(".bi-check-circle-fill")).to_have_count(0)

    # Tapping again works: the group is saved and the message goes.
    with page.expect_response(_saved):
        civil.get_by_role("button", name="全部正常").click()
    htmx_idle(page)
    expect(civil.locator(".bi-check-circle-fill")).to_have_count(4)
    expect(error).to_be_hidden()

    # A finding typed while the connection is gone stays in its box, with the message.
    row = page.locator('.answer-row[data-code="OPN-05"]')
    with page.expect_response(_saved):
        row.get_by_text("不合格", exact=True).click()
    htmx_idle(page)
    page.route(ANSWERS, lambda route: route.abort("internetdisconnected"))
    row.get_by_label("存在问题").fill("卷帘门底部有撬压痕迹")
    row.get_by_label("存在问题").blur()
    expect(error).to_contain_text("无法连接服务器")
    expect(row.get_by_label("存在问题")).to_have_value("卷帘门底部有撬压痕迹")
    expect(row).to_contain_text("最多 500 个字符。")
    # The whole journey ran under the Content-Security-Policy without anything refused.
    assert violations == []
    context.close()
