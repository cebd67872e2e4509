"""Writes of the hidden-danger loop: a danger is born (raised from a failed check, reported by hand),
the daily job marks overdue dangers and escalates them, head office sets the loop's settings; the
transitions in between (assign, rectify, verify ...) are in ``inspections.hazards.rectification``.

reported → assigned (responsible person, deadline) → rectifying → submitted (evidence) →
closed (verified) or back to rectifying (sent back). Rectified on the spot: reported →
submitted, still verified by someone else. A major danger needs its governance plan before
it leaves "assigned". Every step writes a ``HazardEvent`` (who, when, why, evidence) and
saves the hazard with a change reason for the audit. An illegal move is a translated
``ValidationError``; views, tasks and the API call these same functions.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from branches.choices import Post
from branches.models import Premises, User
from branches.permissions import can
from core import codes
from core.selectors import superior_of
from core.services import attachments_create, notify
from inspections.choices import EscalationLevel, HazardEventKind, HazardGrade, HazardStatus
from inspections.hazards.models import Hazard, HazardEvent, HazardPolicy
from inspections.models import Answer, Inspection
from safetybank.audit import set_reason

OPEN_FOR_WORK = (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING)


# --------------------------------------------------------------------------- helpers


def _locked(hazard: Hazard) -> Hazard:
    """Re-read the row under a lock: two people acting at once cannot both move it."""
    return Hazard.objects.select_for_update(of=("self",)).select_related("premises", "unit").get(pk=hazard.pk)


def _refuse_unless(hazard: Hazard, *statuses: str) -> None:
    if hazard.status not in statuses:
        raise ValidationError(
            _("This hidden danger is “%(status)s”; that step is not possible now.")
            % {"status": hazard.get_status_display()}
        )


def _event(
    hazard: Hazard,
    *,
    kind: str,
    by: User | None,
    from_status: str = "",
    note: str = "",
    message=None,
    params: dict | None = None,
    uploads: Iterable = (),
    at: datetime.datetime | None = None,
) -> HazardEvent:
    """One timeline step. ``note`` is what the person typed (kept as typed); ``message`` is what the
    system says (a lazy string with ``params``), stored as a code and read in the reader's language."""
    event = HazardEvent.objects.create(
        hazard=hazard,
        kind=kind,
        by=by,
        at=at or timezone.now(),
        from_status=from_status,
        to_status=hazard.status,
        note=note,
        message={"text": codes.encode(message), "params": codes.encode_params(params)} if message else {},
    )
    uploads = list(uploads)
    if uploads:
        attachments_create(owner=event, uploads=uploads, by=by)
    return event


def _save(hazard: Hazard, reason: str, by: User | None = None) -> None:
    """Save with the change reason's code (``safetybank.audit.REASONS``) and who, for the audit trail."""
    set_reason(hazard, reason, by=by)
    hazard.save()


def _leaders_of(premises: Premises) -> list[User]:
    """The nearest leader(s) in charge of security up the tree from the premises (else the president)."""
    ancestors = list(premises.unit.ancestors())  # root first
    for post in (Post.LEADER_IN_CHARGE, Post.PRESIDENT):
        people = list(User.objects.filter(unit__in=ancestors, post=post, is_active=True).select_related("unit"))
        for ancestor in reversed(ancestors):
            nearest = [person for person in people if person.unit_id == ancestor.pk]
            if nearest:
                return nearest
    return []


def _head_office() -> list[User]:
    return list(User.objects.filter(post=Post.HEAD_OFFICE_SECURITY, is_active=True).order_by("pk"))


def escalation_targets(hazard: Hazard, level: int) -> list[User]:
    """Who a danger at ``level`` is escalated to: the security department above the premises, then the
    leader in charge, then head office."""
    if level >= EscalationLevel.HEAD_OFFICE:
        return _head_office()
    if level == EscalationLevel.LEADERSHIP:
        return _leaders_of(hazard.premises) or _head_office()
    if level == EscalationLevel.SECURITY:
        return superior_of(hazard.premises)
    return []


def _notify_many(people: Iterable[User], *, kind: str, hazard: Hazard, title, params: dict | None = None) -> None:
    seen = set()
    for person in people:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        notify(
            user=person,
            kind=kind,
            obj=hazard,
            title=title,
            params={"code": hazard.code, "premises": str(hazard.premises), **(params or {})},
            url=hazard.get_absolute_url(),
        )


