"""XLSX import of units, premises and staff: dry run, confirm, idempotency, scope and bad files."""

import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from branches.choices import Post, PremisesKind
from branches.importing import build_template, import_apply, import_plan
from branches.models import Premises, RefusedAccess, Unit, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Services called directly speak English here; pages follow the browser (Chinese by default)."""
    with translation.override("en"):
        yield


UNIT_HEADER = ["code", "name", "kind", "department_kind", "parent_code", "phone", "address"]
PREMISES_HEADER = ["code", "name", "kind", "unit_code", "address", "area", "opens_at", "closes_at", "open_24h"]
STAFF_HEADER = ["username", "full_name", "unit_code", "post", "home_premises_code", "employee_number", "email"]


def workbook(**sheets) -> bytes:
    """An .xlsx with one sheet per keyword: name=[header, row, row…]."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name="import.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def good_file() -> bytes:
    return workbook(
        units=[UNIT_HEADER, ["S1B", "新华路支行", "sub_branch", "", "B1", "0635-8000001", "新华路1号"]],
        premises=[
            PREMISES_HEADER,
            ["PX1", "新华路营业部", "outlet", "S1B", "新华路1号", "urban", "08:30", "17:00", "no"],
            ["PX2", "新华路自助银行", "自助银行", "S1B", "新华路1号", "城区", None, None, "是"],
            ["PX3", "柳林分理处", "outlet", "S1A", "柳林村", "rural", datetime.time(8, 0), datetime.time(16, 30), ""],
        ],
        staff=[
            STAFF_HEADER,
            ["wangxiu", "王秀英", "S1B", "teller", "PX1", "E9001", ""],
            ["liqiang", "李强", "S1B", "security_officer", "PX1", "E9002", "liqiang@example.com"],
        ],
    )


def bad_file() -> bytes:
    return workbook(
        premises=[
            PREMISES_HEADER,
            ["PY1", "好网点", "outlet", "S1A", "", "urban", "08:30", "17:00", "no"],
            ["PY2", "", "outlet", "NOPE", "", "urban", "8点半", "17:00", "no"],
            ["PY1", "重复网点", "spaceship", "S1A", "", "urban", "17:00", "08:30", "no"],
        ]
    )


def test_dry_run_reports_errors_per_row_and_changes_nothing(org):
    before = (Unit.objects.count(), Premises.objects.count(), User.objects.count())
    report = import_plan(file=upload(bad_file()), user=org.security)
    assert (Unit.objects.count(), Premises.objects.count(), User.objects.count()) == before

    rows = {r.row: r for r in report.rows}
    assert rows[2].action == "create" and not rows[2].errors
    text3 = " ".join(rows[3].errors)
    assert "name" in text3 and "required" in text3  # missing name
    assert "NOPE" in text3  # unknown unit
    assert "8点半" in text3  # bad time
    text4 = " ".join(rows[4].errors)
    assert "more than once" in text4 and "row 2" in text4  # duplicate code
    assert "spaceship" in text4  # unknown premises kind
    assert "closing time must be after" in text4
    assert report.has_errors

    # Confirming a file with errors imports nothing at all, not even the good row.
    assert import_apply(file=upload(bad_file()), user=org.security).applied is False
    assert not Premises.objects.filter(code="PY1").exists()


