"""Access matrix of the responsibilities pages, in the shape of tests/access.py.

``ACCESS_CASES`` and ``POST_ONLY`` are counted by the URL walker (tests/access.py FEATURE_MODULES).
"""

import datetime

import pytest
from django.urls import reverse

from responsibilities import arrangements, services
from responsibilities.choices import PartyKind
from responsibilities.models import (
    CommitteeMember,
    DutyDay,
    JointDefenceAgreement,
    Letter,
    LetterRound,
    LetterTemplate,
    PostDuty,
)
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

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")
MANAGERS = ("headoffice", "security")
NOT_MANAGERS = ("president", "outlethead", "officer", "outsider")
LETTER_READERS = ("headoffice", "president", "security", "officer")


def _round(org):
    round = services.round_request(unit=org.branch1, year=datetime.date.today().year, by=org.security)
    services.round_run(round_id=round.pk)


def _officers_letter(org):
    return [Letter.objects.get(party_user=org.officer).pk]


def _round_id(org):
    return [LetterRound.objects.get().pk]


def _template(org):
    services.standard_content_ensure()
    return [LetterTemplate.objects.first().pk]


def _duty(org):
    services.standard_content_ensure()
    return [PostDuty.objects.first().pk]


def _agreement_setup(org):
    JointDefenceAgreement.objects.create(
        unit=org.sub1,
        premises=org.outlet_a,
        party_kind=PartyKind.POLICE_STATION,
        party_name="城关派出所",
        our_contact=org.outlethead,
        signed_on=datetime.date(2026, 1, 1),
        expires_on=datetime.date(2027, 1, 1),
    )


def _agreement(org):
    return [JointDefenceAgreement.objects.get().pk]