def _notify_major(hazard: Hazard) -> None:
    """A major danger goes at once to the leader in charge and to head office."""
    _notify_many(
        _leaders_of(hazard.premises) + _head_office(),
        kind="hazard.major",
        hazard=hazard,
        title=gettext_lazy("Major hidden danger %(code)s at %(premises)s"),
    )


def _notify_responsible(hazard: Hazard, *, kind: str, title, params: dict | None = None) -> None:
    if hazard.responsible_id and hazard.responsible.is_active:
        _notify_many([hazard.responsible], kind=kind, hazard=hazard, title=title, params=params)


def _default_deadline(grade: str, *, today: datetime.date | None = None) -> datetime.date:
    from core.selectors import add_working_days

    policy = HazardPolicy.current()
    days = policy.major_deadline_days if grade == HazardGrade.MAJOR else policy.general_deadline_days
    return add_working_days(today or timezone.localdate(), days)


def default_deadline(*, hazard: Hazard) -> datetime.date:
    """What the assignment form proposes: the policy's working days from today."""
    return _default_deadline(hazard.grade)


# --------------------------------------------------------------------------- birth


def _previous_closed(premises: Premises, item_code: str, found_at: datetime.datetime) -> Hazard | None:
    if not item_code:
        return None
    window = datetime.timedelta(days=HazardPolicy.current().repeat_window_days)
    return (
        Hazard.objects.filter(
            premises=premises,
            item_code=item_code,
            status=HazardStatus.CLOSED,
            closed_at__gte=found_at - window,
            closed_at__lte=found_at,
        )
        .order_by("-closed_at")
        .first()
    )


@transaction.atomic
def hazard_raise(
    *,
    premises: Premises,
    description: str,
    category: str,
    found_by: User,
    item_code: str = "",
    grade: str = "general",
    source_inspection: Inspection | None = None,
    source_answer: Answer | None = None,
    uploads: Iterable = (),
    found_at: datetime.datetime | None = None,
    description_params: dict | None = None,
    description_note: str = "",
) -> Hazard:
    """A hidden danger is born: from a failed item, a drill problem, a facility test or a report by hand.

    A repeat finding (same item code at the same premises within the policy's window, 30 days, of the
    last one closed) is flagged and starts one escalation level up; a major one notifies the leader in
    charge and head office at once. The security department is told at once that it waits to be
    assigned. A generated ``description`` (a lazy string with ``description_params``, and the
    tester's ``description_note``) is kept as a code and read in the reader's language.
    """
    description_message = {}
    if isinstance(description, Promise):
        description_message = {
            "text": codes.encode(description),
            "params": codes.encode_params(description_params),
            "note": description_note.strip(),
        }
        with override(settings.LANGUAGE_CODE):
            description = codes.render(description_message["text"], description_message["params"])
        if description_note.strip():
            description = f"{description}: {description_note.strip()}"
    if not description.strip():
        raise ValidationError(_("Describe the hidden danger."))
    found_at = found_at or timezone.now()
    previous = _previous_closed(premises, item_code, found_at)
    hazard = Hazard(
        unit=premises.unit,
        premises=premises,
        item_code=item_code,
        description=description.strip(),
        description_message=description_message,
        category=category,
        grade=grade,
        found_by=found_by,
        found_at=found_at,
        source_inspection=source_inspection,
        source_answer=source_answer,
    )
    if previous is not None:
        hazard.is_repeat = True
        hazard.repeat_of = previous
        hazard.escalation_level = EscalationLevel.SECURITY
        hazard.escalated_at = found_at
    _save(hazard, "hazard.report", found_by)
    repeat = {}
    if previous is not None:
        repeat = {
            "message": gettext_lazy("Repeat finding: %(code)s was closed on %(date)s."),
            "params": {"code": previous.code, "date": timezone.localtime(previous.closed_at).date()},
        }
    _event(hazard, kind=HazardEventKind.REPORTED, by=found_by, uploads=uploads, at=found_at, **repeat)
    if previous is not None:
        _event(
            hazard,
            kind=HazardEventKind.ESCALATED,
            by=None,
            message=EscalationLevel(hazard.escalation_level).label,
            at=found_at,
        )
        _notify_many(
            escalation_targets(hazard, hazard.escalation_level),
            kind="hazard.escalated",
            hazard=hazard,
            title=gettext_lazy("Hidden danger %(code)s at %(premises)s is a repeat finding"),
        )
    if grade == HazardGrade.MAJOR:
        _notify_major(hazard)
    _notify_many(
        [person for person in superior_of(premises) if person.pk != found_by.pk],
        kind="hazard.reported",
        hazard=hazard,
        title=gettext_lazy("New hidden danger %(code)s at %(premises)s waits to be assigned"),
    )
    return hazard