def test_confirm_creates_units_premises_and_staff_with_initial_passwords(org):
    report = import_apply(file=upload(good_file()), user=org.security)
    assert report.applied and report.counts["create"] == 6

    sub = Unit.objects.get(code="S1B")
    assert sub.parent == org.branch1 and sub.path.startswith(org.branch1.path)
    self_service = Premises.objects.get(code="PX2")
    assert self_service.kind == PremisesKind.SELF_SERVICE and self_service.open_24h and self_service.unit == sub
    rural = Premises.objects.get(code="PX3")
    assert (rural.opens_at, rural.closes_at, rural.area) == (datetime.time(8), datetime.time(16, 30), "rural")

    teller = User.objects.get(username="wangxiu")
    assert teller.full_name == "王秀英" and teller.post == Post.TELLER and teller.email == ""
    assert teller.home_premises.code == "PX1" and teller.must_change_password
    passwords = {r.key: r.initial_password for r in report.passwords}
    assert set(passwords) == {"wangxiu", "liqiang"}
    assert teller.check_password(passwords["wangxiu"])
    # The new rows are in the importer's scope at once.
    assert Premises.objects.for_user(org.security).filter(code="PX1").exists()


def test_importing_the_same_file_again_changes_nothing(org):
    import_apply(file=upload(good_file()), user=org.security)
    teller = User.objects.get(username="wangxiu")
    history = (Unit.history.count(), Premises.history.count(), User.history.count())

    again = import_apply(file=upload(good_file()), user=org.security)
    assert again.applied
    assert again.counts == {"create": 0, "update": 0, "unchanged": 6, "error": 0}
    assert not again.passwords
    assert (Unit.history.count(), Premises.history.count(), User.history.count()) == history
    assert User.objects.get(username="wangxiu").password == teller.password


def test_a_changed_row_is_an_update_shown_in_the_dry_run(org):
    import_apply(file=upload(good_file()), user=org.security)
    changed = workbook(
        premises=[
            PREMISES_HEADER,
            ["PX1", "新华路营业部", "outlet", "S1B", "新华路1号", "urban", "09:00", "17:00", "no"],
        ]
    )
    report = import_plan(file=upload(changed), user=org.security)
    (row,) = report.rows
    assert row.action == "update"
    assert any("08:30 → 09:00" in change for change in row.changes)
    assert Premises.objects.get(code="PX1").opens_at == datetime.time(8, 30)
    import_apply(file=upload(changed), user=org.security)
    assert Premises.objects.get(code="PX1").opens_at == datetime.time(9, 0)


def test_not_an_xlsx_file_is_refused_with_a_clear_message(org, login):
    client = login(org.security)
    response = client.post(reverse("branches:import"), {"file": upload(b"%PDF-1.4 not a workbook", "list.xlsx")})
    assert response.status_code == 200
    assert "不是 Excel 工作簿" in response.content.decode()


def test_a_workbook_without_known_sheets_is_refused(org, login):
    client = login(org.security)
    data = workbook(Sheet1=[["a", "b"], [1, 2]])
    response = client.post(reverse("branches:import"), {"file": upload(data)})
    assert "工作簿中没有名为" in response.content.decode()


def test_out_of_scope_parent_is_a_row_error(org):
    data = workbook(
        units=[UNIT_HEADER, ["S2X", "越界支行", "sub_branch", "", "B2", "", ""]],
        premises=[PREMISES_HEADER, ["PZ1", "越界网点", "outlet", "S2A", "", "urban", "", "", ""]],
    )
    report = import_plan(file=upload(data), user=org.security)
    assert [r.action for r in report.rows] == ["error", "error"]
    assert "outside your scope" in report.rows[0].errors[0]
    assert "outside your scope" in report.rows[1].errors[0]
    # Head office may import there.
    assert not import_plan(file=upload(data), user=org.headoffice).has_errors


def test_existing_rows_outside_scope_are_not_overwritten(org):
    data = workbook(premises=[PREMISES_HEADER, ["PB", "改名", "outlet", "S1A", "", "urban", "", "", ""]])
    (row,) = import_plan(file=upload(data), user=org.security).rows
    assert "already used outside your scope" in row.errors[0]