ACCESS_CASES = [
    AccessCase("responsibilities:letter_list", ok=ALL),
    # The officer's own letter: the officer and those who follow coverage, not a colleague at the same outlet.
    *[
        AccessCase(name, setup=_round, args=_officers_letter, ok=LETTER_READERS, hidden=("outlethead", "outsider"))
        for name in ("responsibilities:letter_detail", "responsibilities:letter_pdf")
    ],
    AccessCase(
        "responsibilities:letter_paper",
        setup=_round,
        args=_officers_letter,
        ok=MANAGERS,
        forbidden=("president", "officer"),
        hidden=("outlethead", "outsider"),
    ),
    AccessCase("responsibilities:round_list", ok=MANAGERS, forbidden=NOT_MANAGERS),
    AccessCase(
        "responsibilities:round_detail",
        setup=_round,
        args=_round_id,
        ok=("headoffice", "president", "security"),
        hidden=("outlethead", "officer", "outsider"),
    ),
    AccessCase(
        "responsibilities:coverage",
        ok=("headoffice", "president", "security"),
        forbidden=("outlethead", "officer", "outsider"),
    ),
    AccessCase("responsibilities:template_list", ok=MANAGERS, forbidden=NOT_MANAGERS),
    AccessCase(
        "responsibilities:template_edit",
        args=_template,
        ok=("headoffice",),
        forbidden=("president", "security", "outlethead", "officer", "outsider"),
    ),
    AccessCase("responsibilities:postduty_list", ok=ALL),
    AccessCase(
        "responsibilities:postduty_edit",
        args=_duty,
        ok=("headoffice",),
        forbidden=("president", "security", "outlethead", "officer", "outsider"),
    ),
    AccessCase(
        "responsibilities:staff_responsibilities",
        args=lambda org: [org.officer.pk],
        ok=IN_B1,
        hidden=("outsider",),
    ),
    AccessCase("responsibilities:committee", ok=ALL),
    AccessCase("responsibilities:roster", ok=ALL),
    AccessCase("responsibilities:agreement_list", ok=ALL),
    AccessCase("responsibilities:agreement_create", ok=MANAGERS, forbidden=NOT_MANAGERS),
    AccessCase(
        "responsibilities:agreement_detail", setup=_agreement_setup, args=_agreement, ok=IN_B1, hidden=("outsider",)
    ),
    AccessCase(
        "responsibilities:agreement_update",
        setup=_agreement_setup,
        args=_agreement,
        ok=MANAGERS,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
]

# POST-only actions; their scope and post checks are tested below and in tests/test_responsibilities.py.
POST_ONLY = {
    "responsibilities:letter_sign": [1],
    "responsibilities:round_issue": [],
    "responsibilities:round_countersign": [1],
    "responsibilities:coverage_remind": [],
    "responsibilities:committee_add": [1],
    "responsibilities:committee_end": [1],
    "responsibilities:roster_assign": [1],
    "responsibilities:roster_remove": [1],
}


def _signed_round(org):
    _round(org)
    services.letter_sign(letter=Letter.objects.get(party_user=org.officer), by=org.officer, typed_name="周安全")


def _seat(org):
    arrangements.committee_member_add(
        unit=org.sub1, user=org.outlethead, role="member", start_date=datetime.date(2026, 1, 5), by=org.security
    )
    return [CommitteeMember.objects.get().pk]


def _duty_day(org):
    arrangements.duty_day_save(
        unit=org.sub1, date=SATURDAY, leader=org.outlethead, phone="0635-8000001", by=org.security
    )
    return [DutyDay.objects.get().pk]


def _scan(org):
    from tests.test_core_attachments import pdf_bytes, upload

    return {"signed_on": "2026-03-02", "scan": upload("letter.pdf", pdf_bytes())}


def _agreement_data(org):
    return {
        "unit": org.sub1.pk,
        "premises": org.outlet_a.pk,
        "party_kind": "police_station",
        "party_name": "城关派出所",
        "our_contact": org.outlethead.pk,
        "signed_on": "2026-01-01",
        "expires_on": "2027-01-01",
    }


SATURDAY = datetime.date(2026, 12, 5)
STAFF_OF_A = ("outlethead", "officer", "teller")
NOT_MANAGERS_IN_B1 = ("president", *STAFF_OF_A)
MANAGE_B1 = {"ok": MANAGERS, "forbidden": NOT_MANAGERS_IN_B1, "hidden": ("outsider",)}
CREATE = {"ok": MANAGERS, "forbidden": (*NOT_MANAGERS_IN_B1, "outsider")}
HO_ONLY = {"ok": ("headoffice",), "forbidden": tuple(p for p in POST_PERSONAS if p != "headoffice")}
COVERAGE = {"forbidden": (*STAFF_OF_A, "outsider")}

POST_CASES = [
    # Only the signatory signs their letter; colleagues do not even see it.
    PostCase(
        "responsibilities:letter_sign",
        setup=_round,
        args=_officers_letter,
        data={"typed_name": "周安全", "confirm": "on"},
        ok=("officer",),
        refused=("headoffice", "president", "security"),
        hidden=("outlethead", "teller", "outsider"),
    ),
    PostCase(
        "responsibilities:letter_paper",
        setup=_round,
        args=_officers_letter,
        data=_scan,
        ok=MANAGERS,
        forbidden=("president", "officer"),
        hidden=("outlethead", "teller", "outsider"),
    ),
    PostCase("responsibilities:round_issue", data=lambda org: {"unit": org.branch1.pk, "year": 2026}, **CREATE),
    # The issuing unit's president countersigns; outlet staff do not see the branch's round.
    PostCase(
        "responsibilities:round_countersign",
        setup=_signed_round,
        args=_round_id,
        ok=("president",),
        forbidden=("headoffice", "security"),
        hidden=(*STAFF_OF_A, "outsider"),
    ),
    PostCase("responsibilities:coverage", shown=("headoffice", "president", "security"), **COVERAGE),
    PostCase(
        "responsibilities:coverage_remind",
        setup=_round,
        data=lambda org: {"unit": org.branch1.pk, "year": datetime.date.today().year},
        **CREATE,
    ),
    PostCase(
        "responsibilities:template_edit",
        args=_template,
        data={"title": "安全责任书", "title_en": "", "body": "{party} 负责 {duties}", "body_en": "", "reason": "修订"},
        **HO_ONLY,
    ),
    PostCase(
        "responsibilities:postduty_edit",
        args=_duty,
        data={"duties": "负责安全", "duties_en": "", "reason": "修订"},
        **HO_ONLY,
    ),
    PostCase("responsibilities:committee", shown=POST_PERSONAS),
    PostCase(
        "responsibilities:committee_add",
        args=lambda org: [org.sub1.pk],
        data=lambda org: {"user": org.outlethead.pk, "role": "member", "start_date": "2026-01-05"},
        **MANAGE_B1,
    ),
    PostCase("responsibilities:committee_end", args=_seat, data={"end_date": "2026-11-30"}, **MANAGE_B1),
    PostCase("responsibilities:roster", shown=POST_PERSONAS),
    PostCase(
        "responsibilities:roster_assign",
        args=lambda org: [org.sub1.pk],
        data=lambda org: {"date": SATURDAY.isoformat(), "leader": org.outlethead.pk, "phone": "0635-8000001"},
        **MANAGE_B1,
    ),
    PostCase("responsibilities:roster_remove", args=_duty_day, **MANAGE_B1),
    PostCase("responsibilities:agreement_create", data=_agreement_data, **CREATE),
    PostCase(
        "responsibilities:agreement_update",
        setup=_agreement_setup,
        args=_agreement,
        data=lambda org: {**_agreement_data(org), "party_name": "城关派出所（新）"},
        **MANAGE_B1,
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_responsibilities_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_responsibilities_access_matrix(client, org, case):
    check_access(client, org, case)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_responsibilities_actions_need_sign_in_and_post(client, org, name):
    check_post_only(client, org, name, POST_ONLY[name])


@pytest.mark.django_db
def test_outsider_cannot_sign_or_countersign_branch_one_letters(client, org):
    _round(org)
    letter = Letter.objects.get(party_user=org.officer)
    client.force_login(org.outsider)
    sign = client.post(
        reverse("responsibilities:letter_sign", args=[letter.pk]), {"typed_name": "吴外人", "confirm": "on"}
    )
    assert sign.status_code == 404
    countersign = client.post(reverse("responsibilities:round_countersign", args=[letter.round_id]))
    assert countersign.status_code == 404


@pytest.mark.django_db
def test_only_managers_issue_rounds_and_arrange_duty_in_their_scope(client, org):
    client.force_login(org.officer)
    assert (
        client.post(reverse("responsibilities:round_issue"), {"unit": org.branch1.pk, "year": 2026}).status_code == 403
    )
    assert client.post(reverse("responsibilities:roster_assign", args=[org.sub1.pk])).status_code == 403
    client.force_login(org.security)
    # Branch 2 is out of scope: not a unit to choose, not a roster to edit.
    response = client.post(reverse("responsibilities:round_issue"), {"unit": org.branch2.pk, "year": 2026})
    assert response.status_code == 400 and not LetterRound.objects.exists()
    assert client.post(reverse("responsibilities:roster_assign", args=[org.sub2.pk])).status_code == 404
    client.force_login(org.president)
    assert client.post(reverse("responsibilities:round_countersign", args=[1])).status_code == 404


@pytest.mark.django_db
def test_an_officer_lists_only_their_own_letter_while_the_security_department_lists_the_scope(client, org):
    _round(org)
    own, colleague = Letter.objects.get(party_user=org.officer), Letter.objects.get(party_user=org.outlethead)
    client.force_login(org.officer)
    page = client.get(reverse("responsibilities:letter_list")).content.decode()
    assert own.get_absolute_url() in page and colleague.get_absolute_url() not in page
    assert client.get(colleague.get_absolute_url()).status_code == 404
    assert client.get(reverse("responsibilities:letter_pdf", args=[colleague.pk])).status_code == 404
    client.force_login(org.security)
    page = client.get(reverse("responsibilities:letter_list")).content.decode()
    assert own.get_absolute_url() in page and colleague.get_absolute_url() in page
