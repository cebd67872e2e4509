"""Responsibility letters, the annual round, signing and countersigning, coverage, the
committee, post duties, the duty roster and joint-defence agreements."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from branches.choices import Post
from branches.services import staff_leave, staff_transfer
from core.choices import SignatureKind
from core.models import Notification, Signature
from core.selectors import signatures_of
from core.tasks_registry import tasks_for
from responsibilities import arrangements, selectors, services, tasks
from responsibilities.choices import CommitteeRole, LetterKind, LetterStatus, PartyKind, RoundStatus
from responsibilities.models import JointDefenceAgreement, Letter, LetterRound, LetterTemplate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-01-05 09:00:00+08:00", tick=False)
    return datetime.date(2026, 1, 5)


def issue(org, unit=None, by=None, year=YEAR):
    """Request and run a round the way the page does, callbacks run at commit."""
    round = services.round_request(unit=unit or org.branch1, year=year, by=by or org.security)
    services.round_run(round_id=round.pk)
    round.refresh_from_db()
    return round


def letter_of(person, year=YEAR):
    return Letter.objects.current().get(year=year, party_user=person)


# --------------------------------------------------------------------------- the annual round


def test_a_round_issues_letters_to_departments_subordinate_units_outlets_and_every_employee(org, today):
    round = issue(org)
    assert round.status == RoundStatus.DONE and round.progress == 100
    letters = Letter.objects.filter(round=round)
    by_kind = {(letter.kind, letter.party_name) for letter in letters}
    assert (LetterKind.DEPARTMENT, "城东分行保卫部") in by_kind
    assert (LetterKind.SAFETY_PRODUCTION, "城关支行") in by_kind
    assert (LetterKind.PREMISES, "城关营业部") in by_kind
    assert (LetterKind.PREMISES, "北街自助银行") not in by_kind  # unattended: signed through its unit's staff
    people = {letter.party_user for letter in letters if letter.kind == LetterKind.EMPLOYEE}
    assert people == {org.president, org.security, org.outlethead, org.officer}  # not branch 2, not head office
    officer = letter_of(org.officer)
    assert officer.signatory == org.officer and officer.post == Post.SECURITY_OFFICER
    assert "周安全" in officer.text and "城东分行" in officer.text and "营业前、营业后检查并记录" in officer.text
    assert "Security officer" in officer.text_en
    assert letter_of(org.officer).premises == org.outlet_a
    premises_letter = letters.get(kind=LetterKind.PREMISES)
    assert premises_letter.signatory == org.outlethead


def test_issuing_a_years_round_twice_creates_no_duplicates(org, today, django_capture_on_commit_callbacks):
    first = issue(org)
    count = Letter.objects.count()
    from django.test import Client

    client = Client()
    client.force_login(org.security)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("responsibilities:round_issue"), {"unit": org.branch1.pk, "year": YEAR})
    client_round = LetterRound.objects.get()
    assert response.status_code == 302 and client_round.pk == first.pk
    assert client_round.status == RoundStatus.DONE
    assert Letter.objects.count() == count
    assert LetterRound.objects.count() == 1


def test_the_reconcile_task_issues_a_letter_to_a_new_hire(org, today):
    issue(org)
    newcomer = UserFactory(
        username="newteller", full_name="郑新人", unit=org.sub1, home_premises=org.outlet_a, post=Post.TELLER
    )
    assert not Letter.objects.filter(party_user=newcomer).exists()
    result = tasks.reconcile_letters()
    assert result == {"issued": 1, "superseded": 0}
    letter = letter_of(newcomer)
    assert letter.post == Post.TELLER and "签退" in letter.text
    assert tasks.reconcile_letters() == {"issued": 0, "superseded": 0}  # idempotent


def test_the_reconcile_task_supersedes_a_letter_after_a_transfer(org, today):
    issue(org)
    old = letter_of(org.officer)
    services.letter_sign(letter=old, by=org.officer, typed_name="周安全")
    staff_transfer(
        staff=org.officer,
        unit=org.sub1,
        post=Post.TELLER,
        home_premises=org.outlet_a,
        by=org.security,
        reason="轮岗",
        on=today,
    )
    assert tasks.reconcile_letters() == {"issued": 1, "superseded": 1}
    old.refresh_from_db()
    new = letter_of(org.officer)
    assert old.status == LetterStatus.SUPERSEDED and old.superseded_by == new
    assert new.post == Post.TELLER and new.status == LetterStatus.ISSUED
    # The old signed letter is still exactly what was signed.
    assert signatures_of(old).get().verify(old.signing_content)
    # Coverage counts the person only once the letter of the new post is signed.
    coverage = selectors.letter_coverage(user=org.security, unit=org.sub1, year=YEAR)
    assert org.officer in coverage.unsigned_staff


def test_someone_moving_to_another_branch_gets_that_branchs_letter(org, today):
    issue(org)
    issue(org, unit=org.branch2, by=org.headoffice)
    staff_transfer(
        staff=org.officer,
        unit=org.sub2,
        post=Post.SECURITY_OFFICER,
        home_premises=org.outlet_b,
        by=org.headoffice,
        reason="调动",
        on=today,
    )
    tasks.reconcile_letters()
    letter = letter_of(org.officer)
    assert letter.issuing_unit == org.branch2 and letter.premises == org.outlet_b
    assert Letter.objects.filter(party_user=org.officer, status=LetterStatus.SUPERSEDED).count() == 1


# --------------------------------------------------------------------------- signing


def test_a_signed_letters_text_never_changes_when_the_template_is_edited(org, today):
    issue(org)
    letter = letter_of(org.officer)
    signature = services.letter_sign(letter=letter, by=org.officer, typed_name=" 周 安全 ", ip="10.1.2.3")
    text_signed = letter.text
    template = LetterTemplate.objects.get(kind=LetterKind.EMPLOYEE)
    template.body = template.body.replace("第一条", "第一条（修订）")
    services.letter_template_save(template=template, by=org.headoffice, reason="年度修订")
    tasks.reconcile_letters()
    letter.refresh_from_db()
    assert letter.text == text_signed and "修订" not in letter.text
    assert signature.verify(letter.signing_content)
    assert signature.kind == SignatureKind.LETTER and signature.ip_address == "10.1.2.3"
    # New letters use the edited text.
    newcomer = UserFactory(username="n2", full_name="钱新", unit=org.sub1, home_premises=org.outlet_a)
    tasks.reconcile_letters()
    assert "第一条（修订）" in letter_of(newcomer).text


def test_signing_needs_the_exact_full_name_and_only_the_signatory_may_sign(org, today, client):
    issue(org)
    letter = letter_of(org.officer)
    client.force_login(org.officer)
    url = reverse("responsibilities:letter_sign", args=[letter.pk])
    response = client.post(url, {"typed_name": "周全", "confirm": "on"})
    assert response.status_code == 400
    assert "周安全" in response.content.decode()  # tells them what to type
    response = client.post(url, {"typed_name": "周安全"})
    assert response.status_code == 400 and "请勾选确认" in response.content.decode()
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED and not Signature.objects.exists()
    with pytest.raises(ValidationError, match="只有责任书上写明的签署人才能签署"):
        services.letter_sign(letter=letter, by=org.outlethead, typed_name="李主任")
    response = client.post(url, {"typed_name": "周安全", "confirm": "on"})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED and letter.signed_name == "周安全"
    page = client.get(reverse("responsibilities:letter_detail", args=[letter.pk])).content.decode()
    assert "与签署时完全一致" in page


def test_the_president_countersigns_a_whole_round_in_one_action(org, today, client):
    round = issue(org)
    for person in (org.officer, org.outlethead, org.security):
        services.letter_sign(letter=letter_of(person), by=person, typed_name=person.full_name)
    client.force_login(org.president)
    url = reverse("responsibilities:round_countersign", args=[round.pk])
    assert client.post(url).status_code == 302
    countersigned = Letter.objects.filter(round=round, status=LetterStatus.COUNTERSIGNED)
    assert countersigned.count() == 3 and {letter.countersigned_by for letter in countersigned} == {org.president}
    assert Signature.objects.filter(kind=SignatureKind.COUNTERSIGN, signer=org.president).count() == 3
    # A second click changes nothing and says why.
    response = client.post(url, follow=True)
    assert "没有待会签" in response.content.decode()
    assert Signature.objects.filter(kind=SignatureKind.COUNTERSIGN).count() == 3
    # Only the head of the issuing unit countersigns.
    with pytest.raises(ValidationError, match="的负责人才能会签其责任书"):
        services.round_countersign(round=round, by=org.headoffice)


def test_a_paper_letter_is_recorded_with_its_scan(org, today, client):
    issue(org)
    letter = letter_of(org.officer)
    client.force_login(org.security)
    url = reverse("responsibilities:letter_paper", args=[letter.pk])
    bad = client.post(url, {"signed_on": "2026-01-04", "scan": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert bad.status_code == 400
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ISSUED
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    response = client.post(url, {"signed_on": "2026-01-04", "scan": SimpleUploadedFile("scan.pdf", out.getvalue())})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.status == LetterStatus.SIGNED and letter.on_paper and letter.recorded_by == org.security
    assert org.officer not in selectors.letter_coverage(user=org.security, unit=org.sub1, year=YEAR).unsigned_staff


def test_a_signed_letter_downloads_as_a_pdf_with_its_text_and_signature(org, today, client):
    issue(org)
    letter = letter_of(org.officer)
    services.letter_sign(letter=letter, by=org.officer, typed_name="周安全")
    client.force_login(org.officer)
    response = client.get(reverse("responsibilities:letter_pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "防范经济、刑事、治安案件和责任事故责任书" in text and "周安全" in text


# --------------------------------------------------------------------------- coverage


def test_coverage_counts_signed_staff_departments_and_outlets(org, today):
    issue(org)
    before = selectors.letter_coverage(user=org.president, unit=org.branch1, year=YEAR)
    assert (before.staff_signed, before.staff_total) == (0, 4)
    services.letter_sign(letter=letter_of(org.officer), by=org.officer, typed_name="周安全")
    premises_letter = Letter.objects.get(kind=LetterKind.PREMISES, party_premises=org.outlet_a)
    services.letter_sign(letter=premises_letter, by=org.outlethead, typed_name="李主任")
    after = selectors.letter_coverage(user=org.president, unit=org.branch1, year=YEAR)
    assert (after.staff_signed, after.staff_total, after.staff_percent) == (1, 4, 25)
    assert (after.premises_signed, after.premises_total) == (1, 1)
    assert (after.departments_signed, after.departments_total) == (0, 1)
    assert {p.username for p in after.unsigned_staff} == {"president", "security", "outlethead"}
    # Out of scope: nothing to count.
    assert selectors.letter_coverage(user=org.outsider, unit=org.branch1, year=YEAR).staff_total == 0


def test_coverage_of_a_seeded_unit_matches_a_hand_count(db, time_machine):
    from branches.demo import seed_demo
    from branches.models import Unit, User

    time_machine.move_to("2026-03-02 09:00:00+08:00", tick=False)
    seed_demo()
    unit = Unit.objects.get(code="S1A")
    president = User.objects.get(username="president")
    coverage = selectors.letter_coverage(user=president, unit=unit, year=2026)
    signed = total = 0
    for person in User.objects.filter(is_active=True, is_superuser=False, unit__path__startswith=unit.path):
        total += 1
        letters = [
            letter
            for letter in Letter.objects.filter(party_user=person, year=2026)
            if letter.status in ("signed", "countersigned") and letter.post == person.post
        ]
        signed += bool(letters)
    assert (coverage.staff_signed, coverage.staff_total) == (signed, total)
    assert 0 < signed < total  # the demo leaves some unsigned
    assert User.objects.get(username="officer") in coverage.unsigned_staff


def test_reminders_go_to_those_who_have_not_signed(org, today, client):
    issue(org)
    services.letter_sign(letter=letter_of(org.officer), by=org.officer, typed_name="周安全")
    client.force_login(org.security)
    client.post(reverse("responsibilities:coverage_remind"), {"unit": org.sub1.pk, "year": YEAR})
    reminded = set(Notification.objects.filter(kind="letter.unsigned").values_list("user__username", flat=True))
    assert reminded == {"outlethead"}  # the outlet head's own and the outlet's letter; the officer has signed
    assert tasks.remind_unsigned() >= 1  # president and security of branch 1


def test_letters_to_sign_and_to_countersign_appear_in_my_tasks(org, today):
    round = issue(org)
    titles = [task.title for task in tasks_for(org.officer)]
    assert any("防范经济、刑事、治安案件" in t for t in titles)
    services.letter_sign(letter=letter_of(org.officer), by=org.officer, typed_name="周安全")
    assert not any("防范经济" in task.title for task in tasks_for(org.officer))
    president_tasks = [task for task in tasks_for(org.president) if task.url == round.get_absolute_url()]
    assert len(president_tasks) == 1


def test_an_unsigned_letter_of_someone_who_left_is_an_orphaned_item(org, today, client):
    issue(org)
    staff_leave(staff=org.officer, end_date=today, by=org.security, reason="辞职")
    client.force_login(org.security)
    page = client.get(reverse("branches:orphans")).content.decode()
    assert "周安全" in page and reverse("responsibilities:letter_detail", args=[letter_of(org.officer).pk]) in page


# --------------------------------------------------------------------------- committee, duties


def test_the_committee_is_directed_by_the_president_with_the_leader_in_charge_as_deputy(org, today, client):
    leader = UserFactory(username="leader", full_name="冯分管", unit=org.branch1, post=Post.LEADER_IN_CHARGE)
    arrangements.committee_member_add(
        unit=org.branch1, user=org.president, role=CommitteeRole.DIRECTOR, start_date=today, by=org.security
    )
    with pytest.raises(ValidationError, match="安委会主任由行长担任"):
        arrangements.committee_member_add(
            unit=org.branch1, user=leader, role=CommitteeRole.DIRECTOR, start_date=today, by=org.security
        )
    client.force_login(org.security)
    url = reverse("responsibilities:committee_add", args=[org.branch1.pk])
    response = client.post(url, {"user": leader.pk, "role": CommitteeRole.DEPUTY, "start_date": "2026-01-05"})
    assert response.status_code == 302
    response = client.post(url, {"user": org.outsider.pk, "role": CommitteeRole.MEMBER, "start_date": "2026-01-05"})
    assert response.status_code == 400  # another branch's person is not a choice
    page = client.get(reverse("responsibilities:committee") + f"?unit={org.branch1.pk}").content.decode()
    assert "钱行长" in page and "冯分管" in page and "副主任" in page


def test_post_duties_show_on_a_staff_members_page_and_go_into_their_letter(org, today, client):
    services.standard_content_ensure()
    client.force_login(org.outlethead)
    page = client.get(reverse("responsibilities:staff_responsibilities", args=[org.officer.pk])).content.decode()
    assert "营业前、营业后检查并记录" in page


@pytest.mark.parametrize("page", ["responsibilities:template_list", "responsibilities:postduty_list"])
def test_the_standard_content_pages_only_read(org, today, client, page):
    """Reference data is loaded by migrate, the seed or a round's issuing; showing it writes nothing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from responsibilities.apps import _load_standard_content
    from responsibilities.models import PostDuty

    client.force_login(org.security)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(page)).status_code == 200
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert (LetterTemplate.objects.count(), PostDuty.objects.count()) == (0, 0)
    _load_standard_content()  # what every ``migrate`` runs
    assert LetterTemplate.objects.exists() and PostDuty.objects.exists()
    assert "营业前、营业后检查并记录" in client.get(reverse("responsibilities:postduty_list")).content.decode()