def test_staff_rows_cannot_raise_posts_or_take_others_numbers(org):
    org.outsider.employee_number = "E1"
    org.outsider.save()
    data = workbook(
        staff=[
            STAFF_HEADER,
            ["boss", "赵大", "B1", "head_office_security", "", "", ""],
            ["thief", "钱二", "S1A", "teller", "PA", "E1", "not-an-email"],
            ["wrongplace", "孙三", "S1A", "teller", "PB", "", ""],
        ]
    )
    rows = import_plan(file=upload(data), user=org.security).rows
    assert "Only head office" in rows[0].errors[0]
    assert any("belongs to someone else" in e for e in rows[1].errors)
    assert any("not an e-mail address" in e for e in rows[1].errors)
    assert any("unknown or outside your scope" in e for e in rows[2].errors)


def test_a_unit_cannot_be_moved_below_itself(org):
    data = workbook(units=[UNIT_HEADER, ["B1", "城东分行", "branch", "", "S1A", "", ""]])
    (row,) = import_plan(file=upload(data), user=org.headoffice).rows
    assert row.errors


def test_units_may_name_a_parent_further_down_the_file(org):
    data = workbook(
        units=[
            UNIT_HEADER,
            ["S1C-SEC", "柳林支行综合室", "department", "office", "S1C", "", ""],
            ["S1C", "柳林支行", "sub_branch", "", "B1", "", ""],
        ]
    )
    assert import_apply(file=upload(data), user=org.security).applied
    assert Unit.objects.get(code="S1C-SEC").parent.code == "S1C"


def test_dry_run_page_then_confirm_page_shows_passwords_once(org, login, settings):
    client = login(org.security)
    response = client.post(reverse("branches:import"), {"file": upload(good_file())})
    assert response.status_code == 302
    report_url = response["Location"]
    page = client.get(report_url).content.decode()
    assert "新华路营业部" in page and "确认并导入" in page
    assert not Premises.objects.filter(code="PX1").exists()

    result = client.post(report_url)
    body = result.content.decode()
    assert result.status_code == 200 and "wangxiu" in body
    password = re.search(r'<td class="font-monospace">(\w+)</td>', body)[1]
    assert User.objects.get(username="wangxiu").check_password(password)
    assert Premises.objects.filter(code__in=["PX1", "PX2", "PX3"]).count() == 3
    # The stored upload is gone: confirming again imports nothing twice.
    assert client.post(report_url).status_code == 302
    assert not list((settings.MEDIA_ROOT / "imports").rglob("*.xlsx"))


def test_dry_run_page_marks_error_rows_and_offers_no_confirm(org, login):
    client = login(org.security)
    report_url = client.post(reverse("branches:import"), {"file": upload(bad_file())})["Location"]
    page = client.get(report_url).content.decode()
    assert page.count('class="table-danger"') == 2
    assert "确认并导入" not in page
    # A forced POST imports nothing.
    client.post(report_url)
    assert not Premises.objects.filter(code="PY1").exists()


def test_another_user_cannot_use_someone_elses_upload(org, login):
    client = login(org.security)
    report_url = client.post(reverse("branches:import"), {"file": upload(good_file())})["Location"]
    client.force_login(org.headoffice)
    assert client.post(report_url).status_code == 302
    assert not Premises.objects.filter(code="PX1").exists()


def test_officer_gets_403_and_the_refusal_is_logged(org, login):
    client = login(org.officer)
    assert client.get(reverse("branches:import")).status_code == 403
    response = client.post(reverse("branches:import"), {"file": upload(good_file())})
    assert response.status_code == 403
    assert RefusedAccess.objects.filter(user=org.officer, action="staff.import").count() == 2
    assert not Unit.objects.filter(code="S1B").exists()


