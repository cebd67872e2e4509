"""Summary reports: numbers from the owning selectors, scope, the life cycle and the PDFs."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import GeneratedDocument, Notification
from drills.models import StudySession
from drills.selectors import drill_counts
from facilities.models import Investment
from facilities.selectors import security_counts
from incidents.models import Incident
from inspections.hazards.models import Hazard
from inspections.hazards.selectors import hazard_counts
from reports.choices import ReportKind, ReportStatus
from reports.models import Report, ReportFile
from reports.numbers import report_numbers, staff_as_at
from reports.services import (
    report_correct,
    report_finalise,
    report_generate,
    report_pdf,
    report_publish,
    report_save_sections,
    reports_generate_month,
)
from responsibilities.selectors import letter_coverage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAY = datetime.date(2026, 5, 1)
MAY_END = datetime.date(2026, 5, 31)
TODAY = datetime.date(2026, 6, 3)


@pytest.fixture
def june(time_machine):
    time_machine.move_to(datetime.datetime(2026, 6, 3, 9, 0, tzinfo=datetime.UTC))


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _hazard(org, premises, *, found, deadline=None, closed=None, who=None):
    return Hazard.objects.create(
        unit=premises.unit,
        premises=premises,
        description="灭火器过期",
        category="fire",
        found_by=who or org.security,
        found_at=_at(found),
        deadline=deadline,
        status="closed" if closed else "assigned",
        closed_at=_at(closed) if closed else None,
    )


@pytest.fixture
def seeded(org, june):
    """A month of activity in both branches."""
    _hazard(org, org.outlet_a, found=datetime.date(2026, 5, 4), deadline=datetime.date(2026, 5, 10))  # overdue
    _hazard(org, org.outlet_a, found=datetime.date(2026, 5, 6), closed=datetime.date(2026, 5, 8))
    _hazard(org, org.outlet_a2, found=datetime.date(2026, 5, 20), deadline=datetime.date(2026, 6, 30))
    _hazard(org, org.outlet_b, found=datetime.date(2026, 5, 7), who=org.outsider)  # branch 2
    for day in (5, 19):
        StudySession.objects.create(
            unit=org.sub1,
            topic="典型案例学习",
            kind="cases",
            date=datetime.date(2026, 5, day),
            recorded_by=org.security,
        )
    StudySession.objects.create(
        unit=org.sub2, topic="规章制度", kind="rules", date=datetime.date(2026, 5, 9), recorded_by=org.outsider
    )
    Investment.objects.create(
        unit=org.sub1,
        premises=org.outlet_a,
        amount=Decimal("46000"),
        description="监控升级",
        date=datetime.date(2026, 5, 12),
        recorded_by=org.security,
    )
    Incident.objects.create(
        unit=org.sub2,
        premises=org.outlet_b,
        kind="theft",
        occurred_at=_at(datetime.date(2026, 5, 15)),
        description="ATM 防护罩被撬",
        loss_amount=Decimal("1500"),
        reported_by=org.outsider,
    )
    UserFactory(unit=org.sub1, home_premises=org.outlet_a, post="teller", start_date=datetime.date(2026, 6, 1))
    UserFactory(
        unit=org.sub1, home_premises=org.outlet_a, post="teller", end_date=datetime.date(2026, 5, 31), is_active=False
    )
    return org


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def _row(text: str, label: str) -> list[int]:
    """The numbers printed after ``label`` in a table row."""
    match = re.search(re.escape(label) + r" ((?:\d+ ?)+)", text)
    assert match, f"{label!r} not in the PDF"
    return [int(x) for x in match.group(1).split()]


def test_every_number_printed_equals_the_owning_selectors_answer(seeded):
    org = seeded
    report = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    text = pdf_text(report_pdf(report=report, language="en"))

    # The selectors, asked by a real manager of branch 1 (security sees the branch's subtree).
    hazards = hazard_counts(user=org.security, start=MAY, end=MAY_END, unit=org.branch1, today=TODAY)
    drills = drill_counts(user=org.security, unit=org.branch1, start=MAY, end=MAY_END, today=TODAY)
    security = security_counts(user=org.security, start=MAY, end=MAY_END, today=TODAY)
    letters = letter_coverage(user=org.security, unit=org.branch1, year=2026)
    staff = staff_as_at(user=org.security, unit=org.branch1, day=MAY_END)

    assert _row(text, "Staff at the end of the period")[0] == staff.count()
    assert _row(text, "Security officers")[0] == staff.filter(post="security_officer").count()
    assert _row(text, "Study sessions")[0] == drills.study_sessions == 2
    assert _row(text, "Drills carried out")[0] == drills.drills_done
    assert f"A total of {security.facilities.investment_total:,.2f} yuan" in text  # 46,000.00
    assert _row(text, "Facility tests done")[0] == security.facilities.tests_done
    assert _row(text, "Staff")[:2] == [letters.staff_signed, letters.staff_total]  # the letters table
    assert f"{hazards.found} hidden dangers were found and {hazards.rectified} rectified" in text
    assert f"{hazards.open} are still open, {hazards.overdue} of them past their deadline" in text
    assert (hazards.found, hazards.rectified, hazards.open, hazards.overdue) == (3, 1, 2, 1)
    total = _row(text, "Total")
    assert total[:4] == [hazards.found, hazards.rectified, hazards.open, hazards.overdue]
    assert "No cases of theft" in text  # the theft happened in branch 2
    assert "Page 1 of" in text


def test_chinese_pdf_has_the_four_sections_and_page_numbers(seeded):
    report = report_generate(unit=seeded.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    text = pdf_text(report_pdf(report=report, language="zh-hans"))
    for heading in ("基本情况", "开展的工作", "存在的问题", "整改措施", "第 1 页"):
        assert heading in text, heading


def test_a_units_report_counts_only_its_subtree(seeded):
    org = seeded
    b2 = report_numbers(unit=org.branch2, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END, today=TODAY)
    b1 = report_numbers(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END, today=TODAY)
    whole = report_numbers(unit=org.head_office, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END, today=TODAY)
    assert (b1["hazards"]["found"], b2["hazards"]["found"], whole["hazards"]["found"]) == (3, 1, 4)
    assert (b1["incidents"]["total"], b2["incidents"]["total"], whole["incidents"]["total"]) == (0, 1, 1)
    assert (b1["drills"]["study_sessions"], b2["drills"]["study_sessions"]) == (2, 1)
    assert b1["basic"]["premises_total"] == 2 and b2["basic"]["premises_total"] == 1


def test_staff_are_counted_as_at_month_end(seeded):
    numbers = report_numbers(unit=seeded.sub1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END, today=TODAY)
    # outlethead + officer + the teller who left on 31 May; not the one who started in June.
    assert numbers["basic"]["staff"] == 3
    assert numbers["basic"]["security_officers"] == 1


def _finish(report, org):
    report_save_sections(report=report, by=org.security, rules_text="", problems="问题", measures="措施")
    return report_finalise(report=report, by=org.security, today=TODAY)


def test_a_late_entry_after_finalising_changes_no_published_pdf(seeded):
    org = seeded
    report = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    report = report_publish(report=_finish(report, org), by=org.security)
    before = pdf_text(report_pdf(report=report, language="en"))
    _hazard(org, org.outlet_a, found=datetime.date(2026, 5, 30))  # entered late, dated in May
    report.refresh_from_db()
    after = pdf_text(report_pdf(report=report, language="en"))
    assert "3 hidden dangers were found" in before and before == after
    # Regenerating does not touch a published version; a correction picks the late entry up.
    assert report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END).pk == report.pk
    new = report_correct(report=report, by=org.security, reason="补录隐患")
    assert new.version == 2 and new.numbers["hazards"]["found"] == 4 and new.problems == "问题"
    report.refresh_from_db()
    assert not report.is_current and report.status == ReportStatus.PUBLISHED
    assert "3 hidden dangers were found" in pdf_text(report_pdf(report=report, language="en"))


def test_generating_twice_gives_one_current_version_per_unit(seeded):
    first = reports_generate_month(month=MAY, today=TODAY)
    second = reports_generate_month(month=MAY, today=TODAY)
    assert first == second == 5 * 2  # HO, B1, S1A, B2, S2A × (summary, self-inspection report)
    current = Report.objects.filter(is_current=True, period_start=MAY)
    assert current.count() == 10
    assert Report.objects.count() == 10


def test_quarter_end_adds_the_quarterly_statistics(seeded):
    reports_generate_month(month=datetime.date(2026, 3, 1), units=[seeded.branch1], today=TODAY)
    quarterly = Report.objects.get(kind=ReportKind.HAZARD_QUARTERLY)
    assert (quarterly.period_start, quarterly.period_end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


def test_hand_written_sections_survive_regeneration(seeded):
    org = seeded
    report = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    assert report.problems == ""  # the pre-fill is offered in the writer's language, never stored
    report_save_sections(
        report=report, by=org.security, rules_text="新规程", problems="我写的问题", measures="我写的措施"
    )
    _hazard(org, org.outlet_a, found=datetime.date(2026, 5, 30))
    again = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    assert again.pk == report.pk
    assert (again.rules_text, again.problems, again.measures) == ("新规程", "我写的问题", "我写的措施")
    assert again.numbers["hazards"]["found"] == 4


def test_finalising_needs_sections_three_and_four(seeded):
    report = report_generate(unit=seeded.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    report_save_sections(report=report, by=seeded.security, rules_text="", problems="", measures="")
    with pytest.raises(ValidationError, match="定稿前请填写第三部分（存在的问题）和第四部分（整改措施）"):
        report_finalise(report=report, by=seeded.security)


def test_publishing_tells_head_office(seeded):
    report = report_generate(unit=seeded.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    report_publish(report=_finish(report, seeded), by=seeded.security)
    assert Notification.objects.filter(user=seeded.headoffice, kind="report.published").count() == 1


def test_hazard_reports_list_and_sign(seeded, client):
    org = seeded
    monthly = report_generate(unit=org.branch1, kind=ReportKind.HAZARD_MONTHLY, start=MAY, end=MAY_END)
    assert len(monthly.numbers["found_list"]) == 3 and len(monthly.numbers["open_list"]) == 2
    text = pdf_text(report_pdf(report=monthly, language="en"))
    assert "Hidden dangers still open" in text
    quarterly = report_generate(
        unit=org.branch1,
        kind=ReportKind.HAZARD_QUARTERLY,
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 6, 30),
    )
    _finish(quarterly, org)
    client.force_login(org.president)
    response = client.post(reverse("reports:report_sign", args=[quarterly.pk]))
    assert response.status_code == 302
    text = pdf_text(report_pdf(report=Report.objects.get(pk=quarterly.pk), language="en"))
    assert "Signed by 钱行长" in text


def test_the_signed_quarterly_table_is_the_one_stored_pdf_every_path_serves(
    seeded, client, django_capture_on_commit_callbacks
):
    org = seeded
    quarterly = report_generate(
        unit=org.branch1,
        kind=ReportKind.HAZARD_QUARTERLY,
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 6, 30),
    )
    _finish(quarterly, org)
    client.force_login(org.president)
    url = reverse("reports:report_pdf", args=[quarterly.pk]) + "?lang=en"
    unsigned = client.get(url).content  # the president opens the table before signing it
    assert "Signed by" not in pdf_text(unsigned) and client.get(url).content == unsigned  # stored, not re-rendered

    client.post(reverse("reports:report_sign", args=[quarterly.pk]))
    signed = client.get(url).content
    assert signed != unsigned and "Signed by 钱行长" in pdf_text(signed)
    assert client.get(url).content == signed

    with django_capture_on_commit_callbacks(execute=True):  # publishing stores the file in every language
        report_publish(report=Report.objects.get(pk=quarterly.pk), by=org.security)
    stored = {f.language: f.file.read() for f in ReportFile.objects.filter(report=quarterly)}
    assert set(stored) == {"zh-hans", "en"}
    published = client.get(url).content
    assert published == stored["en"]
    assert "Published" in pdf_text(published) and "Signed by 钱行长" in pdf_text(published)

    with django_capture_on_commit_callbacks(execute=True):  # the background document serves the same file
        client.post(reverse("document_request", args=["reports.report"]), {"report": quarterly.pk})
    document = GeneratedDocument.objects.get()
    download = client.get(reverse("document_download", args=[document.pk]))
    assert document.language in stored and b"".join(download.streaming_content) == stored[document.language]


def test_bad_input_is_a_message_not_a_500(seeded, client):
    report = report_generate(unit=seeded.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    client.force_login(seeded.security)
    response = client.post(reverse("reports:report_finalise", args=[report.pk]), follow=True)
    assert "定稿前请填写第三部分" in response.content.decode()  # section 4 is still empty
    response = client.post(reverse("reports:report_sections", args=[report.pk]), {"problems": "x", "measures": "y"})
    assert response.status_code == 302
    client.post(reverse("reports:report_finalise", args=[report.pk]))
    response = client.post(reverse("reports:report_sections", args=[report.pk]), {"problems": "z", "measures": "z"})
    assert response.status_code == 400 and "如需修改请更正" in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.problems) == (ReportStatus.FINALISED, "x")
    response = client.post(reverse("reports:report_generate"), {"month": "nonsense"}, follow=True)
    assert "YYYY-MM" in response.content.decode()
    response = client.post(reverse("reports:report_correct", args=[report.pk]), {"reason": ""})
    assert response.status_code == 400


def test_head_office_downloads_the_zip_of_published_reports(seeded, client):
    org = seeded
    reports_generate_month(month=MAY, today=TODAY)
    for report in Report.objects.filter(unit__in=[org.branch1, org.sub1], kind=ReportKind.MONTHLY):
        report_publish(report=_finish(report, org), by=org.security)
    client.force_login(org.headoffice)
    page = client.get(reverse("reports:report_list") + "?month=2026-05")
    assert page.status_code == 200 and 'data-status="published"' in page.content.decode()
    response = client.get(reverse("reports:report_zip") + "?month=2026-05&kind=monthly")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    client.force_login(org.outsider)  # branch 2's officer sees nothing of branch 1
    assert client.get(reverse("reports:report_zip") + "?month=2026-05").status_code == 403


def test_safety_month_summary_prints_theme_activities_and_photos(seeded, tmp_path):
    from PIL import Image

    from core.uploads import check_upload
    from reports.choices import ActivityKind
    from reports.services import activity_record, campaign_report_generate, campaign_save

    org = seeded
    campaign = campaign_save(
        unit=org.head_office,
        year=2026,
        start=datetime.date(2026, 5, 1),
        end=datetime.date(2026, 5, 31),
        theme="人人讲安全、个个会应急",
        by=org.headoffice,
    )
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (20, 120, 20)).save(buffer, "JPEG")
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = check_upload(SimpleUploadedFile("stand.jpg", buffer.getvalue(), content_type="image/jpeg"))
    activity_record(
        campaign=campaign,
        unit=org.sub1,
        date=datetime.date(2026, 5, 16),
        kind=ActivityKind.CONSULTATION_DAY,
        title="咨询日宣传台",
        description="发放资料",
        participants=12,
        by=org.security,
        uploads=[photo],
    )
    with pytest.raises(ValidationError, match="日期必须在安全生产月期间"):  # outside the campaign's dates
        activity_record(
            campaign=campaign,
            unit=org.sub1,
            date=datetime.date(2026, 7, 1),
            kind="other",
            title="x",
            description="",
            participants=0,
            by=org.security,
        )
    b2 = campaign_report_generate(campaign=campaign, unit=org.branch2, by=org.security)
    assert b2.numbers["activities"] == []  # branch 2 held none
    report = campaign_report_generate(campaign=campaign, unit=org.branch1, by=org.security)
    data = report_pdf(report=report, language="en")
    text = pdf_text(data)
    assert "人人讲安全、个个会应急" in text and "1 activities were held with 12 participants" in text
    assert any("/XObject" in str(page.get("/Resources", {})) for page in PdfReader(io.BytesIO(data)).pages)


def test_reports_to_finish_publish_and_sign_are_in_my_tasks(seeded, settings):
    from core.tasks_registry import tasks_for

    org = seeded
    assert settings.CELERY_BEAT_SCHEDULE["reports-generate-month"]["task"] == "reports.generate_month"
    report = report_generate(unit=org.branch1, kind=ReportKind.MONTHLY, start=MAY, end=MAY_END)
    assert any(task.url == report.get_absolute_url() for task in tasks_for(org.security))
    assert not any(task.url == report.get_absolute_url() for task in tasks_for(org.outsider))
    quarterly = report_generate(
        unit=org.branch1,
        kind=ReportKind.HAZARD_QUARTERLY,
        start=datetime.date(2026, 4, 1),
        end=datetime.date(2026, 6, 30),
    )
    _finish(quarterly, org)
    assert any(task.url == quarterly.get_absolute_url() for task in tasks_for(org.president))


def test_a_safety_month_summary_covers_its_safety_month_and_no_other_period(org):
    from reports.services import campaign_save

    campaign = campaign_save(
        unit=org.head_office,
        year=2026,
        start=datetime.date(2026, 6, 1),
        end=datetime.date(2026, 6, 30),
        theme="人人讲安全、个个会应急",
        by=org.headoffice,
    )
    with pytest.raises(ValidationError, match="安全生产月活动总结只能涵盖其安全生产月"):
        report_generate(
            unit=org.branch1,
            kind=ReportKind.SAFETY_MONTH,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 11, 30),
            campaign=campaign,
        )
    with pytest.raises(ValidationError, match="安全生产月活动总结须对应一个安全生产月"):
        report_generate(unit=org.branch1, kind=ReportKind.SAFETY_MONTH, start=datetime.date(2026, 6, 1), end=JUNE_END)
    assert not Report.objects.filter(kind=ReportKind.SAFETY_MONTH).exists()
    report = report_generate(
        unit=org.branch1, kind=ReportKind.SAFETY_MONTH, start=campaign.start, end=campaign.end, campaign=campaign
    )
    assert (report.period_start, report.period_end) == (campaign.start, campaign.end)


JUNE_END = datetime.date(2026, 6, 30)
