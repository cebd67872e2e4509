"""Access matrix of the facilities ledger and the incident register, in the shape of tests/access.py.

``ACCESS_CASES`` and ``POST_ONLY`` are counted by the URL walker (tests/access.py FEATURE_MODULES).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from facilities.models import Cadence, Facility, FacilityTest, Investment
from facilities.services import facility_save, facility_test_record, investment_save
from incidents.models import Incident
from incidents.services import incident_report
from tests.access import ALL, POST_PERSONAS, AccessCase, PostCase, check_access, check_post, post_params

IN_B1 = ("headoffice", "president", "security", "outlethead", "officer")


def make_alarm(org, premises=None, **values) -> Facility:
    """An intrusion alarm in the ledger of outlet A (or ``premises``) since 2026-01-05."""
    facility = Facility(
        premises=premises or org.outlet_a,
        kind=values.pop("kind", "intrusion_alarm"),
        name=values.pop("name", "营业厅入侵报警主机"),
        **values,
    )
    facility_save(facility=facility, by=org.security)
    Facility.objects.filter(pk=facility.pk).update(registered_on=datetime.date(2026, 1, 5))  # not audited: fixture
    facility.refresh_from_db()
    return facility


def _ledger(org):
    facility = make_alarm(org)
    facility_test_record(
        facility=facility, test_kind="alarm_monthly", tested_on=timezone.localdate(), result="pass", by=org.officer
    )
    _investment_setup(org)
    _ledger_incident(org)


def _facility(org):
    return [Facility.objects.get().pk]


def _test(org):
    return [FacilityTest.objects.get().pk]


def _investment(org):
    return [Investment.objects.get().pk]


def _incident(org):
    return [Incident.objects.get().pk]


def _cadence(org):
    return [Cadence.objects.get(test_kind="alarm_monthly").pk]


MANAGERS_B1 = ("headoffice", "security")
WATCHERS = ("headoffice", "president", "security")

ACCESS_CASES = [
    # Facilities ledger
    AccessCase("facilities:facility_list", setup=_ledger, ok=ALL),
    AccessCase(
        "facilities:facility_create",
        ok=(*MANAGERS_B1, "outlethead"),
        forbidden=("president", "officer", "outsider"),
    ),
    AccessCase("facilities:facility_detail", setup=_ledger, args=_facility, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "facilities:facility_update",
        setup=_ledger,
        args=_facility,
        ok=(*MANAGERS_B1, "outlethead"),
        forbidden=("president", "officer"),
        hidden=("outsider",),
    ),
    AccessCase(
        "facilities:test_create",
        setup=_ledger,
        args=_facility,
        ok=(*MANAGERS_B1, "outlethead", "officer"),
        forbidden=("president",),
        hidden=("outsider",),
    ),
    AccessCase("facilities:due_list", setup=_ledger, ok=ALL),
    AccessCase("facilities:test_list", setup=_ledger, ok=ALL),
    AccessCase("facilities:test_detail", setup=_ledger, args=_test, ok=IN_B1, hidden=("outsider",)),
    AccessCase(
        "facilities:ledger_pdf", setup=_ledger, args=lambda org: [org.outlet_a.pk], ok=IN_B1, hidden=("outsider",)
    ),
    *[
        AccessCase(
            name,
            setup=_ledger,
            args=lambda org: ["csv"],
            ok=WATCHERS,
            forbidden=("outlethead", "officer", "outsider"),
        )
        for name in ("facilities:facility_export", "facilities:test_export", "incidents:incident_export")
    ],
    AccessCase("facilities:cadence_list", ok=ALL),
    AccessCase(
        "facilities:cadence_update",
        args=_cadence,
        ok=("headoffice",),
        forbidden=("president", "security", "outlethead", "officer", "outsider"),
    ),
    AccessCase(
        "facilities:investment_list", setup=_ledger, ok=WATCHERS, forbidden=("outlethead", "officer", "outsider")
    ),
    AccessCase(
        "facilities:investment_create", ok=MANAGERS_B1, forbidden=("president", "outlethead", "officer", "outsider")
    ),
    AccessCase(
        "facilities:investment_update",
        setup=_ledger,
        args=_investment,
        ok=MANAGERS_B1,
        forbidden=("president", "outlethead", "officer"),
        hidden=("outsider",),
    ),
    # Incident register: anyone reports and sees their own; security and leadership see all in scope.
    AccessCase("incidents:incident_list", setup=_ledger, ok=ALL),
    AccessCase("incidents:incident_create", ok=ALL),
    AccessCase(
        "incidents:incident_detail",
        setup=_ledger,
        args=_incident,
        ok=("headoffice", "president", "security", "officer"),
        hidden=("outlethead", "outsider"),
    ),
    AccessCase(
        "incidents:incident_update",
        setup=_ledger,
        args=_incident,
        ok=MANAGERS_B1,
        forbidden=("president", "officer"),
        hidden=("outlethead", "outsider"),
    ),
]

POST_ONLY: dict = {}  # every page of these apps answers GET; their POSTs are tested in the feature tests


def _alarm(org):
    return [make_alarm(org).pk]


def _investment_setup(org):
    investment_save(
        investment=Investment(premises=org.outlet_a, amount=Decimal("1200"), description="更换报警探头"),
        by=org.security,
    )


def _officers_incident(org):
    _ledger_incident(org)
    return _incident(org)


def _ledger_incident(org):
    incident_report(
        incident=Incident(
            premises=org.outlet_a,
            kind="theft",
            occurred_at=timezone.now() - datetime.timedelta(hours=2),
            description="营业厅客户手机被盗",
        ),
        by=org.officer,
    )


def _facility_data(org, **changes):
    return {
        "premises": org.outlet_a.pk,
        "kind": "intrusion_alarm",
        "name": "入侵报警主机",
        "status": "in_use",
    } | changes


def _investment_data(org, **changes):
    data = {"premises": org.outlet_a.pk, "kind": "purchase", "facility_kind": "cctv", "date": "2026-03-02"}
    return data | {"amount": "800", "description": "新增摄像头"} | changes


STAFF_OF_A = ("outlethead", "officer", "teller")
NOT_HO = tuple(p for p in POST_PERSONAS if p != "headoffice")
_TODAY = lambda: timezone.localdate().isoformat()  # noqa: E731

POST_CASES = [
    PostCase(
        "facilities:facility_create",
        data=_facility_data,
        ok=(*MANAGERS_B1, "outlethead"),
        forbidden=("president", "officer", "teller", "outsider"),
    ),
    PostCase(
        "facilities:facility_update",
        args=_alarm,
        data=lambda org: _facility_data(org, name="营业厅入侵报警主机（新）"),
        ok=(*MANAGERS_B1, "outlethead"),
        forbidden=("president", "officer", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "facilities:test_create",
        args=_alarm,
        data=lambda org: {"test_kind": "alarm_monthly", "tested_on": _TODAY(), "result": "pass", "notes": ""},
        ok=(*MANAGERS_B1, "outlethead", "officer"),
        forbidden=("president", "teller"),
        hidden=("outsider",),
    ),
    PostCase(
        "facilities:cadence_update",
        args=_cadence,
        data={"every": 2, "unit": "month", "remind_days": 5, "is_active": "on", "reason": "调整"},
        ok=("headoffice",),
        forbidden=NOT_HO,
    ),
    PostCase(
        "facilities:investment_create",
        data=_investment_data,
        ok=MANAGERS_B1,
        forbidden=("president", *STAFF_OF_A, "outsider"),
    ),
    PostCase(
        "facilities:investment_update",
        setup=_investment_setup,
        args=_investment,
        data=lambda org: _investment_data(org, amount="1500"),
        ok=MANAGERS_B1,
        forbidden=("president", *STAFF_OF_A),
        hidden=("outsider",),
    ),
    # Anyone reports an incident at their own premises; outlet A is not the outsider's to choose.
    PostCase(
        "incidents:incident_create",
        data=lambda org: {
            "premises": org.outlet_a.pk,
            "kind": "theft",
            "occurred_at": "2026-03-02T10:00",
            "description": "营业厅客户手机被盗",
            "loss_amount": "0",
        },
        ok=(*WATCHERS, *STAFF_OF_A),
        refused=("outsider",),
    ),
    # The follow-up is the security department's; the reporter and leadership only read it.
    PostCase(
        "incidents:incident_update",
        args=_officers_incident,
        data={"status": "investigating", "follow_up": "已报警", "loss_amount": "500", "reason": "跟进"},
        ok=MANAGERS_B1,
        forbidden=("president", "officer"),
        hidden=("outlethead", "teller", "outsider"),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", post_params(POST_CASES))
def test_facilities_and_incidents_post_matrix(client, colleagues, case):
    check_post(client, colleagues, case)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCESS_CASES, ids=lambda case: case.id)
def test_facilities_and_incidents_access_matrix(client, org, case):
    check_access(client, org, case)
