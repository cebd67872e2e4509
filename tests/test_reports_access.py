"""Access matrix of the reports' and Safety Month's pages."""

import datetime

import pytest

from reports.choices import ReportKind
from reports.models import Campaign, Report
from reports.services import campaign_save, report_generate
from tests.access import ALL, AccessCase, check_access, check_post_only

MAY = datetime.date(2026, 5, 1)
READERS = ("headoffice", "president", "security")
NOT_READERS = ("outlethead", "officer")


def _report(org):
    """Sub-branch 1's report: its outlet staff are in scope (unit-level rows of their unit) but may not read it."""
    report_generate(unit=org.sub1, kind=ReportKind.MONTHLY, start=MAY, end=datetime.date(2026, 5, 31))


def _report_pk(org):
    return [Report.objects.get(unit=org.sub1).pk]


def _campaign(org):
    campaign_save(
        unit=org.branch1,
        year=2026,
        start=datetime.date(2026, 6, 1),
        end=datetime.date(2026, 6, 30),
        theme="人人讲安全、个个会应急",
        by=org.security,
    )


def _campaign_pk(org):
    return [Campaign.objects.get().pk]


ACCESS_CASES = [
    AccessCase("reports:report_list", ok=READERS, forbidden=(*NOT_READERS, "outsider")),
    AccessCase("reports:report_zip", ok=READERS, forbidden=(*NOT_READERS, "outsider")),
    AccessCase(
        "reports:report_detail", setup=_report, args=_report_pk, ok=READERS, forbidden=NOT_READERS, hidden=("outsider",)
    ),
    AccessCase(
        "reports:report_pdf", setup=_report, args=_report_pk, ok=READERS, forbidden=NOT_READERS, hidden=("outsider",)
    ),
    AccessCase("reports:campaign_list", ok=ALL),
    AccessCase(
        "reports:campaign_create",
        ok=("headoffice", "security"),
        forbidden=("president", "outlethead", "officer", "outsider"),
    ),
    AccessCase(
        "reports:campaign_detail",
        setup=_campaign,
        args=_campaign_pk,
        ok=("headoffice", "president", "security", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    AccessCase(
        "reports:activity_create",
        setup=_campaign,
        args=_campaign_pk,
        ok=("headoffice", "security", "outlethead", "officer"),
        forbidden=("president",),
        hidden=("outsider",),
    ),
]

POST_ONLY = {
    "reports:report_generate": [],
    "reports:report_sections": [1],
    "reports:report_regenerate": [1],
    "reports:report_finalise": [1],
    "reports:report_publish": [1],
    "reports:report_correct": [1],
    "reports:report_sign": [1],
    "reports:campaign_report": [1],
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_reports_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_report_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])


@pytest.mark.django_db
def test_outside_scope_actions_are_404_and_wrong_post_403(client, org):
    _report(org)
    pk = _report_pk(org)[0]
    from django.urls import reverse

    client.force_login(org.outsider)
    assert client.post(reverse("reports:report_publish", args=[pk])).status_code == 404
    client.force_login(org.president)
    assert client.post(reverse("reports:report_finalise", args=[pk])).status_code == 403
    assert client.post(reverse("reports:report_sections", args=[pk]), {"problems": "x"}).status_code == 403