# --------------------------------------------------------------------------- duty roster


def test_a_holiday_without_a_leader_on_duty_is_flagged_two_weeks_ahead(org, time_machine, client):
    time_machine.move_to("2026-09-21 09:00:00+08:00", tick=False)  # Monday before the Mid-Autumn holiday
    from core.services import calendar_year_load

    calendar_year_load(days=[(datetime.date(2026, 9, 25), "holiday", "mid_autumn")])
    arrangements.duty_day_save(
        unit=org.sub1, date=datetime.date(2026, 9, 26), leader=org.outlethead, phone="0635-8123456", by=org.security
    )
    gaps = selectors.roster_gaps(unit=org.sub1, start=datetime.date(2026, 9, 21), end=datetime.date(2026, 10, 4))
    assert datetime.date(2026, 9, 25) in gaps and datetime.date(2026, 9, 27) in gaps
    assert datetime.date(2026, 9, 26) not in gaps and datetime.date(2026, 9, 24) not in gaps
    with pytest.raises(ValidationError, match="是工作日；值班表只安排节假日和周末"):
        arrangements.duty_day_save(
            unit=org.sub1, date=datetime.date(2026, 9, 24), leader=org.outlethead, phone="1", by=org.security
        )
    assert arrangements.roster_gaps_notify() >= 1
    assert Notification.objects.filter(user=org.security, kind="roster.gap").exists()
    # The officer of the sub-branch's outlet sees the roster, the gap and the phone, but cannot edit.
    client.force_login(org.officer)
    page = client.get(reverse("responsibilities:roster")).content.decode()
    assert (
        "没有带班领导" in page
        and org.outlethead.full_name in page
        and "0635-8123456" in page
        and "安排带班领导" not in page
    )


