"""The declared-view base (branches/viewmixins.py) and its helpers: exports from the list's table,
the PDF response, the HTMX switch, and the drill lists built on them."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from core.models import GeneratedDocument
from drills.models import Drill
from inspections.hazards import rectification, services
from safetybank.pdf import pdf_response

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 3, 2, 10, tzinfo=TZ)


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_hazard_export_has_the_tables_columns_and_its_export_only_ones(client, org, time_machine):
    time_machine.move_to(NOW, tick=False)
    hazard = services.hazard_raise(
        premises=org.outlet_a, description="灭火器压力不足", category="fire", found_by=org.officer
    )
    rectification.hazard_assign(
        hazard=hazard, by=org.security, responsible=org.outlethead, deadline=datetime.date(2026, 3, 3)
    )
    time_machine.move_to(NOW + datetime.timedelta(days=3), tick=False)  # the deadline has passed
    client.force_login(org.security)
    rows = _rows(client.get(reverse("inspections:hazard_export", args=["csv"])))
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["编号", "发现时间", "机构"] and len(header) == 16
    assert row["网点"] == "城关营业部" and row["已逾期"] == "是"
    assert row["状态"] == "已指派" and row["整改责任人"] == str(org.outlethead)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("inspections:hazard_export", args=["xlsx"])).content))
    assert book.active.cell(2, 12).value == datetime.datetime(2026, 3, 3)  # the deadline stays a date


def test_an_export_in_an_unknown_format_is_not_found(client, org):
    client.force_login(org.security)
    assert client.get(reverse("inspections:hazard_export", args=["pdf"])).status_code == 404


def test_a_pdf_with_a_chinese_name_downloads_under_a_safe_header():
    response = pdf_response(b"%PDF-1.7", '月报\r\n"x".pdf')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%9C%88%E6%8A%A5%0D%0A%22x%22.pdf"
    assert pdf_response(b"", "ledger.pdf", inline=True)["Content-Disposition"] == 'inline; filename="ledger.pdf"'


def test_htmx_gets_the_fragment_and_a_browser_the_whole_page(org, login):
    document = GeneratedDocument.objects.create(
        kind="core.business_calendar", requested_by=org.officer, language="zh-hans", progress=40
    )
    client = login(org.officer)
    url = reverse("document_status", args=[document.pk])
    part, full = client.get(url, HTTP_HX_REQUEST="true").content.decode(), client.get(url).content.decode()
    assert "40%" in part and "<html" not in part
    assert "40%" in full and "<html" in full


def test_the_drill_list_pages_filters_by_year_and_status_and_sorts(org, login):
    for day in range(1, 30):
        Drill.objects.create(
            unit=org.sub1, scenario=f"演练{day:02d}", kind="on_site", planned_date=datetime.date(2026, 4, day)
        )
    Drill.objects.create(unit=org.sub1, scenario="去年演练", kind="on_site", planned_date=datetime.date(2025, 4, 1))
    client = login(org.security)
    page = client.get(reverse("drills:drill_list"), {"year": 2026}).content.decode()
    assert "演练29" in page and "演练01" not in page and "去年演练" not in page  # 25 a page, newest first
    second = client.get(reverse("drills:drill_list"), {"year": 2026, "page": 2}).content.decode()
    assert "演练01" in second and "演练29" not in second
    assert "去年演练" in client.get(reverse("drills:drill_list"), {"year": 2025}).content.decode()
    done = client.get(reverse("drills:drill_list"), {"year": 2026, "status": "done"})
    assert "演练29" not in done.content.decode() and "本年度没有演练" in done.content.decode()
    assert client.get(reverse("drills:drill_list"), {"year": "abc"}).status_code == 200  # this year instead


@pytest.mark.parametrize("extra", [2, 20])
def test_the_drill_and_study_lists_do_not_grow_with_their_rows(org, login, extra, django_assert_max_num_queries):
    for n in range(extra):
        drill = Drill.objects.create(
            unit=org.sub1, scenario=f"演练{n}", kind="on_site", planned_date=datetime.date(2026, 5, 1)
        )
        drill.premises.set([org.outlet_a, org.outlet_a2])
    client = login(org.security)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("drills:drill_list"), {"year": 2026}).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("drills:study_list")).status_code == 200
