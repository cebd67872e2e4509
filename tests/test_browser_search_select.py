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


def test_a_long_list_of_premises_becomes_chips_chosen_by_search_and_removed_by_a_tap(
    live_server, browser, browser_context_args, org
):
    """More premises than a list can show (a branch of dozens of outlets): the drill's premises are chosen
    through the search box, each becoming a chip; a chip's × takes it off again, and what is saved is what
    the chips said."""
    from django.utils import timezone

    from branches.widgets import SHORT_LIST
    from tests.factories import PremisesFactory

    for n in range(SHORT_LIST):
        PremisesFactory(unit=org.outlet_a.unit, code=f"LONG{n:02}", name=f"新区第{n}网点")
    page = phone_page(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}/drills/new/")
    page.get_by_label("机构").select_option(label=org.outlet_a.unit.name)
    box = page.get_by_role("combobox", name="参演网点")
    for typed, name in (("城关营业", org.outlet_a.name), ("新区第7", "新区第7网点")):
        box.press_sequentially(typed, delay=50)
        page.get_by_role("option", name=name).click()
        expect(page.get_by_role("button", name=f"移除 {name}")).to_be_visible()
        expect(box).to_have_value("")  # the box empties for the next one
    page.get_by_role("button", name="移除 新区第7网点").click()
    expect(page.get_by_role("button", name="移除 新区第7网点")).to_have_count(0)

    page.get_by_label("演练类型").select_option(label="现场处置演练")
    page.get_by_label("演练科目").fill("持刀抢劫柜面")
    page.get_by_label("计划日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("持刀抢劫柜面")
    expect(page.locator("main")).to_contain_text(org.outlet_a.name)
    expect(page.locator("main")).not_to_contain_text("新区第7网点")


def test_a_long_list_of_units_is_a_search_box_that_offers_the_field_s_own_units(
    live_server, browser, browser_context_args, org
):
    """A branch of dozens of sub-branches plans a drill: the unit is found by typing, each match showing
    where it lies; the box offers only what the field takes (a drill is not planned for a department)."""
    from django.utils import timezone

    from branches.widgets import SHORT_LIST
    from tests.factories import UnitFactory

    for n in range(SHORT_LIST):
        UnitFactory(parent=org.branch1, code=f"NEW{n:02}", name=f"新区第{n}支行")
    page = phone_page(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}/drills/new/")
    expect(page.locator("select#id_unit")).to_have_count(0)
    box = page.get_by_role("combobox", name="机构")
    box.press_sequentially("保卫部", delay=50)  # 城东分行保卫部 is in the person's scope, not among the choices
    expect(page.get_by_role("option", name="没有匹配项")).to_be_visible()
    box.fill("")
    box.press_sequentially("城关", delay=50)
    option = page.get_by_role("option", name="城关支行")
    expect(option).to_contain_text("支行 · 城东分行")  # its kind and the branch it lies in
    option.click()
    expect(box).to_have_value("城关支行")

    page.get_by_label(org.outlet_a.name).check()
    page.get_by_label("演练类型").select_option(label="现场处置演练")
    page.get_by_label("演练科目").fill("营业部火灾疏散")
    page.get_by_label("计划日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("营业部火灾疏散")
    expect(page.locator("main")).to_contain_text("城关支行")


def test_a_queue_across_many_premises_is_filtered_by_typing_the_premises(
    live_server, browser, browser_context_args, org
):
    """Security's home queue spans more premises than a list can show: the premises filter is a search box
    offering the premises with tasks; choosing one and filtering leaves only that premises' tasks."""
    from branches.widgets import SHORT_LIST
    from inspections.hazards.services import hazard_report
    from tests.factories import PremisesFactory

    for n in range(SHORT_LIST + 1):
        place = PremisesFactory(unit=org.sub1, code=f"Q{n:02}", name=f"桃园{n:02}号网点")
        hazard_report(premises=place, description=f"桃园隐患{n:02}", category="fire", by=org.security)
    page = phone_page(browser, browser_context_args, live_server, "security")
    expect(page.locator("select#task-premises")).to_have_count(0)
    box = page.get_by_role("combobox", name="网点")
    box.press_sequentially("桃园07", delay=50)
    page.get_by_role("option", name="桃园07号网点").click()
    expect(box).to_have_value("桃园07号网点")
    page.locator("#task-filter").get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"[?&]premises=\d+"))
    expect(page.locator("#my-tasks")).to_contain_text("桃园隐患07")
    expect(page.locator("#my-tasks")).not_to_contain_text("桃园隐患08")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
