"""Labels say what they mean: the "N records" above a list is its rows, a verb is not translated
as an adjective, the page's own variables are not overwritten by the navbar, numbers say what they
count, and a repeated task says which one it is."""

import datetime
import re

import pytest
import time_machine
from django.urls import URLResolver, get_resolver, reverse

from branches.viewmixins import ObjectListView
from tests.factories import PremisesFactory
from tests.test_dashboards import seeded  # noqa: F401  (the December fixture)

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def list_page_names() -> list[str]:
    """Every list page (a declared ObjectListView) reached without URL arguments; exports left out."""
    names = []

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
                continue
            view = getattr(pattern.callback, "view_class", None)
            if view and issubclass(view, ObjectListView) and not pattern.pattern.converters:
                names.append(namespace + pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(names)


def _shown_count(html: str) -> int:
    match = re.search(r"共 (\d+) 条记录", html)
    assert match, "the list shows no record count"
    return int(match.group(1))


def _table_rows(html: str) -> int:
    table = html.split('class="table-container')[-1]  # the list's own table, not a grid above it
    body = re.search(r"<tbody[^>]*>(.*?)</tbody>", table, re.S).group(1)
    rows = re.findall(r"<tr\b.*?</tr>", body, re.S)
    if len(rows) == 1 and "colspan" in rows[0]:
        return 0  # the table's "nothing here" line
    return len(rows)


def test_the_walker_finds_the_list_pages():
    names = list_page_names()
    assert {"branches:premises_list", "inspections:hazard_list", "drills:drill_list"} <= set(names)
    assert not [name for name in names if "export" in name]


def test_each_lists_record_count_is_its_rows_over_all_pages(client, org):
    # 30 premises under the security department's branch: the premises list runs over two pages.
    for n in range(27):
        PremisesFactory(code=f"PX{n:02d}", name=f"网点{n:02d}", unit=org.sub1)
    counts = {}
    for name in list_page_names():
        for person in (org.security, org.headoffice, org.president, org.officer):
            client.force_login(person)
            response = client.get(reverse(name))
            if response.status_code == 200:
                break
        assert response.status_code == 200, name
        html = response.content.decode()
        shown, rows, page = _shown_count(html), _table_rows(html), 1
        while f"page={page + 1}" in html:
            page += 1
            html = client.get(reverse(name), {"page": page}).content.decode()
            rows += _table_rows(html)
        assert shown == rows, name
        counts[name] = (shown, page)
    assert counts["branches:premises_list"] == (29, 2)  # outlet B is outside security's scope
    assert counts["branches:unit_list"][0] > 0 and counts["branches:staff_list"][0] > 0


# --------------------------------------------------------------------------- the daily check's labels


def at(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def daily(org):
    from inspections.cycles import cycle_open
    from inspections.services import standard_content_install

    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    return org


def _submitted_check(org, time_machine, fail=()):
    from inspections.daily.services import daily_check_submit
    from inspections.models import Assignment
    from inspections.services import inspection_start
    from tests.inspection_helpers import answer_all

    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    assignment = Assignment.objects.get(
        rule__code="L4-OPEN", premises=org.outlet_a, period_start=datetime.date(2026, 12, 1)
    )
    inspection = inspection_start(assignment=assignment, by=org.officer)
    answer_all(inspection, org.officer, fail=fail)
    time_machine.move_to(at("2026-12-01T08:05:00+08:00"))
    daily_check_submit(inspection=inspection, by=org.officer, performed_at=at("2026-12-01T08:05:00+08:00"))
    return inspection


def test_a_finished_check_opens_with_a_verb_and_its_time_and_danger_read_in_chinese(daily, client, time_machine):
    inspection = _submitted_check(daily, time_machine, fail=("OPN-06",))
    client.force_login(daily.officer)
    today = client.get(reverse("inspections:today")).content.decode()
    button = re.search(rf'href="{reverse("inspections:daily_check", args=[inspection.pk])}"[^>]*>([^<]+)</a>', today)
    assert button.group(1) == "查看"  # the verb "Open", not the state "待完成"
    page = client.get(reverse("inspections:daily_check", args=[inspection.pk])).content.decode()
    assert "300 秒" in page and "300 s" not in page
    hazard = inspection.answers.get(item__code="OPN-06").hazard
    assert f'<a href="{hazard.get_absolute_url()}">隐患 {hazard.code}' in page


def test_the_submit_message_links_each_danger_it_raised(daily, client, time_machine):
    from inspections.models import Assignment
    from inspections.services import inspection_start
    from tests.inspection_helpers import answer_all

    time_machine.move_to(at("2026-12-01T08:00:00+08:00"))
    assignment = Assignment.objects.get(
        rule__code="L4-OPEN", premises=daily.outlet_a, period_start=datetime.date(2026, 12, 1)
    )
    inspection = inspection_start(assignment=assignment, by=daily.officer)
    answer_all(inspection, daily.officer, fail=("OPN-06",))
    time_machine.move_to(at("2026-12-01T08:05:00+08:00"))
    client.force_login(daily.officer)
    response = client.post(
        reverse("inspections:daily_submit", args=[inspection.pk]), {"performed_at": "2026-12-01T08:05"}, follow=True
    )
    hazard = inspection.answers.get(item__code="OPN-06").hazard
    assert f'已提交。发现隐患 1 项： <a class="alert-link" href="{hazard.get_absolute_url()}">{hazard.code}</a>' in (
        response.content.decode()
    )


def test_three_patrols_of_a_day_are_told_apart(daily, time_machine):
    from core.tasks_registry import work_queue

    time_machine.move_to(at("2026-12-01T07:50:00+08:00"))
    titles = [item.title for item in work_queue(daily.officer).items if "北街自助银行" in item.title]
    assert len(titles) == 3 and len(set(titles)) == 3
    assert "自助银行巡检 · 北街自助银行 · 2026-12-01 · 第 2 次" in titles


def test_a_generated_text_and_a_typed_note_join_with_chinese_punctuation(org):
    from django.utils.translation import gettext_lazy, override

    from inspections.hazards import services

    hazard = services.hazard_raise(
        premises=org.outlet_a,
        description=gettext_lazy("Hidden danger"),
        description_note="期限录错",
        category="fire",
        found_by=org.officer,
    )
    assert hazard.display_description == "隐患：期限录错"
    with override("en"):
        assert hazard.display_description == "Hidden danger: 期限录错"


# --------------------------------------------------------------------------- reports and dashboards


@pytest.fixture
def december(request):
    """The dashboard tests' December (tests/test_dashboards.py ``seeded``), built and read on 15 December."""
    with time_machine.travel(datetime.date(2026, 12, 15), tick=False):
        yield request.getfixturevalue("seeded")


def test_the_report_page_offers_a_chinese_and_an_english_pdf(client, org, time_machine):
    from reports.choices import ReportKind
    from reports.services import report_generate

    time_machine.move_to(datetime.datetime(2026, 6, 3, 9, 0, tzinfo=datetime.UTC))
    report = report_generate(
        unit=org.branch1, kind=ReportKind.MONTHLY, start=datetime.date(2026, 5, 1), end=datetime.date(2026, 5, 31)
    )
    client.force_login(org.security)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    pdf = reverse("reports:report_pdf", args=[report.pk])
    buttons = re.findall(rf'href="{pdf}\?lang=([\w-]+)"><i class="bi bi-file-pdf"></i> ([^<]+)</a>', page)
    assert buttons == [("zh-hans", "PDF（中文）"), ("en", "PDF (English)")]


def test_the_dashboard_card_says_what_its_numbers_count(client, december):
    client.force_login(december.president)
    page = client.get(reverse("dashboards:dashboard"), {"month": "2026-12"}).content.decode()
    card = re.search(r'data-figure="hazards-found">([^<]+)</div>\s*<div class="small">([^<]+)</div>', page)
    assert card.group(1) == "已整改 1 / 发现 4"
    assert card.group(2) == "整改率 25%；已整改的 1 项中按期 1 项"


def test_the_compliance_grid_marks_the_cells_a_sub_branch_requirement_repeats_on(client, december):
    from inspections.choices import Level
    from inspections.selectors import compliance_grid

    grid = compliance_grid(user=december.president, month=datetime.date(2026, 12, 1))
    client.force_login(december.president)
    page = client.get(reverse("inspections:compliance"), {"month": "2026-12"}).content.decode()
    shared = {level for _premises, row in grid.rows for level, cell in row.items() if cell.shared}
    assert shared, "a sub-branch's own inspection shows on its premises"
    for level in Level.values:
        cells = sum(row[level].required for _premises, row in grid.rows)
        repeated = sum(row[level].shared for _premises, row in grid.rows)
        if level not in shared:
            assert cells == grid.totals[level].required, level  # the totals add up from the cells
        else:
            assert cells - repeated < grid.totals[level].required <= cells, level
    assert 'class="shared-mark"' in page and 'id="shared-note"' in page


# --------------------------------------------------------------------------- the menu, refusals, files, icon


def _menu_links(html: str) -> list[str]:
    nav = re.search(r"<nav\b.*?</nav>", html, re.S).group(0)
    return sorted(set(re.findall(r'<a [^>]*href="(/[^"]*)"', nav)))


def test_every_menu_entry_of_every_persona_answers_200(client, colleagues):
    refused = []
    for name in ("headoffice", "president", "security", "outlethead", "officer", "outsider", "teller"):
        client.force_login(getattr(colleagues, name))
        links = _menu_links(client.get(reverse("home")).content.decode())
        assert reverse("inspections:hazard_list") in links or name == "teller", name
        for href in links:
            status = client.get(href).status_code
            if status != 200:
                refused.append((name, href, status))
    assert refused == []


def test_a_refusal_says_whom_to_ask_by_the_askers_post(client, org):
    asked = {}
    for name in ("security", "officer"):
        client.force_login(getattr(org, name))
        response = client.get(reverse("dashboards:weights"))  # head-office security's alone
        assert response.status_code == 403
        asked[name] = re.search(r'id="refusal-contact">(.*?)</p>', response.content.decode(), re.S).group(1)
    assert "总行保卫部" in asked["security"] and "本行保卫部" not in asked["security"]
    assert "本行保卫部" in asked["officer"]


def test_a_missing_file_answers_a_placeholder_not_a_500(client, org):
    from core.models import Attachment
    from core.services import attachment_create
    from inspections.hazards import services
    from tests.inspection_helpers import photo
    from tests.test_core_attachments import pdf_bytes, upload

    hazard = services.hazard_raise(
        premises=org.outlet_a, description="门锁损坏", category="fire", found_by=org.officer, uploads=[photo()]
    )
    attachment_create(owner=hazard, upload=upload("plan.pdf", pdf_bytes(), "application/pdf"), by=org.officer)
    for attachment in Attachment.objects.all():
        attachment.file.storage.delete(attachment.file.name)
        if attachment.thumbnail:
            attachment.thumbnail.storage.delete(attachment.thumbnail.name)
    client.force_login(org.officer)
    image = Attachment.objects.get(original_name="finding.jpg")
    for url in (reverse("attachment", args=[image.pk]), reverse("attachment_thumbnail", args=[image.pk])):
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (404, "image/svg+xml")
        assert b"<svg" in response.content
    document = Attachment.objects.get(original_name="plan.pdf")
    response = client.get(reverse("attachment", args=[document.pk]))
    assert response.status_code == 404
    assert "“plan.pdf”" in response.content.decode() and 'id="file-missing"' in response.content.decode()


def test_the_site_has_an_icon(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Content-Type"]) == (200, "image/x-icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
