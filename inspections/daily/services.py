"""Daily checks at the counter: before opening and after closing, self-service patrols, vault
open/close and cash-in-transit trips — the fourth level, on the inspection engine.

Time rules use local time, the business calendar and the premises' hours:
- a before-opening check stated as done after opening time is **late**;
- an after-closing check stated as done before closing time is **refused**;
- the stated time and the server's time of receipt are both kept;
- a day with no check is **missed** (the engine's daily overdue job marks it).
A two-person check counts as done only when submitted **and** co-signed, by someone else, the
same day.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Post
from branches.models import User
from core.choices import SignatureKind
from core.selectors import opening_hours
from core.services import notify, signature_sign
from inspections import summaries
from inspections.choices import Purpose
from inspections.daily.rules import cosigners_of, minimum_seconds, needs_cosign, purpose_of
from inspections.hazards.models import Hazard
from inspections.models import Answer, Inspection
from inspections.services import answers_pass, assignment_complete, inspection_facts, inspection_submit
from safetybank.audit import set_reason

FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


def check_day(inspection: Inspection) -> datetime.date:
    """The business day a check belongs to: its assignment's day, else the day it was started."""
    if inspection.assignment_id:
        return inspection.assignment.period_start
    return timezone.localdate(inspection.started_at)


def is_late(inspection: Inspection) -> bool:
    """Late: a before-opening check stated after opening time, or any check completed after its day."""
    day = check_day(inspection)
    stated = inspection.performed_at or inspection.submitted_at
    if purpose_of(inspection) == Purpose.DAILY_OPEN:
        hours = opening_hours(inspection.premises, day)
        if hours and hours.opens and stated > hours.opens:
            return True
    return timezone.localdate(stated) > day


def group_pass(*, inspection: Inspection, defence: str, by: User) -> int:
    """The one "all fine" tap of a defence group: every unanswered pass/fail item of it passes, in
    one statement (and one for the audit rows). Items already answered (a failure, say) are left
    as they are. Returns how many were answered."""
    return group_pass_answers(inspection=inspection, defence=defence, by=by)[0]


def group_pass_answers(*, inspection: Inspection, defence: str, by: User) -> tuple[int, list[Answer]]:
    """``group_pass``, also giving the group's answers as saved (what the page shows next, unread again)."""
    return answers_pass(inspection=inspection, by=by, item__defence=defence)


def _check_stated_time(inspection: Inspection, performed_at: datetime.datetime, now: datetime.datetime) -> None:
    if performed_at > now + FUTURE_TOLERANCE:
        raise ValidationError(_("The time stated is in the future."), code="future")
    day = check_day(inspection)
    if timezone.localdate(performed_at) < day:
        raise ValidationError(_("The time stated is before the day of this check."), code="before_day")
    if purpose_of(inspection) == Purpose.DAILY_CLOSE:
        hours = opening_hours(inspection.premises, day)
        if hours and hours.closes and performed_at < hours.closes:
            raise ValidationError(
                _("An after-closing check cannot be done before closing time (%(time)s).")
                % {"time": time_format(timezone.localtime(hours.closes), "H:i")},
                code="before_closing",
            )


def daily_check_submit(
    *, inspection: Inspection, by: User, performed_at: datetime.datetime | None = None
) -> list[Hazard]:
    """Submit a daily check with the time the officer states; flags a too-fast form; a two-person
    check then waits for its co-signature and the outlet head is told."""
    now = timezone.now()
    performed_at = performed_at or now
    _check_stated_time(inspection, performed_at, now)
    seconds = max(0, int((now - inspection.started_at).total_seconds()))
    cosigned = needs_cosign(inspection)

    def then(submitted: Inspection) -> None:
        if not cosigned:
            assignment_complete(submitted, late=is_late(submitted))
            return
        summaries.record_inspection(submitted)  # waits for its co-sign: counts as unsigned
        for head in cosigners_of(submitted):
            if head.pk != by.pk:
                notify(
                    user=head,
                    kind="daily_cosign",
                    obj=submitted,
                    url=reverse("inspections:daily_check", args=[submitted.pk]),
                    params={"what": submitted.version.template.name, "where": submitted.premises.name},
                    title=gettext_lazy("Co-sign needed: %(what)s at %(where)s"),
                )

    # One transaction: the answers are read once, under the draft's lock (the too-fast flag counts
    # them there); the check is completed, or waits for its co-signature and the outlet head is told
    # (the notice exists exactly when the submission does). ``inspection`` comes back with the
    # submission's columns (the premises and checklist stay cached).
    return inspection_submit(
        inspection=inspection,
        by=by,
        complete=False,
        performed_at=performed_at,
        seconds_spent=seconds,
        counted=lambda answers: {"too_fast": seconds < minimum_seconds(len(answers))},
        then=then,
    )


def daily_check_cosign(*, inspection: Inspection, by: User, ip: str | None = None):
    """The second person co-signs the check the same day; the check then counts as done (or late)."""
    inspection.refresh_from_db()
    if not inspection.is_submitted:
        raise ValidationError(_("Only a submitted check can be co-signed."))
    if not needs_cosign(inspection):
        raise ValidationError(_("This check does not need a co-signature."))
    if inspection.cosigned_at:
        raise ValidationError(_("This check is already co-signed."))
    if by.pk == inspection.inspector_id:
        raise ValidationError(_("The co-signer must be someone other than the person who did the check."))
    if by.pk not in {person.pk for person in cosigners_of(inspection)}:
        raise ValidationError(_("Only the outlet head of these premises, or whoever acts for them, co-signs."))
    if timezone.localdate() != check_day(inspection):
        raise ValidationError(_("The co-sign window closed at the end of the day of the check."))
    post = Post.OUTLET_HEAD if Post.OUTLET_HEAD in _posts(by) else by.post
    with transaction.atomic():
        # Re-read under a lock: two people co-signing at once, only the first counts.
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.cosigned_at:
            raise ValidationError(_("This check is already co-signed."))
        signature = signature_sign(
            subject=inspection,
            kind=SignatureKind.COSIGN,
            signer=by,
            content=inspection_facts(inspection),
            ip=ip,
            post=post,
        )
        # Saved row by row with its reason, so the audit trail shows the co-signer.
        inspection.cosigned_at, inspection.cosigned_by = signature.signed_at, by
        set_reason(inspection, "inspection.cosign", by=by)
        inspection.save(update_fields=["cosigned_at", "cosigned_by"])
        assignment_complete(inspection, late=is_late(inspection))
    return signature


def _posts(user: User) -> set[str]:
    from branches.permissions import effective_posts

    return effective_posts(user)
