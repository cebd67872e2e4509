"""The incident register: anyone reports, sees their own; security and leadership see all in scope."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from branches.choices import Post
from core.models import Notification
from incidents.models import Incident
from incidents.services import incident_follow_up, incident_report
from safetybank.audit import reason_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teller(org):
    return UserFactory(
        username="teller", full_name="郑柜员", post=Post.TELLER, unit=org.sub1, home_premises=org.outlet_a
    )


def _table(response) -> str:
    """The list's table, without the filter form (whose choices name premises too)."""
    page = response.content.decode()
    return page[page.index("<table") :]


def report(by, premises, kind="theft", description="营业厅客户手机被盗", **values):
    incident = Incident(
        premises=premises,
        kind=kind,
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        description=description,
        **values,
    )
    return incident_report(incident=incident, by=by)


def test_a_teller_reports_an_incident_and_sees_only_what_they_reported(org, teller, client):
    others = report(org.officer, org.outlet_a, kind="fraud", description="冒名取款")
    client.force_login(teller)
    occurred = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(
        reverse("incidents:incident_create"),
        {
            "premises": org.outlet_a.pk,
            "kind": "property_loss",
            "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
            "description": "自助区玻璃门被撞碎",
            "loss_amount": "800",
            "police_report_no": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    mine = Incident.objects.get(reported_by=teller)
    assert mine.unit == org.sub1 and mine.status == "reported"
    assert "已通知保卫部" in response.content.decode()
    response = client.get(reverse("incidents:incident_list"))
    assert "我报告的案件事故" in response.content.decode()
    listing = _table(response)
    assert "财产损失" in listing and "诈骗" not in listing
    assert client.get(others.get_absolute_url()).status_code == 404
    assert client.get(reverse("incidents:incident_export", args=["csv"])).status_code == 403
    # The security department above the outlet was told.
    assert Notification.objects.filter(user=org.security, kind="incident.reported", object_id=mine.pk).exists()


def test_security_and_leadership_list_every_incident_in_their_scope_only(org, client):
    report(org.officer, org.outlet_a, description="城关被盗")
    report(org.outsider, org.outlet_b, description="河口被盗")
    for persona, expected, hidden in (
        ("security", {"城关营业部"}, "河口营业部"),
        ("president", {"城关营业部"}, "河口营业部"),
    ):
        client.force_login(getattr(org, persona))
        page = _table(client.get(reverse("incidents:incident_list")))
        assert all(name in page for name in expected) and hidden not in page
    client.force_login(org.headoffice)
    page = client.get(reverse("incidents:incident_list")).content.decode()
    assert "城关营业部" in page and "河口营业部" in page
    # The outlet head did not report anything and does not see the officer's report.
    client.force_login(org.outlethead)
    assert "城关营业部" not in _table(client.get(reverse("incidents:incident_list")))


def test_a_future_incident_or_premises_outside_scope_is_refused_with_a_message(org, teller, client):
    client.force_login(teller)
    future = timezone.localtime() + datetime.timedelta(days=1)
    data = {
        "premises": org.outlet_a.pk,
        "kind": "theft",
        "occurred_at": future.strftime("%Y-%m-%dT%H:%M"),
        "description": "x",
        "loss_amount": "0",
    }
    response = client.post(reverse("incidents:incident_create"), data)
    assert response.status_code == 400 and "发生时间不能晚于现在" in response.content.decode()
    response = client.post(reverse("incidents:incident_create"), {**data, "premises": org.outlet_b.pk})
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    response = client.post(reverse("incidents:incident_create"), {**data, "loss_amount": "-5"})
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_closing_needs_the_follow_up_and_a_closed_incident_stays_closed(org, client):
    incident = report(org.officer, org.outlet_a)
    client.force_login(org.security)
    url = reverse("incidents:incident_update", args=[incident.pk])
    response = client.post(url, {"status": "closed", "follow_up": "", "loss_amount": "0"})
    assert response.status_code == 400 and "结案前请填写后续处理措施" in response.content.decode()
    response = client.post(
        url,
        {
            "status": "closed",
            "follow_up": "调取监控，已移交派出所",
            "loss_amount": "2500",
            "police_report_no": "J2026-0113",
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.is_closed and incident.loss_amount == Decimal("2500") and incident.closed_at
    reason = incident.history.latest().history_change_reason
    assert (reason, reason_text(reason)) == ("incident.follow_up", "已登记后续处理")  # stored as a code, read in zh
    with pytest.raises(ValidationError, match="该案件事故已结案，不能再修改"):
        incident_follow_up(
            incident=incident,
            by=org.security,
            status="investigating",
            follow_up="x",
            loss_amount=0,
            police_report_no="",
        )
    page = client.get(url, follow=True).content.decode()
    assert "已结案，不能再修改" in page


def test_incident_exports_contain_only_the_user_s_scope(org, client):
    report(org.officer, org.outlet_a, description="城关被盗", loss_amount=Decimal("100"))
    report(org.outsider, org.outlet_b, description="河口被盗")
    client.force_login(org.president)
    response = client.get(reverse("incidents:incident_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["发生时间", "类型", "网点编码"]
    assert [row[2] for row in rows[1:]] == ["PA"] and rows[1][5] == "城关被盗"
    client.force_login(org.headoffice)
    response = client.get(reverse("incidents:incident_export", args=["xlsx"]))
    assert response["Content-Disposition"].endswith('.xlsx"')
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[2] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["PA", "PB"]


def test_the_premises_filter_offers_only_premises_in_scope(org, client):
    client.force_login(org.security)
    page = client.get(reverse("incidents:incident_list")).content.decode()
    # The premises filter is a search-as-you-type box (no <select> of every premises): it asks the scoped search.
    search = reverse("branches:premises_search")
    assert f'hx-get="{search}?within=' in page and "河口营业部" not in page  # within the filter's own choices
    offered = (
        client.get(search, {"term": "营业部"}).content.decode() + client.get(search, {"term": "北街"}).content.decode()
    )
    assert "北街自助银行" in offered and "河口营业部" not in offered
