"""Every limit visible before it bites, every error at once, chosen files asked for again: the
daily check states its earliest unflagged time, a submission lists all its problems, a checklist
edit shows the note's error with the rows', and a form sent back says to choose its files again."""

import datetime

import pytest
from django.urls import reverse

from inspections.cycles import cycle_open
from inspections.models import Assignment, ChecklistTemplate
from inspections.services import inspection_start, standard_content_install
from tests.inspection_helpers import photo

pytestmark = pytest.mark.django_db


def at(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def daily(org):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    return org


def _started(org, time_machine):
    time_machine.move_to(at("2026-12-01T08:00:00+08:00"), tick=False)
    assignment = Assignment.objects.get(
        rule__code="L4-OPEN", premises=org.outlet_a, period_start=datetime.date(2026, 12, 1)
    )
    return inspection_start(assignment=assignment, by=org.officer)


def test_the_daily_check_states_when_a_submission_stops_being_too_fast(daily, client, time_machine):
    inspection = _started(daily, time_machine)
    items = inspection.answers.count()
    earliest = (at("2026-12-01T08:00:00+08:00") + datetime.timedelta(seconds=2 * items)).strftime("%H:%M:%S")
    time_machine.move_to(at("2026-12-01T08:00:10+08:00"), tick=False)
    client.force_login(daily.officer)
    page = client.get(reverse("inspections:daily_check", args=[inspection.pk])).content.decode()
    assert f"本检查共 {items} 项：在 {earliest} 之前提交（打开后不足 {2 * items} 秒）将被标记为“过快”" in page
    assert f'data-remaining="{2 * items - 10}"' in page


def test_a_wrong_time_and_unanswered_items_are_reported_together(daily, client, time_machine):
    inspection = _started(daily, time_machine)
    client.force_login(daily.officer)
    response = client.post(reverse("inspections:daily_submit", args=[inspection.pk]), {"performed_at": "2026-02-30"})
    assert response.status_code == 400
    errors = response.content.decode().split('id="submit-errors"')[1].split("</div>")[0]
    assert "请按示例格式填写时间" in errors  # the time
    assert "OPN-01 尚未填写" in errors and "OPN-02 尚未填写" in errors  # and every unanswered item at once


def test_a_checklist_edit_shows_the_notes_error_with_the_rows_errors(daily, client):
    template = ChecklistTemplate.objects.get(code="WEEKLY-CONTRACT")
    client.force_login(daily.headoffice)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-code": "",  # a row error
        "form-0-defence": "civil",
        "form-0-text": "门锁完好",
        "form-0-answer_type": "pass_fail",
        "note": "长" * 201,  # and a note past its limit
    }
    page = client.post(reverse("inspections:checklist_edit", args=[template.pk]), data).content.decode()
    assert "最多 200 个字" in page  # the limit, stated before it bites
    assert "该字段是必填项" in page  # the row's error
    assert "过长：最多 200 个字符（现有 201 个）" in page  # and the note's, at once


def test_a_form_sent_back_asks_for_its_photos_again(daily, client):
    client.force_login(daily.officer)
    page = client.post(
        reverse("inspections:hazard_report"),
        {"premises": daily.outlet_a.pk, "description": "", "category": "fire", "photos": [photo()]},
    ).content.decode()
    assert "请重新选择文件：表单因错误退回时，已选的文件不会保留。" in page
    page = client.post(
        reverse("inspections:hazard_report"), {"premises": daily.outlet_a.pk, "description": "", "category": "fire"}
    ).content.decode()
    assert "请重新选择文件" not in page  # nothing was chosen: nothing to ask for
