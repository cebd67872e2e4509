"""The year-end summary journey in the browser: the security department generates branch 1's
year-to-date summary, writes sections 3–5 and finalises it; head office publishes it and downloads
every published year-end summary as a ZIP."""

import io
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.choices import ReportKind, ReportStatus
from reports.models import Report
from tests.test_browser_reports import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_security_writes_sections_three_to_five_and_head_office_publishes_and_zips(live_server, page, org):
    today = timezone.localdate()
    _sign_in(page, live_server, "security")
    page.goto(f"{live_server.url}/reports/?month={today:%Y-%m}&kind={ReportKind.YEAR_END}")
    page.locator("#generate-drafts").click()
    expect(page.locator(".alert")).to_contain_text(f"截至{today:%Y-%m-%d}")
    page.locator(f'tr[data-unit="{org.branch1.code}"] a').first.click()
    expect(page.locator("h1")).to_contain_text("年度安全保卫工作总结")
    expect(page.locator("h1")).to_contain_text(f"截至{today:%Y-%m-%d}")
    # Section 3 starts from the data's open problems, in the writer's language.
    expect(page.get_by_label("三、存在的问题及原因")).not_to_have_value(re.compile("[A-Za-z]{5,}"))

    page.get_by_label("三、存在的问题及原因").fill("个别网点营业前检查漏项。")
    page.get_by_label("四、整改措施").fill("保卫部每周抽查检查记录。")
    page.get_by_label("五、下一年度工作打算").fill("完成两个网点监控数字化改造。")
    with page.expect_response(lambda r: "/sections/" in r.url):
        page.locator("#save-sections").click()
    expect(page.locator("#sections-saved")).to_be_visible()
    page.locator("#finalise").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "finalised")
    expect(page.locator("#plans-text")).to_have_text("完成两个网点监控数字化改造。")

    page.context.clear_cookies()
    _sign_in(page, live_server, "headoffice")
    page.goto(f"{live_server.url}/reports/?month={today:%Y-%m}&kind={ReportKind.YEAR_END}")
    row = page.locator(f'tr[data-unit="{org.branch1.code}"]')
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "finalised")
    row.locator("a").first.click()
    page.locator("#publish").click()
    expect(page.locator("#report-status")).to_have_attribute("data-status", "published")

    page.goto(f"{live_server.url}/reports/?month={today:%Y-%m}&kind={ReportKind.YEAR_END}")
    with page.expect_download() as info:
        page.locator("#zip-download").click()
    with open(info.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    assert len(names) == 1 and names[0].startswith(org.branch1.code)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(names[0]))).pages)
    assert "五、下一年度工作打算" in text and "完成两个网点监控数字化改造" in text
    assert Report.objects.get(kind=ReportKind.YEAR_END, unit=org.branch1).status == ReportStatus.PUBLISHED
