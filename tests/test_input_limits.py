"""Bad input gets a clear translated message, never a 500: control characters, impossible dates,
NUL bytes and text far past any sensible length."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from drills.forms import EmergencyPlanForm, StudySessionForm
from incidents.forms import IncidentReportForm
from incidents.models import Incident
from inspections.choices import AnswerType, InspectionStatus, Result
from inspections.cycles import cycle_open
from inspections.models import Answer, Assignment
from inspections.services import answer_save, inspection_start, standard_content_install
from responsibilities.forms import AgreementForm
from safetybank.exports import tabular_response
from safetybank.forms import TEXT_MAX_LENGTH
from tests.test_incidents import report

pytestmark = pytest.mark.django_db
LONG = "很" * 100_000


def _sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


# --- Exports -----------------------------------------------------------------------------------


def test_a_control_character_in_a_name_or_description_does_not_break_the_xlsx_export(org, client):
    # Rows written before the forms cleaned input (or by an import) may hold a vertical tab or ESC.
    org.outlet_a.name = "城关\x0b营业部"
    org.outlet_a.save()
    report(org.officer, org.outlet_a, description="门\x1b被撬")
    client.force_login(org.headoffice)
    sheet = _sheet(client.get(reverse("incidents:incident_export", args=["xlsx"])))
    row = next(sheet.iter_rows(min_row=2, values_only=True))
    assert row[3] == "城关\\x0b营业部" and row[5] == "门\\x1b被撬"
    # CSV can hold the character as it is.
    assert "门\x1b被撬" in client.get(reverse("incidents:incident_export", args=["csv"])).content.decode("utf-8-sig")


def test_the_export_helper_escapes_every_character_xlsx_cannot_hold(rf):
    text = "".join(chr(c) for c in range(32))
    sheet = _sheet(tabular_response("xlsx", "t", ["列\x00"], [[text, 3]]))
    assert sheet.cell(1, 1).value == "列\\x00"
    value = sheet.cell(2, 1).value
    assert "\\x0b" in value and "\\x1f" in value and "\t\n" in value and sheet.cell(2, 2).value == 3


# --- Control characters and maximum lengths in forms --------------------------------------------


def _incident_post(org, **values):
    occurred = timezone.localtime() - datetime.timedelta(hours=1)
    data = {
        "premises": org.outlet_a.pk,
        "kind": "theft",
        "occurred_at": occurred.strftime("%Y-%m-%dT%H:%M"),
        "description": "手机被盗",
        "loss_amount": "0",
        "police_report_no": "",
    }
    return {**data, **values}


def test_control_characters_are_removed_from_what_a_form_saves(org, client):
    client.force_login(org.officer)
    response = client.post(
        reverse("incidents:incident_create"),
        _incident_post(org, description="客户\x00手机\x0b被盗\x1b\n第二行\t完", police_report_no="A\x07123"),
    )
    assert response.status_code == 302, response.context["form"].errors
    incident = Incident.objects.get(reported_by=org.officer)
    assert incident.description == "客户手机被盗\n第二行\t完" and incident.police_report_no == "A123"


def test_an_over_long_text_is_refused_with_its_limit_and_nothing_is_saved(org, client):
    client.force_login(org.officer)
    response = client.post(reverse("incidents:incident_create"), _incident_post(org, description=LONG))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"不超过 {TEXT_MAX_LENGTH} 字符" in page and "目前字符数 100000" in page
    assert not Incident.objects.exists()


def test_the_form_shows_the_limit_before_anyone_types(org, client):
    client.force_login(org.officer)
    page = client.get(reverse("incidents:incident_create")).content.decode()
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in page and f"最多 {TEXT_MAX_LENGTH} 个字符。" in page


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (IncidentReportForm, "description"),
        (EmergencyPlanForm, "summary"),
        (AgreementForm, "terms"),
        (StudySessionForm, "notes"),
    ],
)
def test_long_text_fields_state_and_enforce_a_maximum(org, form_class, field):
    form = form_class(user=org.headoffice)
    bound = form.fields[field]
    assert bound.max_length == TEXT_MAX_LENGTH
    assert bound.widget.attrs["maxlength"] == str(TEXT_MAX_LENGTH)
    assert f"{TEXT_MAX_LENGTH}" in str(bound.help_text)
    form = form_class({field: LONG}, user=org.headoffice)
    assert not form.is_valid()
    assert f"不超过 {TEXT_MAX_LENGTH} 字符" in " ".join(form.errors[field])


# --- Answers of an inspection (saved one by one over HTMX) --------------------------------------


@pytest.fixture
def draft(org, time_machine):
    standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
    cycle_open(month=datetime.date(2026, 12, 1))
    time_machine.move_to(datetime.datetime.fromisoformat("2026-12-01T08:02:00+08:00"))
    assignment = Assignment.objects.get(rule__code="L4-OPEN", premises=org.outlet_a, period_start="2026-12-01")
    return inspection_start(assignment=assignment, by=org.officer)


def _failed_answer(draft, org):
    answer = draft.answers.filter(item__answer_type=AnswerType.PASS_FAIL).order_by("item__code").first()
    return answer_save(answer=answer, by=org.officer, result=Result.FAIL, note="门锁损坏")


def test_a_nul_byte_in_an_answer_note_is_removed_not_a_crash(org, client, draft):
    answer = _failed_answer(draft, org)
    client.force_login(org.officer)
    response = client.post(
        reverse("inspections:answer_save", args=[answer.pk]),
        {"result": "fail", "note": "门锁\x00损坏\x0b"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "alert-danger" not in response.content.decode()
    answer.refresh_from_db()
    assert answer.note == "门锁损坏"


def test_a_finding_past_its_limit_is_refused_not_cut_and_what_was_typed_stays(org, client, draft):
    answer = _failed_answer(draft, org)
    client.force_login(org.officer)
    typed = "锈" * 501
    response = client.post(
        reverse("inspections:answer_save", args=[answer.pk]),
        {"result": "fail", "note": typed},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "存在问题过长：最多 500 个字符（现有 501 个）。" in page
    assert typed in page  # still in the text area, to be shortened rather than retyped
    assert 'maxlength="500"' in page
    answer.refresh_from_db()
    assert answer.note == "门锁损坏"


def test_a_number_the_column_cannot_hold_is_a_message(org, client, draft):
    answer = draft.answers.select_related("item").first()
    answer.item.answer_type = AnswerType.NUMBER  # a measured item, e.g. a head office's own checklist
    answer.item.save()
    client.force_login(org.officer)
    for value in ("NaN", "1e20"):
        response = client.post(
            reverse("inspections:answer_save", args=[answer.pk]), {"number": value}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and "alert-danger" in response.content.decode()
    answer.refresh_from_db()
    assert answer.number is None


# --- The stated time of a daily check ----------------------------------------------------------


@pytest.mark.parametrize("stated", ["2026-02-30T10:00", "2026-12-01T25:00", "2026-12-01T08:10+99:00"])
def test_an_impossible_stated_time_is_a_form_error_and_the_answers_are_kept(org, client, draft, stated):
    answers = list(draft.answers.select_related("item"))
    for answer in answers:
        if answer.item.answer_type == AnswerType.PASS_FAIL:
            answer_save(answer=answer, by=org.officer, result=Result.PASS)
    client.force_login(org.officer)
    response = client.post(reverse("inspections:daily_submit", args=[draft.pk]), {"performed_at": stated})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请按示例格式填写时间，如 2026-12-01 08:10。" in page
    assert f'value="{stated}"' in page
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT
    saved = Answer.objects.filter(inspection=draft, result=Result.PASS).count()
    assert saved == sum(1 for a in answers if a.item.answer_type == AnswerType.PASS_FAIL) and saved > 0


def test_a_premises_id_that_is_not_a_number_is_no_premises_not_a_crash(org, client, draft):
    client.force_login(org.officer)
    response = client.post(reverse("inspections:assignment_detail", args=[draft.assignment_id]), {"premises": "x'"})
    assert response.status_code == 302


def test_a_nul_byte_in_the_sign_in_name_is_a_sign_in_error(org, client):
    response = client.post(reverse("login"), {"username": "officer\x00", "password": "x"})
    assert response.status_code == 200
    assert "空字符" in response.content.decode()
