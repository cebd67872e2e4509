"""Writes of the standing arrangements of security work: the safety committee's seats, the duty
roster (and its gap warning) and joint-defence agreements (and their expiry reminder).

Regulated rows are saved row by row with a change reason so the audit trail sees every change.
Letters of responsibility and their standard content are in ``responsibilities.services``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Post
from branches.models import Unit, User
from core.selectors import is_working_day, superior_of
from core.services import attachment_create, notify
from responsibilities.choices import CommitteeRole
from responsibilities.models import (
    CommitteeMember,
    DutyDay,
    JointDefenceAgreement,
)
from responsibilities.selectors import ROSTER_UNIT_KINDS, roster_gaps
from safetybank.audit import set_reason

# --------------------------------------------------------------------------- committee


def committee_member_add(
    *, unit: Unit, user: User, role: str, start_date: datetime.date, by: User, end_date=None
) -> CommitteeMember:
    """Seat someone on the unit's safety production committee.

    The president directs and the leader in charge is deputy; there is one of each at a time.
    """
    if not user.is_active:
        raise ValidationError(_("A person who has left cannot join the committee."))
    if user.unit is None or not user.unit.path.startswith(unit.path):
        raise ValidationError(_("Committee members come from the unit itself."))
    if role == CommitteeRole.DIRECTOR and user.post != Post.PRESIDENT:
        raise ValidationError(_("The director of the committee is the president."))
    if role == CommitteeRole.DEPUTY and user.post != Post.LEADER_IN_CHARGE:
        raise ValidationError(_("The deputy director is the leader in charge of security."))
    seats = CommitteeMember.objects.filter(unit=unit).current(start_date)
    if role != CommitteeRole.MEMBER and seats.filter(role=role).exists():
        raise ValidationError(
            _("The committee already has a %(role)s; end that seat first.") % {"role": CommitteeRole(role).label}
        )
    if seats.filter(user=user).exists():
        raise ValidationError(_("%(name)s already sits on the committee.") % {"name": user})
    member = CommitteeMember(unit=unit, user=user, role=role, start_date=start_date, end_date=end_date)
    member.full_clean()
    set_reason(member, "committee.add", by=by)
    member.save()
    return member


def committee_member_end(*, member: CommitteeMember, end_date: datetime.date, by: User) -> CommitteeMember:
    if end_date < member.start_date:
        raise ValidationError(_("The end date must not be before the start date."))
    member.end_date = end_date
    set_reason(member, "committee.end", by=by)
    member.save()
    return member


# --------------------------------------------------------------------------- duty roster

GAP_WARNING_DAYS = 14


def duty_day_save(*, unit: Unit, date: datetime.date, leader: User, phone: str, by: User, note: str = "") -> DutyDay:
    """Put a leader on duty at ``unit`` on a holiday or weekend day (replaces whoever was there)."""
    if unit.kind not in ROSTER_UNIT_KINDS:
        raise ValidationError(_("A duty roster is kept by a head office, branch or sub-branch."))
    if is_working_day(date):
        raise ValidationError(_("%(date)s is a working day; the roster covers holidays and weekends.") % {"date": date})
    if not leader.is_active or leader.unit is None or not leader.unit.path.startswith(unit.path):
        raise ValidationError(_("The leader on duty must work at this unit."))
    phone = (phone or leader.phone or "").strip()
    if not phone:
        raise ValidationError(_("Give the duty phone number."))
    day = DutyDay.objects.filter(unit=unit, date=date).first() or DutyDay(unit=unit, date=date)
    day.leader, day.phone, day.note = leader, phone[:30], note[:200]
    set_reason(day, "duty.arrange", by=by)
    day.save()
    return day


def duty_day_delete(*, day: DutyDay, by: User) -> None:
    set_reason(day, "duty.remove", by=by)
    day.delete()


def roster_gaps_notify(*, today: datetime.date | None = None) -> int:
    """Tell each unit's security department about holidays and weekends in the next two weeks without a leader."""
    today = today or timezone.localdate()
    end = today + datetime.timedelta(days=GAP_WARNING_DAYS)
    sent = 0
    for unit in Unit.objects.filter(kind__in=ROSTER_UNIT_KINDS):
        gaps = roster_gaps(unit=unit, start=today, end=end)
        if not gaps:
            continue
        for person in superior_of(unit):
            made = notify(
                user=person,
                kind="roster.gap",
                obj=unit,
                title=gettext_lazy("No leader on duty at %(unit)s on %(dates)s"),
                params={"unit": unit.name, "dates": ", ".join(f"{d:%m-%d}" for d in gaps)},
                url=f"/responsibilities/roster/?unit={unit.pk}",
            )
            sent += made is not None
    return sent


# --------------------------------------------------------------------------- joint defence

EXPIRY_WARNING_DAYS = 30


def agreement_save(*, agreement: JointDefenceAgreement, by: User, scans=(), reason: str = "") -> JointDefenceAgreement:
    """Save an agreement and attach its scanned document(s)."""
    if agreement.premises_id and not agreement.premises.unit.path.startswith(agreement.unit.path):
        raise ValidationError(_("The premises must belong to the unit."))
    with transaction.atomic():
        agreement.full_clean()
        set_reason(agreement, "record.edit" if agreement.pk else "record.create", by=by, typed=reason)
        agreement.save()
        for scan in scans:
            attachment_create(owner=agreement, upload=scan, by=by)
    return agreement


def agreements_remind_expiring(*, today: datetime.date | None = None) -> int:
    """Remind the contact person and the security department of agreements expiring within 30 days."""
    today = today or timezone.localdate()
    soon = JointDefenceAgreement.objects.filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    ).select_related("unit", "our_contact")
    sent = 0
    for agreement in soon:
        people = {agreement.our_contact, *superior_of(agreement.unit)}
        for person in people:
            if not person.is_active:
                continue
            made = notify(
                user=person,
                kind="agreement.expiring",
                obj=agreement,
                title=gettext_lazy("The joint-defence agreement with %(party)s expires on %(date)s"),
                params={"party": agreement.party_name, "date": agreement.expires_on.isoformat()},
                url=agreement.get_absolute_url(),
            )
            sent += made is not None
    return sent
