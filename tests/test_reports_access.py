"""Access matrix of the reports' and Safety Month's pages."""

import datetime

import pytest

from reports.choices import ReportKind
from reports.models import Campaign, Report
from reports.services import campaign_save, report_generate
from tests.access import (
    ALL,
    POST_PERSONAS,
    AccessCase,
    PostCase,
    check_access,
    check_post,
    check_post_only,
    post_params,
)

MAY = datetime.date(2026, 5, 1)
READERS = ("headoffice", "president", "security")
NOT_READERS = ("outlethead", "officer")


def _report(org):
    """Sub-branch 1's report: its outlet staff are in scope (unit-level rows of their unit) but may not read it."""
    report_generate(unit=org.sub1, kind=ReportKind.MONTHLY, start=MAY, end=datetime.date(2026, 5, 31))


def _stale_report(org):
    """A draft whose numbers are out of date, so that refreshing them writes something."""
    _report(org)
    Report.objects.filter(unit=org.sub1).update(numbers={})


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
    AccessCase("reports:calendar_feed", ok=ALL),  # each person's own calendar link
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
    "reports:calendar_feed_renew": [],
    "reports:report_generate": [],
    "reports:report_sections": [1],
    "reports:report_regenerate": [1],
    "reports:report_finalise": [1],
    "reports:report_publish": [1],
    "reports:report_correct": [1],
    "reports:report_sign": [1],
    "reports:campaign_report": [1],
}


SECTIONS = {"rules_text": "落实制度", "problems": "报警延迟", "measures": "更换主机"}


def _sections_saved(org, unit=None, kind=ReportKind.MONTHLY, start=MAY, end=datetime.date(2026, 5, 31)):
    from reports.services import report_save_sections

    report = report_generate(unit=unit or org.sub1, kind=kind, start=start, end=end)
    report_save_sections(report=report, by=org.security, **SECTIONS)
    return [report.pk]


def _finalised(org, unit=None, kind=ReportKind.MONTHLY, start=MAY, end=datetime.date(2026, 5, 31)):
    from reports.services import report_finalise

    [pk] = _sections_saved(org, unit, kind, start, end)
    report_finalise(report=Report.objects.get(pk=pk), by=org.security)
    return [pk]


def _quarterly_of_branch1(org):
    return _finalised(
        org, org.branch1, ReportKind.HAZARD_QUARTERLY, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30)
    )


STAFF_OF_A = ("outlethead", "officer", "teller")
MANAGERS = ("headoffice", "security")
EDIT = {"ok": MANAGERS, "forbidden": ("president", *STAFF_OF_A), "hidden": ("outsider",)}  # a sub-branch 1 report
CREATE = {"ok": MANAGERS, "forbidden": ("president", *STAFF_OF_A, "outsider")}

POST_CASES = [
    # Everyone makes (or replaces) their own calendar link.
    PostCase("reports:calendar_feed_renew", ok=POST_PERSONAS),
    # Drafts are generated in the background after commit: the request itself writes nothing yet.
    PostCase("reports:report_generate", data={"month": "2026-05"}, shown=MANAGERS, forbidden=CREATE["forbidden"]),
    PostCase("reports:report_sections", setup=_report, args=_report_pk, data=SECTIONS, **EDIT),
    PostCase("reports:report_regenerate", setup=_stale_report, args=_report_pk, **EDIT),
    PostCase("reports:report_finalise", args=_sections_saved, **EDIT),
    PostCase("reports:report_publish", args=_finalised, **EDIT),
    PostCase("reports:report_correct", args=_finalised, data={"reason": "数字有误"}, **EDIT),
    # The quarterly table of branch 1 is signed by its head; outlet staff do not see branch 1's reports.
    PostCase(
        "reports:report_sign",
        args=_quarterly_of_branch1,
        ok=("president",),
        forbidden=MANAGERS,
        hidden=(*STAFF_OF_A, "outsider"),
    ),
    PostCase(
        "reports:campaign_create",
        data=lambda org: {
            "unit": org.branch1.pk,
            "year": 2027,
            "theme": "安全月",
            "start": "2027-06-01",
            "end": "2027-06-30",
        },
        **CREATE,
    ),
    PostCase(
        "reports:activity_create",
        setup=_campaign,
        args=_campaign_pk,
        data=lambda org: {
            "unit": org.sub1.pk,
            "date": "2026-06-16",
            "kind": "consultation_day",
            "title": "咨询日",
            "participants": 12,
        },
        ok=("headoffice", "security", "outlethead", "officer"),
        forbidden=("president", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "reports:campaign_report", setup=_campaign, args=_campaign_pk, data=lambda org: {"unit": org.sub1.pk}, **EDIT
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_reports_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


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