def hazard_report(
    *,
    premises: Premises,
    description: str,
    category: str,
    by: User,
    grade: str = HazardGrade.GENERAL,
    item_code: str = "",
    uploads: Iterable = (),
) -> Hazard:
    """Anyone with the premises in scope reports a hidden danger by hand; only the security department
    and above may call it major."""
    if not Premises.objects.for_user(by).filter(pk=premises.pk).exists():
        raise ValidationError(_("You can only report hidden dangers at premises in your scope."))
    if grade == HazardGrade.MAJOR and not can(by, "hazard.grade"):
        raise ValidationError(_("Only the security department and above may grade a hidden danger major."))
    return hazard_raise(
        premises=premises,
        description=description,
        category=category,
        found_by=by,
        item_code=item_code.strip(),
        grade=grade,
        uploads=uploads,
    )


# --------------------------------------------------------------------------- daily job


def _level_due(hazard: Hazard, today: datetime.date, after_days: int) -> int:
    base = EscalationLevel.SECURITY if hazard.is_repeat else EscalationLevel.NONE
    days_overdue = (today - hazard.deadline).days
    steps = days_overdue // after_days if after_days else 0
    return min(EscalationLevel.HEAD_OFFICE, base + steps)


def hazards_mark_overdue(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: open dangers past their deadline are marked overdue (once), their responsible person is
    reminded (once a day), and every ``escalate_after_days`` days overdue they climb one level: the new
    level's people are told and see it in "my tasks". Running twice a day changes nothing more."""
    today = today or timezone.localdate()
    after_days = HazardPolicy.current().escalate_after_days
    result = {"overdue": 0, "escalated": 0, "reminded": 0}
    candidates = Hazard.objects.open().filter(deadline__lt=today).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            hazard = Hazard.objects.select_for_update(of=("self",)).select_related("premises", "responsible").get(pk=pk)
            if not hazard.is_open or hazard.deadline is None or hazard.deadline >= today:
                continue
            if hazard.overdue_since is None:
                hazard.overdue_since = hazard.deadline + datetime.timedelta(days=1)
                _save(hazard, "hazard.overdue")
                _event(
                    hazard,
                    kind=HazardEventKind.OVERDUE,
                    by=None,
                    from_status=hazard.status,
                    message=gettext_lazy("Deadline %(date)s passed."),
                    params={"date": hazard.deadline},
                )
                result["overdue"] += 1
            level = _level_due(hazard, today, after_days)
            if level > hazard.escalation_level:
                hazard.escalation_level = level
                hazard.escalated_at = hazard.escalated_at or timezone.now()
                _save(hazard, "hazard.escalate")
                _event(
                    hazard,
                    kind=HazardEventKind.ESCALATED,
                    by=None,
                    from_status=hazard.status,
                    message=EscalationLevel(level).label,
                )
                _notify_many(
                    escalation_targets(hazard, level),
                    kind="hazard.escalated",
                    hazard=hazard,
                    title=gettext_lazy("Overdue hidden danger %(code)s at %(premises)s is escalated to you"),
                )
                result["escalated"] += 1
            if hazard.status in OPEN_FOR_WORK and hazard.responsible_id and hazard.responsible.is_active:
                sent = notify(
                    user=hazard.responsible,
                    kind="hazard.overdue",
                    obj=hazard,
                    title=gettext_lazy("Hidden danger %(code)s is overdue (deadline %(date)s)"),
                    params={"code": hazard.code, "date": f"{hazard.deadline:%Y-%m-%d}"},
                    url=hazard.get_absolute_url(),
                )
                result["reminded"] += int(sent is not None)
    return result


@transaction.atomic
def hazard_policy_save(*, by: User, **values) -> HazardPolicy:
    """Head office changes the loop's settings (audited)."""
    if not can(by, "hazard.configure"):
        raise ValidationError(_("Only head office may change these settings."))
    policy = HazardPolicy.objects.order_by("pk").first() or HazardPolicy()
    for name, value in values.items():
        setattr(policy, name, value)
    if not policy.escalate_after_days:
        raise ValidationError(_("Escalate after at least one day."))
    set_reason(policy, "hazard.settings", by=by)
    policy.save()
    return policy
