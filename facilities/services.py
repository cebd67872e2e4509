"""Writes of the facilities ledger. Views, tasks and the demo seed call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Post
from branches.models import Premises, User
from core.choices import SignatureKind
from core.models import canonical_content
from core.selectors import superior_of
from core.services import attachments_create, notify, signature_sign
from facilities.choices import HAZARD_CATEGORY, FacilityStatus, TestKind, TestResult
from facilities.models import Cadence, Facility, FacilityTest, Investment
from inspections.services import hazard_raise
from safetybank.audit import set_reason


def facility_save(*, facility: Facility, by: User, reason: str = "") -> Facility:
    """Add a facility to the ledger or change it; its unit follows its premises."""
    facility.unit = facility.premises.unit
    facility.full_clean()
    set_reason(facility, "record.edit" if facility.pk else "facility.add", by=by, typed=reason)
    facility.save()
    return facility


def cadence_save(*, cadence: Cadence, by: User, reason: str = "") -> Cadence:
    """Head office changes how often a test is due; due dates follow at once."""
    cadence.full_clean()
    set_reason(cadence, "cadence.change", by=by, typed=reason)
    cadence.save()
    return cadence


def investment_save(*, investment: Investment, by: User, reason: str = "", covers=None) -> Investment:
    """Record or change an investment; ``covers`` (premises), when given, replaces the other
    premises the same work covered."""
    investment.unit = investment.premises.unit
    if investment.pk is None:
        investment.recorded_by = by
    investment.full_clean()
    set_reason(investment, "record.edit" if investment.pk else "record.create", by=by, typed=reason)
    with transaction.atomic():
        investment.save()
        if covers is not None:
            investment.premises_covered.set([p for p in covers if p.pk != investment.premises_id])
    return investment


def _hazard_description(test: FacilityTest) -> dict:
    """The hidden danger's text as a code with parameters, so each reader gets it in their language."""
    return {
        "description": gettext_lazy("%(test)s of %(facility)s failed on %(date)s"),
        "description_params": {
            "test": TestKind(test.test_kind).label,
            "facility": test.facility.name,
            "date": test.tested_on,
        },
        "description_note": test.notes,
    }


@transaction.atomic
def facility_test_record(
    *,
    facility: Facility,
    test_kind: str,
    tested_on: datetime.date,
    result: str,
    by: User,
    notes: str = "",
    police_receipt: str = "",
    ip: str | None = None,
    uploads=(),
) -> FacilityTest:
    """Record one test (with its photos) and sign it for the tester, in one step.

    A failed test raises a hidden danger at the premises (linked from the test), marks the
    facility faulty and tells the security department; a passed test of a faulty facility
    puts it back in use. Everything happens or nothing does.
    """
    cadence = Cadence.objects.filter(test_kind=test_kind, facility_kind=facility.kind).first()
    notes = (notes or "").strip()
    police_receipt = (police_receipt or "").strip()
    if cadence is None:
        raise ValidationError(_("This test does not apply to this kind of facility."))
    if facility.status == FacilityStatus.RETIRED:
        raise ValidationError(_("A retired facility is no longer tested."))
    if tested_on > timezone.localdate():
        raise ValidationError(_("A test cannot be recorded for a future date."))
    if result not in TestResult.values:
        raise ValidationError(_("Choose pass or fail."))
    if result == TestResult.FAIL and not notes:
        raise ValidationError(_("Say what failed: it becomes the description of the hidden danger."))
    if result == TestResult.PASS and cadence.requires_police_receipt and not police_receipt:
        raise ValidationError(_("Record who at the 110 centre confirmed receipt of the alarm."))

    test = FacilityTest(
        facility=facility,
        test_kind=test_kind,
        tested_on=tested_on,
        tester=by,
        result=result,
        notes=notes,
        police_receipt=police_receipt,
    )
    set_reason(test, "record.create", by=by)
    test.save()
    attachments_create(owner=test, uploads=uploads, by=by)
    if result == TestResult.FAIL:
        test.hazard = hazard_raise(
            premises=facility.premises,
            **_hazard_description(test),
            category=HAZARD_CATEGORY[facility.kind],
            found_by=by,
            item_code=f"FT-{test.pk}",
        )
        set_reason(test, "facility_test.hazard", by=by)
        test.save(update_fields=["hazard"])
        if facility.status != FacilityStatus.FAULTY:
            facility.status = FacilityStatus.FAULTY
            set_reason(facility, "facility.failed", by=by)
            facility.save()
        for person in superior_of(facility.premises):
            notify(
                user=person,
                kind="facility.test_failed",
                obj=test,
                title=gettext_lazy("Facility test failed: %(facility)s"),
                params={"facility": str(facility)},
                url=test.hazard.get_absolute_url(),
            )
    elif facility.status == FacilityStatus.FAULTY:
        facility.status = FacilityStatus.IN_USE
        set_reason(facility, "facility.passed", by=by)
        facility.save()
    signature_sign(
        subject=test,
        kind=SignatureKind.LEDGER_SIGNOFF,
        signer=by,
        content=canonical_content(test.signed_content()),
        ip=ip,
    )
    return test


REMIND_POSTS = (Post.SECURITY_OFFICER, Post.OUTLET_HEAD)
ESCALATE_AFTER_DAYS = 7


def facility_tests_remind(*, today: datetime.date | None = None) -> int:
    """Daily: tell the premises' security officer and outlet head about tests due or overdue;
    a test overdue for more than a week also goes to the security department above.
    ``notify`` sends each person one reminder per test a day, so running twice changes nothing."""
    from facilities.selectors import schedule_rows

    today = today or timezone.localdate()
    rows = [row for row in schedule_rows(Facility.objects.all(), today=today) if row.is_due]
    premises_ids = {row.facility.premises_id for row in rows}
    leads: dict[int, list[User]] = {}
    for person in User.objects.filter(home_premises_id__in=premises_ids, post__in=REMIND_POSTS, is_active=True):
        leads.setdefault(person.home_premises_id, []).append(person)
    superiors: dict[int, list[User]] = {}
    sent = 0
    for row in rows:
        premises: Premises = row.facility.premises
        params = {"test": row.cadence.get_test_kind_display(), "facility": str(row.facility), "due": row.next_due}
        title = (
            gettext_lazy("Overdue: %(test)s of %(facility)s (due %(due)s)")
            if row.is_overdue
            else gettext_lazy("Due: %(test)s of %(facility)s on %(due)s")
        )
        recipients = list(leads.get(premises.pk, []))
        if row.is_overdue and (today - row.next_due).days > ESCALATE_AFTER_DAYS:
            if premises.pk not in superiors:
                superiors[premises.pk] = superior_of(premises)
            recipients += superiors[premises.pk]
        for person in recipients:
            created = notify(
                user=person,
                kind="facility.test_due",
                obj=row.facility,
                title=title,
                params={**params, "due": row.next_due.isoformat()},
                url=row.facility.get_absolute_url(),
                dedupe_key=f"facility.test_due:{row.facility.pk}:{row.cadence.test_kind}",
            )
            sent += created is not None
    return sent
