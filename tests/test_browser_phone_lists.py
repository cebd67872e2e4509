"""Lists on a phone and the menu on a desktop (issue 17, item 5).

On a 375 px phone the hidden-danger list is a stack of cards: the first card shows its number, premises,
grade, deadline and responsible person without sideways scrolling, and the nine filters wait behind one
button. On a 1366 px desktop in English the menu is one row and the page does not scroll sideways;
the grade and category columns never wrap one character per line."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.hazards import rectification, services
from tests.browser import phone_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1366, "height": 768}


def _hazards(org, count=3):
    """Hidden dangers of outlet A, each assigned to the outlet head with a deadline."""
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    for n in range(count):
        hazard = services.hazard_raise(
            premises=org.outlet_a,
            description=f"营业厅监控录像机第{n + 1}路画面缺失，录像无法回放，需要更换硬盘并检查线路",
            category="technical",
            grade="general",
            found_by=org.officer,
        )
        rectification.hazard_assign(hazard=hazard, by=org.security, responsible=org.outlethead, deadline=deadline)
    return deadline


def _no_sideways_scroll(page, width):
    """Neither the page nor its body (which clips overflow, so it may scroll on its own) is wider than the window."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.body.scrollWidth]")
    return max(widths) <= width


def test_the_hazard_list_on_a_phone_is_cards_with_the_deadline_and_responsible_person(
    live_server, browser, browser_context_args, org
):
    deadline = _hazards(org)
    page = phone_page(browser, browser_context_args, live_server, "security")
    page.goto(f"{live_server.url}/inspections/hazards/")
    expect(page.locator("h1")).to_have_text("隐患排查")

    # The filters wait behind one button; the cards come first.
    filters = page.locator("#filter-form")
    expect(filters).to_be_hidden()
    card = page.locator(".table-cards tbody tr").first
    expect(card).to_be_visible()
    assert _no_sideways_scroll(page, 375)

    for text in ("城关营业部", "李主任", f"{deadline.month}月{deadline.day}日", "一般"):
        cell = card.locator("td", has_text=text).first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, f"{text} is cut off: {box}"
    # Each value says what it is (the column's name), as the table header would.
    expect(card.locator("td", has_text="李主任")).to_have_attribute("data-label", "整改责任人")

    page.get_by_role("button", name="筛选条件").click()
    expect(filters).to_be_visible()
    assert _no_sideways_scroll(page, 375)


def test_the_english_menu_is_one_row_at_1366_px_and_nothing_scrolls_sideways(
    live_server, browser, browser_context_args, org
):
    _hazards(org)
    org.security.language = "en"
    org.security.save()
    page = phone_page(browser, browser_context_args, live_server, "security", greeting="Hello")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/inspections/hazards/")
    expect(page.locator("h1")).to_have_text("Hidden dangers")
    # One row: the menu is less than two links tall, so nothing folded below the first row.
    nav = page.locator("#mainnav").bounding_box()
    link = page.locator("#mainnav .nav-link").first.bounding_box()
    assert nav["height"] < 2 * link["height"], f"the menu wraps: {nav['height']} px for links of {link['height']} px"
    assert _no_sideways_scroll(page, 1366)

    # Short cells keep to one line: the grade and category are as tall as the number.
    row = page.locator(".table-cards tbody tr").first
    line = row.locator("td").first.bounding_box()["height"]
    for column in ("Grade", "Category", "Deadline"):
        height = row.locator(f'td[data-label="{column}"]').bounding_box()["height"]
        assert height <= line + 1, f"the {column} cell wraps: {height} px"
