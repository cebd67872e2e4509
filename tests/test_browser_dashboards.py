"""The dashboard journey on a phone: the president opens the dashboard from the menu, follows the
worst premises of the risk list and reaches its overdue hidden danger."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.choices import HazardStatus
from inspections.hazards.models import Hazard
from tests.browser import set_up_second_factor
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    set_up_second_factor(page)  # a president signs in with a second factor, set up at the first sign-in
    expect(page.locator("h1")).to_contain_text("您好")


def _hazard(premises, by, description, *, days_overdue):
    today = timezone.localdate()
    return Hazard.objects.create(
        unit=premises.unit,
        premises=premises,
        description=description,
        category="technical",
        grade="general",
        status=HazardStatus.ASSIGNED,
        found_by=by,
        found_at=timezone.now() - datetime.timedelta(days=days_overdue + 7),
        deadline=today - datetime.timedelta(days=days_overdue),
    )


def test_president_follows_the_worst_premises_down_to_its_overdue_hidden_danger(live_server, page, org):
    _hazard(org.outlet_a2, org.security, "自助银行监控录像回放失败", days_overdue=3)
    _hazard(org.outlet_a2, org.security, "自助银行防尾随门禁损坏", days_overdue=1)
    _hazard(org.outlet_b, org.outsider, "河口营业部消防通道堵塞", days_overdue=5)  # branch 2: not the president's

    page.set_viewport_size({"width": 375, "height": 812})
    _sign_in(page, live_server, "president")
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="仪表板").click()
    expect(page.locator("h1")).to_contain_text("安全仪表板")
    expect(page.locator("h1")).to_contain_text("城东分行")
    # Nothing in the page is wider than the phone except inside scrollable tables.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    risk = page.locator("table.risk-table tbody tr")
    expect(risk.first).to_contain_text("北街自助银行")
    expect(page.locator("table.risk-table")).not_to_contain_text("河口营业部")
    risk.first.get_by_role("link").click()

    expect(page.locator("h1")).to_contain_text("北街自助银行")
    expect(page.locator("#dangers")).to_contain_text("逾期")
    page.get_by_role("link", name="自助银行监控录像回放失败").click()
    expect(page.locator("body")).to_contain_text("自助银行监控录像回放失败")
    assert "/inspections/hazards/" in page.url