def test_template_downloads_and_an_empty_template_imports_nothing(org, login):
    response = login(org.security).get(reverse("branches:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4
    report = import_plan(file=io.BytesIO(build_template()), user=org.security)
    assert report.rows == [] and not report.has_errors


def test_filled_in_template_in_chinese_imports(org):
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    sheet = book.worksheets[2]  # instructions, units, premises, staff — titled in Chinese
    sheet.append(["PT1", "模板网点", "营业网点", "S1A", "", "", "08:30", "17:00", "否", ""])
    out = io.BytesIO()
    book.save(out)
    report = import_apply(file=io.BytesIO(out.getvalue()), user=org.security)
    assert report.applied
    assert Premises.objects.get(code="PT1").kind == PremisesKind.OUTLET


# ---------------------------------------------------------------------------
# Staff changes go through the same services as the staff pages: the import of a
# post change, a move and a leaver ends up exactly where the forms would.
# ---------------------------------------------------------------------------


def _sessions_of(person) -> int:
    return sum(
        str(s.get_decoded().get("_auth_user_id")) == str(person.pk)
        for s in Session.objects.filter(expire_date__gt=timezone.now())
    )


def _outcome(username: str, since: int) -> dict:
    """What the staff page, the scope and the audit trail show of a person after a change."""
    person = User.objects.select_related("unit", "home_premises").get(username=username)
    return {
        "unit": person.unit.code,
        "post": person.post,
        "home": person.home_premises.code if person.home_premises else None,
        "active": person.is_active,
        "end_date": person.end_date,
        "can_sign_in": person.has_usable_password(),
        "contracts": sorted(person.contracts.values_list("premises__code", flat=True)),
        "scope": sorted(Premises.objects.for_user(person).values_list("code", flat=True)),
        "sessions": _sessions_of(person),
        "history": [
            (h.history_type, h.history_change_reason, h.history_user_id, h.unit_id, h.post, h.home_premises_id)
            + (h.is_active, h.end_date)
            for h in person.history.filter(history_id__gt=since).order_by("history_id")
        ],
    }


def _by_form_then_undone(client, username: str, url_name: str, data: dict) -> dict:
    """Post the staff page's form, note the outcome, and roll it back so the import starts from the same state."""
    person = User.objects.get(username=username)
    since = User.history.order_by("-history_id").values_list("history_id", flat=True).first()
    with transaction.atomic():
        response = client.post(reverse(f"branches:{url_name}", args=[person.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        outcome = _outcome(username, since)
        transaction.set_rollback(True)
    return outcome


def _by_import(client, data: bytes, username: str) -> dict:
    since = User.history.order_by("-history_id").values_list("history_id", flat=True).first()
    report_url = client.post(reverse("branches:import"), {"file": upload(data)})["Location"]
    result = client.post(report_url)
    assert result.status_code == 200 and "导入完成" in result.content.decode()
    return _outcome(username, since)


@pytest.fixture
def signed_in(org):
    """The people changed are signed in elsewhere: the security department member twice, the officer once."""
    for person in (org.security, org.security, org.officer):
        Client().force_login(person)
    return org


def test_importing_security_department_staff_as_teller_ends_contracts_as_the_transfer_form_does(signed_in, login):
    org = signed_in
    client = login(org.headoffice)
    today = timezone.localdate()
    assert _outcome("security", 0)["contracts"] == ["PA", "PA2"]
    by_form = _by_form_then_undone(
        client,
        "security",
        "staff_transfer",
        {
            "unit": org.b1_security.pk,
            "post": Post.TELLER,
            "home_premises": "",
            "effective": today,
            "reason": "XLSX import",
        },
    )
    assert _outcome("security", 0)["contracts"] == ["PA", "PA2"]  # the form's change was rolled back

    data = workbook(staff=[STAFF_HEADER, ["security", "孙保卫", "B1-SEC", "teller", "", "", "security@example.com"]])
    with translation.override("en"):  # the client's requests switched to the page language
        (row,) = import_plan(file=upload(data), user=org.headoffice).rows
    assert any("Contracted premises end" in change and "北街自助银行" in change for change in row.changes)

    imported = _by_import(client, data, "security")
    assert imported == by_form
    assert imported["post"] == Post.TELLER and imported["contracts"] == []
    assert "PA" not in imported["scope"] and "PA2" not in imported["scope"]
    assert [h[1] for h in imported["history"]] == [f"于 {today.isoformat()} 调动：XLSX import"]  # page language


def test_importing_a_move_to_another_unit_changes_scope_as_the_transfer_form_does(signed_in, login):
    org = signed_in
    client = login(org.headoffice)
    today = timezone.localdate()
    form_data = {
        "unit": org.sub2.pk,
        "post": Post.SECURITY_OFFICER,
        "home_premises": org.outlet_b.pk,
        "effective": today,
        "reason": "XLSX import",
    }
    by_form = _by_form_then_undone(client, "officer", "staff_transfer", form_data)
    row = ["officer", "周安全", "S2A", "security_officer", "PB", "", "officer@example.com"]
    imported = _by_import(client, workbook(staff=[STAFF_HEADER, row]), "officer")
    assert imported == by_form
    assert imported["unit"] == "S2A" and imported["scope"] == ["PB"]
    assert [h[1] for h in imported["history"]] == [f"于 {today.isoformat()} 调动：XLSX import"]


def test_importing_a_leaver_closes_the_account_as_the_leaving_form_does(signed_in, login):
    org = signed_in
    client = login(org.headoffice)
    last_day = timezone.localdate()
    assert _sessions_of(org.security) == 2
    by_form = _by_form_then_undone(
        client, "security", "staff_leave", {"end_date": last_day, "reason": "XLSX import", "confirm": "on"}
    )
    header = [*STAFF_HEADER, "end_date"]
    data = workbook(
        staff=[
            header,
            ["security", "孙保卫", "B1-SEC", "security_department", "", "", "security@example.com", last_day],
        ]
    )
    with translation.override("en"):
        (row,) = import_plan(file=upload(data), user=org.headoffice).rows
    assert any(change.startswith("Leaves:") for change in row.changes)

    imported = _by_import(client, data, "security")
    assert imported == by_form
    assert not imported["active"] and not imported["can_sign_in"] and imported["end_date"] == last_day
    assert imported["sessions"] == 0 and imported["contracts"] == [] and imported["scope"] == []
    assert [h[1] for h in imported["history"]] == [f"于 {last_day.isoformat()} 离职：XLSX import"]
    assert _sessions_of(org.officer) == 1  # nobody else was signed out

    # The same file again: the person has left with that date already, so nothing changes.
    audit_rows = User.history.filter(username="security").count()
    again = import_apply(file=upload(data), user=org.headoffice)
    assert again.applied and again.counts["unchanged"] == 1
    assert User.history.filter(username="security").count() == audit_rows


def test_a_leaver_row_for_someone_new_or_a_changed_leaver_is_refused(org):
    org.officer.is_active, org.officer.end_date = False, datetime.date(2026, 9, 30)
    org.officer.save()
    header = [*STAFF_HEADER, "end_date"]
    data = workbook(
        staff=[
            header,
            ["newcomer", "陈新", "S1A", "teller", "PA", "", "", "2026-09-30"],
            ["officer", "周安全", "S1A", "teller", "PA", "", "officer@example.com", "2026-09-30"],
        ]
    )
    newcomer, leaver = import_plan(file=upload(data), user=org.security).rows
    assert "cannot be imported as having left" in newcomer.errors[0]
    assert "has left" in leaver.errors[0]


def test_a_move_without_the_home_premises_column_keeps_a_home_that_must_fit_the_new_unit(org):
    header = ["username", "full_name", "unit_code", "post"]
    data = workbook(staff=[header, ["officer", "周安全", "S2A", "security_officer"]])
    (row,) = import_plan(file=upload(data), user=org.headoffice).rows
    assert "does not belong to unit “S2A”" in row.errors[0]
    assert import_apply(file=upload(data), user=org.headoffice).applied is False
    assert User.objects.get(username="officer").unit == org.sub1