# --------------------------------------------------------------------------- joint defence


def test_an_agreement_about_to_expire_reminds_its_contact(org, today, client):
    client.force_login(org.security)
    response = client.post(
        reverse("responsibilities:agreement_create"),
        {
            "unit": org.sub1.pk,
            "premises": org.outlet_a.pk,
            "party_kind": PartyKind.POLICE_STATION,
            "party_name": "城关派出所",
            "our_contact": org.outlethead.pk,
            "signed_on": "2025-01-20",
            "expires_on": "2026-01-20",
        },
    )
    assert response.status_code == 302
    agreement = JointDefenceAgreement.objects.get()
    bad = client.post(
        reverse("responsibilities:agreement_update", args=[agreement.pk]),
        {
            "unit": org.sub1.pk,
            "party_kind": "police_station",
            "party_name": "x",
            "our_contact": org.outlethead.pk,
            "signed_on": "2026-02-01",
            "expires_on": "2026-01-01",
        },
    )
    assert bad.status_code == 400 and "到期日期必须晚于签订日期" in bad.content.decode()
    assert arrangements.agreements_remind_expiring() >= 1
    assert Notification.objects.filter(user=org.outlethead, kind="agreement.expiring").exists()
    assert any("城关派出所" in task.title for task in tasks_for(org.outlethead))


# --------------------------------------------------------------------------- query budgets


@pytest.mark.parametrize("extra", [2, 12])
def test_letter_list_and_coverage_do_not_grow_with_the_number_of_letters(
    org, today, client, extra, django_assert_max_num_queries
):
    for n in range(extra):
        UserFactory(username=f"t{n}", full_name=f"柜员{n}", unit=org.sub1, home_premises=org.outlet_a)
    issue(org)
    client.force_login(org.security)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("responsibilities:letter_list")).status_code == 200
    with django_assert_max_num_queries(30):
        page = client.get(reverse("responsibilities:coverage") + f"?unit={org.branch1.pk}")
    assert f"0 / {4 + extra}" in page.content.decode()
