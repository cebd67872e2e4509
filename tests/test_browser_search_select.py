"""On a phone, the hazard register's premises filter is a search box: two characters, a tap on the
match, and the register shows that premises' dangers (the id in the address, as before)."""

import re

import pytest
from playwright.sync_api import expect

from inspections.services import hazard_raise
from tests.browser import htmx_idle, phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_typing_two_characters_finds_the_premises_and_filters(live_server, browser, browser_context_args, org):
    hazard_raise(premises=org.outlet_a, description="灭火器压力不足", category="fire", found_by=org.officer)
    hazard_raise(premises=org.outlet_a2, description="自助设备防护罩松动", category="fire", found_by=org.officer)
    page = phone_page(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}/inspections/hazards/")
    htmx_idle(page)
    expect(page.locator("select#id_premises")).to_have_count(0)

    page.get_by_role("button", name="筛选条件").click()  # on a phone the filters wait behind one button
    box = page.get_by_role("combobox", name="网点")
    box.press_sequentially("北街", delay=50)
    option = page.get_by_role("option", name="北街自助银行")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    option.click()
    expect(box).to_have_value("北街自助银行")
    expect(page.get_by_role("listbox")).to_be_hidden()

    page.get_by_role("button", name="筛选", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/inspections/hazards/\?.*premises={org.outlet_a2.pk}(&|$)"))
    expect(page.locator("table")).to_contain_text("自助设备防护罩松动")
    expect(page.locator("table")).not_to_contain_text("灭火器压力不足")
    page.get_by_role("button", name=re.compile("筛选条件")).click()  # the chosen premises stays in the box
    expect(page.get_by_role("combobox", name="网点")).to_have_value("北街自助银行")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
