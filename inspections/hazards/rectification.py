"""The rectification loop of a hidden danger, one service per transition: grade, assign, governance
plan, start, submit the fix (or fix on the spot), verify or send back.

Each step locks the danger, refuses an illegal move with a translated ``ValidationError``, writes a
``HazardEvent`` and saves with a change reason for the audit (helpers in ``inspections.hazards.services``,
where a danger is born and the daily job runs). Views, tasks and the API call these same functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import User
from branches.permissions import can
from core.selectors import superior_of
from inspections.choices import HazardEventKind, HazardGrade, HazardStatus
from inspections.hazards.models import Hazard, HazardPlan
from inspections.hazards.rules import may_fix_on_spot, may_verify, may_work_on, verify_refusal
from inspections.hazards.services import (
    _event,
    _locked,
    _notify_major,
    _notify_many,
    _notify_responsible,
    _refuse_unless,
    _save,
)
from safetybank.audit import set_reason

# --------------------------------------------------------------------------- workflow


@transaction.atomic
def hazard_grade(*, hazard: Hazard, by: User, grade: str, reason: str) -> Hazard:
    """Grade a danger major, or back to general: the security department and above, with a reason."""
    hazard = _locked(hazard)
    if not can(by, "hazard.grade"):
        raise ValidationError(_("Only the security department and above may change the grade."))
    _refuse_unless(hazard, HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
    if grade not in HazardGrade.values:
        raise ValidationError(_("Choose a grade."))
    if grade == hazard.grade:
        raise ValidationError(_("The hidden danger already has this grade."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the new grade."))
    if hazard.fixed_on_spot and grade == HazardGrade.MAJOR:
        raise ValidationError(_("A danger rectified on the spot cannot be major."))
    old = hazard.grade
    hazard.grade = grade
    _save(hazard, "hazard.grade", by)
    grades = {"old": HazardGrade(old).label, "new": HazardGrade(grade).label}
    _event(
        hazard,
        kind=HazardEventKind.GRADED,
        by=by,
        from_status=hazard.status,
        message=gettext_lazy("%(old)s → %(new)s"),
        params=grades,
        note=reason.strip(),
    )
    if grade == HazardGrade.MAJOR:
        _notify_major(hazard)
    _notify_responsible(
        hazard,
        kind="hazard.graded",
        title=gettext_lazy("Hidden danger %(code)s at %(premises)s is now graded %(new)s"),
        params=grades,
    )
    return hazard


@transaction.atomic
def hazard_assign(*, hazard: Hazard, by: User, responsible: User, deadline: datetime.date, note: str = "") -> Hazard:
    """Name the one accountable person and the deadline (also to reassign before work starts)."""
    hazard = _locked(hazard)
    if not can(by, "hazard.manage"):
        raise ValidationError(_("You may not assign hidden dangers."))
    # From "rectifying" this is a reassignment (e.g. the responsible person left): the work goes on.
    _refuse_unless(hazard, HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
    if not responsible.is_active:
        raise ValidationError(_("The responsible person has left; choose someone else."))
    if not Hazard.objects.for_user(responsible).filter(pk=hazard.pk).exists():
        raise ValidationError(_("The responsible person must work at or look after these premises."))
    if deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    before = hazard.status
    previous = hazard.responsible if hazard.responsible_id not in (None, responsible.pk) else None
    hazard.responsible = responsible
    hazard.deadline = deadline
    if hazard.status != HazardStatus.RECTIFYING:
        hazard.status = HazardStatus.ASSIGNED
    if hazard.overdue_since and deadline >= timezone.localdate():
        hazard.overdue_since = None  # a new deadline (escalation stays as it was)
    _save(hazard, "hazard.assign", by)
    _event(
        hazard,
        kind=HazardEventKind.ASSIGNED,
        by=by,
        from_status=before,
        message=gettext_lazy("%(person)s, by %(date)s"),
        params={"person": str(responsible), "date": deadline},
        note=note.strip(),
    )
    _notify_responsible(
        hazard,
        kind="hazard.assigned",
        title=gettext_lazy("Hidden danger %(code)s at %(premises)s is yours to rectify by %(date)s"),
        params={"date": f"{deadline:%Y-%m-%d}"},
    )
    if previous is not None and previous.is_active:
        _notify_many(
            [previous],
            kind="hazard.handed_over",
            hazard=hazard,
            title=gettext_lazy("Hidden danger %(code)s at %(premises)s is now %(person)s's to rectify"),
            params={"person": str(responsible)},
        )
    return hazard


@transaction.atomic
def hazard_plan_save(
    *,
    hazard: Hazard,
    by: User,
    targets: str,
    methods: str,
    funds: str,
    organisation: str,
    time_limit: datetime.date,
    safety_measures: str,
) -> HazardPlan:
    """Write (or revise) the governance plan of a major danger, with its six contents."""
    hazard = _locked(hazard)
    if hazard.grade != HazardGrade.MAJOR:
        raise ValidationError(_("Only a major hidden danger needs a governance plan."))
    _refuse_unless(hazard, HazardStatus.REPORTED, HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)
    if not may_work_on(hazard, by):
        raise ValidationError(_("Only the responsible person or the security department may write the plan."))
    texts = {
        "targets": targets,
        "methods": methods,
        "funds": funds,
        "organisation": organisation,
        "safety_measures": safety_measures,
    }
    if any(not value.strip() for value in texts.values()) or time_limit is None:
        raise ValidationError(_("A governance plan needs all six contents."))
    plan = HazardPlan.objects.filter(hazard=hazard).first() or HazardPlan(hazard=hazard)
    for name, value in texts.items():
        setattr(plan, name, value.strip())
    plan.time_limit = time_limit
    plan.updated_by = by
    plan.updated_at = timezone.now()
    set_reason(plan, "hazard.plan", by=by)
    plan.save()
    _event(hazard, kind=HazardEventKind.PLAN_SAVED, by=by, from_status=hazard.status)
    return plan


@transaction.atomic
def hazard_start(*, hazard: Hazard, by: User, note: str = "") -> Hazard:
    """The responsible person starts rectifying. A major danger needs its governance plan first."""
    hazard = _locked(hazard)
    _refuse_unless(hazard, HazardStatus.ASSIGNED)
    if not may_work_on(hazard, by):
        raise ValidationError(_("Only the responsible person may start the rectification."))
    if hazard.grade == HazardGrade.MAJOR:
        plan = HazardPlan.objects.filter(hazard=hazard).first()
        if plan is None or not plan.is_complete:
            raise ValidationError(_("A major hidden danger needs its governance plan before rectification starts."))
    hazard.status = HazardStatus.RECTIFYING
    _save(hazard, "hazard.start", by)
    _event(hazard, kind=HazardEventKind.STARTED, by=by, from_status=HazardStatus.ASSIGNED, note=note.strip())
    return hazard


@transaction.atomic
def hazard_submit_fix(*, hazard: Hazard, by: User, note: str, uploads: Iterable) -> Hazard:
    """Rectified: the evidence (photos and a note) goes for verification by someone else."""
    hazard = _locked(hazard)
    _refuse_unless(hazard, HazardStatus.RECTIFYING)
    if not may_work_on(hazard, by):
        raise ValidationError(_("Only the responsible person may submit the rectification."))
    return _submit_rectification(
        hazard,
        by=by,
        note=note,
        uploads=uploads,
        kind=HazardEventKind.SUBMITTED,
        reason="hazard.submit_fix",
    )


def _submit_rectification(hazard: Hazard, *, by: User, note: str, uploads: Iterable, kind: str, reason) -> Hazard:
    """The evidence every rectification needs (a note and a photo), then on to independent verification."""
    uploads = list(uploads)
    if not note.strip():
        raise ValidationError(_("Say what was done."))
    if not uploads:
        raise ValidationError(_("Attach at least one photo of the rectification."))
    from_status = hazard.status
    hazard.status = HazardStatus.SUBMITTED
    hazard.rectified_by = by
    if hazard.responsible_id is None:
        hazard.responsible = by
    _save(hazard, reason, by)
    _event(hazard, kind=kind, by=by, from_status=from_status, note=note.strip(), uploads=uploads)
    _notify_verifiers(hazard)
    return hazard


@transaction.atomic
def hazard_fix_on_spot(*, hazard: Hazard, by: User, note: str, uploads: Iterable) -> Hazard:
    """Rectification while inspecting: a general danger fixed at once still needs someone else to verify."""
    hazard = _locked(hazard)
    _refuse_unless(hazard, HazardStatus.REPORTED)
    if hazard.grade == HazardGrade.MAJOR:
        raise ValidationError(_("A major hidden danger cannot be rectified on the spot; it needs a governance plan."))
    if not may_fix_on_spot(hazard, by):
        raise ValidationError(_("You may not rectify this hidden danger."))
    hazard.fixed_on_spot = True
    return _submit_rectification(
        hazard,
        by=by,
        note=note,
        uploads=uploads,
        kind=HazardEventKind.FIXED_ON_SPOT,
        reason="hazard.fix_on_spot",
    )


def _notify_verifiers(hazard: Hazard) -> None:
    people = list(superior_of(hazard.premises))
    inspection = hazard.source_inspection
    if inspection is not None:
        people.insert(0, inspection.inspector)
    _notify_many(
        [person for person in people if may_verify(hazard=hazard, user=person)],
        kind="hazard.submitted",
        hazard=hazard,
        title=gettext_lazy("Hidden danger %(code)s at %(premises)s waits for your verification"),
    )


@transaction.atomic
def hazard_verify(*, hazard: Hazard, by: User, note: str = "") -> Hazard:
    """Independent verification: the loop closes."""
    hazard = _locked(hazard)
    _refuse_unless(hazard, HazardStatus.SUBMITTED)
    refusal = verify_refusal(hazard=hazard, user=by)
    if refusal:
        raise ValidationError(refusal)
    hazard.status = HazardStatus.CLOSED
    hazard.verified_by = by
    hazard.closed_at = timezone.now()
    _save(hazard, "hazard.verify", by)
    _event(hazard, kind=HazardEventKind.VERIFIED, by=by, from_status=HazardStatus.SUBMITTED, note=note.strip())
    _notify_responsible(
        hazard, kind="hazard.closed", title=gettext_lazy("Hidden danger %(code)s is verified and closed")
    )
    if hazard.found_by_id not in (hazard.responsible_id, by.pk) and hazard.found_by.is_active:
        _notify_many(  # whoever reported it follows it to the end
            [hazard.found_by],
            kind="hazard.reported_closed",
            hazard=hazard,
            title=gettext_lazy("Hidden danger %(code)s you reported at %(premises)s is rectified and closed"),
        )
    return hazard


@transaction.atomic
def hazard_send_back(*, hazard: Hazard, by: User, reason: str) -> Hazard:
    """Not good enough: back to rectifying, with the reason. The deadline stays."""
    hazard = _locked(hazard)
    _refuse_unless(hazard, HazardStatus.SUBMITTED)
    refusal = verify_refusal(hazard=hazard, user=by)
    if refusal:
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError(_("Say why the rectification is sent back."))
    hazard.status = HazardStatus.RECTIFYING
    _save(hazard, "hazard.send_back", by)
    _event(hazard, kind=HazardEventKind.SENT_BACK, by=by, from_status=HazardStatus.SUBMITTED, note=reason.strip())
    _notify_responsible(
        hazard,
        kind="hazard.sent_back",
        title=gettext_lazy("Hidden danger %(code)s was sent back: %(reason)s"),
        params={"reason": reason.strip()[:120]},
    )
    return hazard
