"""The security department imports three premises from an XLSX file after a dry run."""

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from branches.models import Premises
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _three_premises() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "网点"  # the Chinese sheet name of the template
    sheet.append(["编码", "名称", "类型", "机构编码", "地址", "区域", "开门时间", "关门时间", "24小时营业"])
    sheet.append(["PN1", "南关营业部", "营业网点", "S1A", "南关大街1号", "城区", "08:30", "17:00", "否"])
    sheet.append(["PN2", "南关自助银行", "自助银行", "S1A", "南关大街3号", "城区", "", "", "是"])
    sheet.append(["PN3", "城关支行金库", "金库", "S1A", "南关大街1号", "城区", "", "", "否"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_security_imports_three_premises_after_a_dry_run(live_server, page, org):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("security")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")

    page.goto(f"{live_server.url}/org/import/")
    expect(page.locator("h1")).to_have_text("从 Excel 导入")
    page.get_by_label("Excel 工作簿（.xlsx）").set_input_files(
        {"name": "三个网点.xlsx", "mimeType": "application/octet-stream", "buffer": _three_premises()}
    )
    page.get_by_role("button", name="检查文件（试运行）").click()

    expect(page.locator("h1")).to_have_text("导入：试运行")
    expect(page.locator("tr[data-action='create']")).to_have_count(3)
    expect(page.locator("body")).to_contain_text("南关自助银行")
    assert not Premises.objects.filter(code__in=["PN1", "PN2", "PN3"]).exists()  # a dry run changes nothing
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="确认并导入").click()
    expect(page.locator("h1")).to_have_text("导入完成")
    expect(page.locator("#import-counts")).to_contain_text("新建: 3")
    premises = {p.code: p for p in Premises.objects.filter(code__in=["PN1", "PN2", "PN3"])}
    assert set(premises) == {"PN1", "PN2", "PN3"}
    assert premises["PN2"].open_24h and premises["PN3"].kind == "vault"
    assert all(p.unit == org.sub1 for p in premises.values())
