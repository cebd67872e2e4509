"""The daily check without a connection, on a 375 px phone: the officer opens today's check, the
network goes, they answer every group, mark a failure with a photo and submit; the page says it is
saved on the phone, not yet sent, and still opens from the phone's copy. The page is closed; the
connection comes back; reopened, the check is sent once, with the time stated on the phone, and the
outlet head's co-sign task appears. Signing out leaves nothing of the officer's on the phone."""

import datetime

import pytest
from playwright.sync_api import expect

from core.models import ClientRequest
from core.selectors import attachments_of
from inspections.choices import InspectionStatus
from inspections.models import Inspection
from tests.browser import htmx_idle, jpeg_file, phone_page
from tests.inspection_helpers import at, daily_engine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
GROUPS = ("civil", "physical", "technical", "fire", "cash")
WAITING = "已保存在本机，尚未发送"


def _queued(page):
    return page.evaluate(
        """() => new Promise((resolve) => {
            const open = indexedDB.open("safetybank-offline", 1);
            open.onupgradeneeded = () => open.result.createObjectStore("queue", {keyPath: "seq", autoIncrement: true});
            open.onsuccess = () => {
                const request = open.result.transaction("queue").objectStore("queue").count();
                request.onsuccess = () => { open.result.close(); resolve(request.result); };
            };
        })"""
    )


def _kept(page, path):
    """Wait until the worker has kept ``path`` on the phone (it fetches it in the background)."""
    for _ in range(100):
        if page.evaluate("(path) => caches.match(path).then((response) => !!response)", path):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{path} was not kept on the phone")


def test_daily_check_done_offline_is_sent_once_when_the_connection_returns(
    live_server, browser, browser_context_args, org, tmp_path, time_machine
):
    daily_engine(org, datetime.date(2026, 12, 1))
    time_machine.move_to(at("2026-12-01T08:02:00+08:00"), tick=True)
    photo = jpeg_file(tmp_path / "shutter.jpg")

    page = phone_page(browser, browser_context_args, live_server, "officer")
    context = page.context
    # The phone's own clock says 08:05 on the day of the check (the server's is moved by time_machine).
    context.clock.set_fixed_time(datetime.datetime.fromisoformat("2026-12-01T08:05:00+08:00"))
    page.goto(f"{live_server.url}/inspections/today/")
    page.get_by_role("button", name="开始：营业前安全检查").click()
    expect(page.locator("h1")).to_have_text("营业前安全检查")
    assert page.evaluate("() => navigator.serviceWorker.ready.then((r) => !!r.active)")
    # Opening today's checks again (the worker now in charge) keeps them on this phone.
    page.goto(f"{live_server.url}/inspections/today/")
    check_path = page.get_by_role("link", name="继续").get_attribute("href")
    _kept(page, check_path)
    page.get_by_role("link", name="继续").click()
    expect(page.locator("h1")).to_have_text("营业前安全检查")
    check_url = page.url

    context.set_offline(True)
    for group in GROUPS:
        page.locator(f"#group-{group}").get_by_role("button", name="全部正常").click()
    row = page.locator('.answer-row[data-code="OPN-05"]')
    row.get_by_text("不合格", exact=True).click()
    row.get_by_label("存在问题").fill("卷帘门底部有撬压痕迹")
    row.get_by_label("存在问题").blur()
    row.locator("input[type=file]").set_input_files(str(photo))
    expect(row.locator("[data-offline-photos]")).to_contain_text("shutter.jpg")
    expect(page.locator("#offline-waiting")).to_contain_text(WAITING)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Reopened without a connection: the phone's copy of the page, with what waits on it.
    page.reload()
    expect(page.locator("h1")).to_have_text("营业前安全检查")
    expect(page.locator('.answer-row[data-code="OPN-05"] input[value=fail]')).to_be_checked()
    expect(page.locator("#offline-waiting")).to_contain_text(WAITING)
    assert page.locator("#performed_at").input_value() == "2026-12-01T08:05"  # the phone's time
    page.get_by_role("button", name="提交检查").click()
    expect(page.locator("#offline-waiting")).to_contain_text("尚未发送")
    assert _queued(page) == 9  # five groups, three changes of OPN-05, the submission
    assert Inspection.objects.get().status == InspectionStatus.DRAFT  # nothing reached the server
    page.close()

    # The connection comes back twenty minutes later; the officer opens the check again.
    time_machine.move_to(at("2026-12-01T08:25:00+08:00"), tick=True)
    context.set_offline(False)
    page = context.new_page()
    page.goto(check_url)
    expect(page.locator("#cosign-state")).to_contain_text("待复核签字", timeout=60_000)  # nine requests in a row
    htmx_idle(page)
    assert _queued(page) == 0

    inspection = Inspection.objects.get()  # one check, submitted once
    assert inspection.status == InspectionStatus.SUBMITTED
    assert inspection.performed_at == at("2026-12-01T08:05:00+08:00")
    assert inspection.submitted_at >= at("2026-12-01T08:25:00+08:00")
    assert all(answer.is_answered for answer in inspection.answers.all())
    failed = inspection.answers.get(item__code="OPN-05")
    assert failed.result == "fail" and failed.note == "卷帘门底部有撬压痕迹"
    assert attachments_of(failed).count() == 1
    assert ClientRequest.objects.count() == 9
    expect(page.locator("main")).to_contain_text("2026-12-01 08:05")  # stated, beside the time received

    # Signing out leaves nothing of the officer's on the shared phone.
    page.locator(".navbar-toggler").click()
    page.locator(".nav-item.dropdown .dropdown-toggle").last.click()
    page.locator("#logout-button").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    assert page.evaluate("() => caches.keys().then((names) => names.length)") == 0
    assert page.evaluate("() => navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
    context.close()

    head = phone_page(browser, browser_context_args, live_server, "outlethead")
    expect(head.locator("#my-tasks")).to_contain_text("营业前安全检查")
    head.context.close()
