"""The report journey in the browser: the security department writes sections 3–4 of branch 1's
draft and publishes it; head office downloads its PDF and the ZIP of the month."""

import datetime
import io
import zipfile

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from reports.services import report_generate
from tests.browser import set_up_second_factor
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if username == "headoffice":  # head office signs in with a second factor, set up at the first sign-in
        set_up_second_factor(page)
    expect(page.locator("h1")).to_contain_text("您好")


def test_security_writes_and_publishes_and_head_office_downloads(live_server, page, org, tmp_path):
    today = datetime.date.today()
    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    end = today.replace(day=1) - datetime.timedelta(days=1)
    report = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=month, end=end)

    _sign_in(page, live_server, "security")
    page.goto(f"{live_server.url}/reports/?month={month:%Y-%m}")
    page.locator(f'tr[data-unit="{org.branch1.code}"] a').first.click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "draft")

    page.get_by_label("三、存在的问题及原因").fill("个别网点营业前检查漏项。")
    page.get_by_label("四、整改措施").fill("保卫部每周抽查检查记录。")
    with page.expect_response(lambda r: "/sections/" in r.url):
        page.locator("#save-sections").click()
    expect(page.locator("#sections-saved")).to_be_visible()
    expect(page.get_by_label("三、存在的问题及原因")).to_have_value("个别网点营业前检查漏项。")

    page.locator("#finalise").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "finalised")
    page.locator("#publish").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "published")
    expect(page.locator("#measures-text")).to_have_text("保卫部每周抽查检查记录。")
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED

    page.context.clear_cookies()
    _sign_in(page, live_server, "headoffice")
    page.goto(f"{live_server.url}/reports/?month={month:%Y-%m}")
    row = page.locator(f'tr[data-unit="{org.branch1.code}"]')
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "published")
    with page.expect_download() as info:
        row.locator("a.pdf-link").click()
    text = "".join(p.extract_text() for p in PdfReader(info.value.path()).pages)
    assert "个别网点营业前检查漏项" in text and "基本情况" in text
    with page.expect_download() as info:
        page.locator("#zip-download").click()
    with open(info.value.path(), "rb") as handle:
        names = zipfile.ZipFile(io.BytesIO(handle.read())).namelist()
    assert len(names) == 1 and names[0].startswith(org.branch1.code)
    assert Report.objects.filter(status=ReportStatus.PUBLISHED).count() == 1
