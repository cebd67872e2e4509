"""Writes of the inspection engine: standard content, checklist versions, rules,
inspections from start to submission, corrections, acknowledgements, overdue marking
and the birth of hidden dangers."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from branches.choices import Post
from branches.models import Premises, Unit, User
from core.choices import SignatureKind
from core.models import canonical_content
from core.selectors import add_working_days, superior_of
from core.services import notify, signature_sign
from inspections import summaries
from inspections.choices import AnswerType, AssignmentStatus, InspectionStatus, Level, Result
from inspections.content.checklists import RULES, TEMPLATES
from inspections.hazards.models import DEFENCE_TO_CATEGORY, Hazard
from inspections.hazards.services import hazard_raise  # noqa: F401
from inspections.models import (
    Answer,
    Assignment,
    ChecklistItem,
    ChecklistTemplate,
    ChecklistVersion,
    FrequencyRule,
    Inspection,
)
from inspections.rules import (
    ACKNOWLEDGE_WITHIN_WORKING_DAYS,
    acknowledgers_of,
    may_correct,
    needs_acknowledgement,
    submission_problems,
)
from inspections.selectors import answers_with_items
from safetybank.audit import request_fields, set_reason, update_with_history
from safetybank.forms import clean_text
from safetybank.periods import month_end, month_start, next_month

# --------------------------------------------------------------------------- standard content


@transaction.atomic
def standard_content_install(*, head_office: Unit, valid_from: datetime.date) -> int:
    """Install head office's standard checklists and the five-level rules. Idempotent by code."""
    created = 0
    templates = {}
    for code, purpose, name, name_en, items in TEMPLATES:
        template, new = ChecklistTemplate.objects.get_or_create(
            code=code, defaults={"owner_unit": head_office, "purpose": purpose, "name": name, "name_en": name_en}
        )
        templates[code] = template
        if new or not template.versions.exists():
            version = ChecklistVersion(template=template, number=1, note=_("Standard content"))
            set_reason(version, "standard.content")
            version.save()
            _items_create(
                version,
                "standard.content",
                None,
                (
                    ChecklistItem(
                        version=version,
                        code=item_code,
                        defence=defence,
                        text=text,
                        text_en=text_en,
                        photo_on_fail=photo,
                        order=order,
                    )
                    for order, (item_code, defence, text, text_en, photo) in enumerate(items, start=1)
                ),
            )
            created += 1
    for code, level, period, count, target, kind, post, template_code, season in RULES:
        if FrequencyRule.objects.filter(code=code).exists():
            continue
        FrequencyRule.objects.create(
            code=code,
            owner_unit=head_office,
            level=level,
            period=period,
            count=count,
            target=target,
            premises_kind=kind,
            performer_post=post,
            template=templates[template_code],
            season_start_month=season[0] if season else None,
            season_end_month=season[1] if season else None,
            valid_from=month_start(valid_from),
        )
        created += 1
    return created


# --------------------------------------------------------------------------- checklists and rules


def _items_create(version: ChecklistVersion, reason: str, by: User | None, items) -> None:
    """Check items are audited: created in bulk, each with its historical row."""
    bulk_create_with_history(list(items), ChecklistItem, default_user=by, default_change_reason=reason)


@transaction.atomic
def checklist_revise(*, template: ChecklistTemplate, items: list[dict], by: User, note: str = "") -> ChecklistVersion:
    """Save a checklist's items. A version already used by an inspection is never changed:
    a new version is made and past inspections keep theirs. Item codes stay stable."""
    codes = [item["code"] for item in items]
    if len(codes) != len(set(codes)):
        raise ValidationError(_("Each check item needs its own code."))
    current = template.current_version
    if current is None or current.is_in_use:
        number = (current.number + 1) if current else 1
        version = ChecklistVersion(template=template, number=number, created_by=by, note=note)
    else:
        version = current
        for item in version.items.all():  # one by one, so each deletion is in the audit trail
            set_reason(item, "checklist.revise", by=by)
            item.delete()
        version.note = note or version.note
    set_reason(version, "checklist.revise", by=by)
    version.save()
    _items_create(
        version,
        "checklist.revise",
        by,
        (ChecklistItem(version=version, order=order, **item) for order, item in enumerate(items, start=1)),
    )
    set_reason(template, "checklist.revise", by=by)  # what changed is the version's note
    template.save()
    return version


@transaction.atomic
def checklist_create(*, owner_unit: Unit, code: str, purpose: str, name: str, name_en: str, by: User):
    """A unit's own checklist (a branch security department's, say), visible down its subtree.
    Its items are added with ``checklist_revise``."""
    if ChecklistTemplate.objects.filter(code=code).exists():
        raise ValidationError(_("A checklist with the code %(code)s already exists.") % {"code": code})
    template = ChecklistTemplate(owner_unit=owner_unit, code=code, purpose=purpose, name=name, name_en=name_en)
    set_reason(template, "checklist.create", by=by)
    template.save()
    return template


@transaction.atomic
def rule_change(*, rule: FrequencyRule, changes: dict, by: User, today: datetime.date | None = None) -> FrequencyRule:
    """Change a frequency rule from the next cycle on: the current row ends with this month."""
    today = today or timezone.localdate()
    start = next_month(month_start(today))
    if rule.valid_until is not None and rule.valid_until < start:
        raise ValidationError(_("This rule is no longer in force; change the rule that replaced it."))
    successor = FrequencyRule.objects.filter(code=rule.code, valid_from=start).first()
    if successor is None:
        successor = FrequencyRule.objects.get(pk=rule.pk)
        successor.pk = None
        successor.valid_from = start
        successor.valid_until = None
    for field, value in changes.items():
        setattr(successor, field, value)
    set_reason(successor, "rule.successor", by=by)  # the month is the row's valid_from
    successor.save()
    if rule.pk != successor.pk:
        rule.valid_until = month_end(month_start(today))
        set_reason(rule, "rule.replaced", by=by)
        rule.save()
    return successor


# --------------------------------------------------------------------------- inspections


def _level_posts(level: str) -> set[str]:
    return {
        Level.L1_PRESIDENT: {Post.PRESIDENT},
        Level.L2_LEADER: {Post.LEADER_IN_CHARGE},
        Level.L3_SECURITY: {Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY},
        Level.L4_PREMISES: {Post.SECURITY_OFFICER, Post.OUTLET_HEAD},
        Level.L5_REVIEW: {Post.PRESIDENT, Post.LEADER_IN_CHARGE},
        Level.COMPREHENSIVE: {Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY},
        Level.HOLIDAY: {Post.OUTLET_HEAD, Post.SECURITY_OFFICER, Post.SECURITY_DEPARTMENT},
        Level.SUMMER: {Post.SECURITY_OFFICER, Post.OUTLET_HEAD, Post.SECURITY_DEPARTMENT},
    }[level]


def _create_inspection(*, reason: str = "inspection.start", answers_from=None, **fields) -> Inspection:
    """A new draft with one answer per item (copied from ``answers_from`` for a correction), all audited."""
    fields.setdefault("unit", fields["premises"].unit)
    inspection = Inspection(**fields)
    set_reason(inspection, reason, by=fields["inspector"])
    inspection.save()
    if answers_from is None:
        answers = [Answer(inspection=inspection, item=item) for item in inspection.version.items.all()]
    else:
        answers = [
            Answer(inspection=inspection, item_id=a.item_id, result=a.result, number=a.number, text=a.text, note=a.note)
            for a in answers_from.answers.all()
        ]
    bulk_create_with_history(
        answers,
        Answer,
        default_user=fields["inspector"],
        default_change_reason=reason,
        custom_historical_attrs=request_fields(),
    )
    return inspection


@transaction.atomic
def inspection_start(*, assignment: Assignment, by: User, premises: Premises | None = None) -> Inspection:
    """Open (or come back to) the draft of an assigned inspection."""
    draft = assignment.inspections.filter(status=InspectionStatus.DRAFT, inspector=by).first()
    if draft:
        return draft
    if assignment.status in (AssignmentStatus.DONE, AssignmentStatus.LATE):
        raise ValidationError(_("This inspection has already been done."))
    if assignment.assignee_id not in (None, by.pk) and not by.is_superuser:
        raise ValidationError(_("This inspection is assigned to %(name)s.") % {"name": assignment.assignee})
    place = assignment.premises or premises
    if place is None:
        raise ValidationError(_("Choose the premises you inspect."))
    if assignment.premises is None and not place.unit.path.startswith(assignment.unit.path):
        raise ValidationError(_("Choose premises of %(unit)s.") % {"unit": assignment.unit})
    return _create_inspection(
        version=assignment.version, level=assignment.level, premises=place, inspector=by, assignment=assignment
    )


@transaction.atomic
def inspection_start_unannounced(*, premises: Premises, level: str, template: ChecklistTemplate, by: User):
    """An unannounced inspection of any premises in scope; it counts toward the level's open requirement."""
    if not (_level_posts(level) & _posts(by)) and not by.is_superuser:
        raise ValidationError(_("Your post does not perform inspections at this level."))
    version = template.current_version
    if version is None:
        raise ValidationError(_("This checklist has no items yet."))
    return _create_inspection(version=version, level=level, premises=premises, inspector=by, unannounced=True)


def _posts(user: User) -> set[str]:
    from branches.permissions import effective_posts

    return effective_posts(user)


def _locked_draft(inspection_id: int) -> Inspection:
    """The inspection re-read under a lock, refused unless still a draft: a page or object loaded
    earlier may predate the submission, and a submission waits for an answer being saved (and the
    other way round), so no answer lands after the inspection is submitted."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection_id)
    if inspection.status != InspectionStatus.DRAFT:
        raise ValidationError(
            _("A submitted inspection cannot be changed; record a correction instead."), code="submitted"
        )
    return inspection


@transaction.atomic
def answer_save(*, answer: Answer, by: User, result: str = "", number=None, text: str = "", note: str = "") -> Answer:
    """Save one answer of a draft the moment it is given (so nothing is lost on a dropped connection)."""
    inspection = _locked_draft(answer.inspection_id)
    if inspection.inspector_id != by.pk:
        raise ValidationError(_("Only the inspector answers this inspection."))
    item = answer.item
    if item.answer_type == AnswerType.PASS_FAIL:
        if result not in Result.values and result != "":
            raise ValidationError(_("Choose pass, fail or not applicable."))
        answer.result = result
    elif item.answer_type == AnswerType.NUMBER:
        if number in (None, ""):
            answer.number = None
        else:
            try:
                answer.number = Decimal(str(number))
            except InvalidOperation:
                raise ValidationError(_("“%(value)s” is not a number.") % {"value": number}) from None
            # What the column holds (12 digits, 2 decimals): "NaN" or 1e20 is refused here, not by the database.
            answer.number = forms.DecimalField(max_digits=12, decimal_places=2).clean(answer.number)
    else:
        answer.text = clean_text(text, limit=Answer.text.field.max_length, label=_("The answer"))
    answer.note = clean_text(note, limit=Answer.note.field.max_length, label=_("The finding"))
    answer.answered_at = timezone.now()
    set_reason(answer, "inspection.answer", by=by)
    answer.save()
    return answer


@transaction.atomic
def answers_pass(*, inspection: Inspection, by: User, **item_filters) -> tuple[int, list[Answer]]:
    """Several "all fine" answers at once (a defence group's tap: ``item__defence=...``): every
    unanswered pass/fail answer of the draft that matches passes. One UPDATE for the answers and one
    INSERT for their audit rows, each row what ``answer_save`` would have written (who, why, when,
    from where). Answers already given (a failure, say) are left as they are. Returns how many passed,
    and every answer that matches (``selectors.answers_with_items``), as saved: what the page shows next."""
    draft = _locked_draft(inspection.pk)
    if draft.inspector_id != by.pk:
        raise ValidationError(_("Only the inspector answers this inspection."))
    matching = list(answers_with_items(Answer.objects.filter(inspection=draft, **item_filters)))
    answers = [a for a in matching if a.item.answer_type == AnswerType.PASS_FAIL and a.result == ""]
    now = timezone.now()
    for answer in answers:
        set_reason(answer, "inspection.answer", by=by)
    update_with_history(
        answers,
        {"result": Result.PASS, "note": "", "answered_at": now},
        default_user=by,
        default_change_reason="inspection.answer",
        default_date=now,
        custom_historical_attrs=request_fields(),
    )
    return len(answers), matching


def assignment_complete(inspection: Inspection, *, late: bool | None = None) -> None:
    """Mark the inspection's requirement done (or late). ``late`` overrides the due-date rule
    (daily checks decide lateness by opening hours)."""
    assignment = inspection.assignment
    if assignment is None:
        assignment = _matching_open_assignment(inspection)
        if assignment is None:
            return
        inspection.assignment = assignment
        set_reason(inspection, "inspection.assignment")
        inspection.save(update_fields=["assignment"])
    if late is None:
        late = timezone.localdate(inspection.submitted_at) > assignment.period_end
    assignment.status = AssignmentStatus.LATE if late else AssignmentStatus.DONE
    assignment.completed_at = inspection.submitted_at
    if assignment.assignee_id is None:
        assignment.assignee = inspection.inspector
    assignment.save(update_fields=["status", "completed_at", "assignee"])
    summaries.record_assignment(assignment)


def _matching_open_assignment(inspection: Inspection) -> Assignment | None:
    """The open requirement an unannounced inspection fulfils: same level, same premises (or its
    sub-branch for unit-level rules), the period that contains today, else the oldest overdue one."""
    today = timezone.localdate(inspection.submitted_at)
    candidates = (
        Assignment.objects.filter(
            level=inspection.level,
            status__in=[AssignmentStatus.OPEN, AssignmentStatus.OVERDUE],
            period_start__lte=today,
        )
        .filter(Q(premises=inspection.premises) | Q(premises__isnull=True, unit=inspection.premises.unit))
        .filter(Q(assignee=inspection.inspector) | Q(assignee__isnull=True))
        .order_by("-period_end")
    )
    current = candidates.filter(period_end__gte=today).order_by("period_end").first()
    return current or candidates.first()


SUBMISSION_FIELDS = ("status", "submitted_at", "acknowledge_by")


@transaction.atomic
def inspection_submit(
    *, inspection: Inspection, by: User, complete: bool = True, counted=None, then=None, **fields
) -> list[Hazard]:
    """Submit: every item answered, every failure described (with a photo where the checklist says so).
    The inspection becomes immutable, its assignment is done (unless ``complete`` is False: a daily
    check waits for its co-signature), and each failure raises a hidden danger. ``fields`` are
    extra inspection fields recorded with the submission (stated time, time on the form);
    ``counted(answers)`` returns more that depend on the answers (a daily check's too-fast flag
    counts its items); ``then(inspection)`` runs last, in the same transaction (a daily check's
    completion or its call for a co-signature). The answers are read once, under the draft's lock,
    however many items. The ``inspection`` passed in is brought up to date with the columns the
    submission wrote."""
    draft = _locked_draft(inspection.pk)
    if draft.inspector_id != by.pk:
        raise ValidationError(_("Only the inspector submits this inspection."))
    answers = list(Answer.objects.filter(inspection=draft).select_related("item"))
    problems = submission_problems(draft, answers)
    if problems:
        raise ValidationError(problems)
    for cached in ("premises", "version", "inspector", "assignment"):  # loaded with the caller's object
        if inspection._state.fields_cache.get(cached) is not None:
            draft._state.fields_cache[cached] = inspection._state.fields_cache[cached]
    draft.status = InspectionStatus.SUBMITTED
    draft.submitted_at = timezone.now()
    fields.update(counted(answers) if counted else {})
    for name, value in fields.items():
        setattr(draft, name, value)
    if needs_acknowledgement(draft):
        draft.acknowledge_by = add_working_days(timezone.localdate(), ACKNOWLEDGE_WITHIN_WORKING_DAYS)
    set_reason(draft, "inspection.submit", by=by)
    draft.save()
    for name in (*SUBMISSION_FIELDS, *fields):
        setattr(inspection, name, getattr(draft, name))
    if complete:
        assignment_complete(draft)
    if draft.acknowledge_by:
        _notify_acknowledgers(draft)
    hazards = [answer_hazard_raise(inspection=draft, answer=answer) for answer in answers if answer.failed]
    if then is not None:
        then(inspection)
    return hazards


def answer_hazard_raise(*, inspection: Inspection, answer: Answer) -> Hazard:
    """The hidden danger of one failed item: its note, the category of its defence, found by the inspector."""
    return hazard_raise(
        premises=inspection.premises,
        description=answer.note,
        category=DEFENCE_TO_CATEGORY[answer.item.defence],
        found_by=inspection.inspector,
        item_code=answer.item.code,
        source_inspection=inspection,
        source_answer=answer,
    )


@transaction.atomic
def inspection_correct(*, inspection: Inspection, by: User, reason: str) -> Inspection:
    """Start a correction of a submitted inspection: a new draft that points at it, answers copied.
    Only the inspector's side corrects (``rules.may_correct``); the inspected side objects through
    the acknowledgement."""
    inspection.refresh_from_db(fields=["status", "submitted_at"])
    if not inspection.is_submitted:
        raise ValidationError(_("Only a submitted inspection can be corrected; edit the draft instead."))
    if not may_correct(by, inspection):
        raise ValidationError(
            _(
                "Only the inspector, their department or their superiors correct an inspection; "
                "the inspected side objects when acknowledging it."
            ),
            code="not_inspector_side",
        )
    if not reason.strip():
        raise ValidationError(_("Say why the inspection is corrected."))
    return _create_inspection(
        reason="inspection.correction",
        answers_from=inspection,
        assignment=None,
        level=inspection.level,
        version=inspection.version,
        unit=inspection.unit,
        premises=inspection.premises,
        inspector=by,
        corrects=inspection,
        correction_reason=reason.strip()[:300],
    )


def inspection_facts(inspection: Inspection) -> str:
    """The exact text of the confirmation letter of inspection facts, as signed."""
    failed = [
        {"code": a.item.code, "item": a.item.text, "finding": a.note}
        for a in inspection.answers.select_related("item")
        if a.failed
    ]
    return canonical_content(
        {
            "inspection": inspection.pk,
            "premises": inspection.premises.name,
            "checklist": f"{inspection.version.template.name} v{inspection.version.number}",
            "inspector": str(inspection.inspector),
            "submitted_at": inspection.submitted_at,
            "findings": failed,
        }
    )


def _acknowledgement_params(inspection: Inspection) -> dict:
    return {
        "premises": str(inspection.premises),
        "inspector": str(inspection.inspector),
        "date": inspection.acknowledge_by,
    }


def _tell(people, inspection: Inspection, *, kind: str, title, body="", params: dict | None = None) -> int:
    """Notify each of ``people`` about ``inspection``; returns how many were told (not already told today)."""
    sent = 0
    for person in people:
        sent += (
            notify(
                user=person,
                kind=kind,
                obj=inspection,
                title=title,
                body=body,
                params=params or _acknowledgement_params(inspection),
                url=inspection.get_absolute_url(),
            )
            is not None
        )
    return sent


def _notify_acknowledgers(inspection: Inspection) -> None:
    _tell(
        acknowledgers_of(inspection),
        inspection,
        kind="inspection.acknowledge",
        title=gettext_lazy("%(inspector)s inspected %(premises)s: acknowledge the facts by %(date)s"),
    )


@transaction.atomic
def inspection_acknowledge(*, inspection: Inspection, by: User, ip: str | None, objection: str = ""):
    """The inspected unit acknowledges the confirmation letter of inspection facts, optionally objecting.
    The acknowledgement leaves the acknowledger's tasks; an objection goes back to the inspector."""
    inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)
    if not inspection.is_submitted:
        raise ValidationError(_("Only a submitted inspection can be acknowledged."))
    if by.pk == inspection.inspector_id:
        raise ValidationError(_("The inspector cannot acknowledge their own inspection."))
    posts = _posts(by)
    today = timezone.localdate()
    heads_premises = Post.OUTLET_HEAD in posts and (
        by.home_premises_id == inspection.premises_id
        or by.actings.filter(premises=inspection.premises, start_date__lte=today, end_date__gte=today).exists()
    )
    leads_unit = Post.PRESIDENT in posts and by.unit and inspection.unit.path.startswith(by.unit.scope_root.path)
    if not (heads_premises or leads_unit):
        raise ValidationError(_("The head of the inspected premises acknowledges the inspection facts."))
    post = Post.OUTLET_HEAD if heads_premises else Post.PRESIDENT
    signature = signature_sign(
        subject=inspection,
        kind=SignatureKind.ACKNOWLEDGEMENT,
        signer=by,
        content=inspection_facts(inspection),
        ip=ip,
        post=post,
        objection=objection,
    )
    if inspection.acknowledged_at is None:
        inspection.acknowledged_at = signature.signed_at
        set_reason(inspection, "inspection.acknowledge", by=by)
        inspection.save(update_fields=["acknowledged_at"])
    if signature.objection:
        _tell(
            [inspection.inspector],
            inspection,
            kind="inspection.objection",
            title=gettext_lazy("%(person)s objects to the inspection of %(premises)s"),
            body=gettext_lazy("Objection: %(objection)s"),
            params={"person": str(by), "premises": str(inspection.premises), "objection": signature.objection},
        )
    return signature


def acknowledgements_remind(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: inspections not acknowledged by their date remind the acknowledgers (once a day) and are
    escalated once to the security department above the premises. Running twice changes nothing more."""
    today = today or timezone.localdate()
    result = {"reminded": 0, "escalated": 0}
    late = Inspection.objects.awaiting_acknowledgement().filter(acknowledge_by__lt=today)
    for inspection in late.select_related("premises__unit", "inspector"):
        result["reminded"] += _tell(
            acknowledgers_of(inspection),
            inspection,
            kind="inspection.acknowledge_overdue",
            title=gettext_lazy("Overdue: acknowledge the inspection of %(premises)s (due %(date)s)"),
        )
        if inspection.acknowledgement_escalated_on is None:
            with transaction.atomic():
                claimed = Inspection.objects.select_for_update(of=("self",)).get(pk=inspection.pk)
                if claimed.acknowledgement_escalated_on is not None:
                    continue
                claimed.acknowledgement_escalated_on = today
                set_reason(claimed, "inspection.acknowledgement_escalated")
                claimed.save(update_fields=["acknowledgement_escalated_on"])
                _tell(
                    superior_of(inspection.premises),
                    inspection,
                    kind="inspection.acknowledge_escalated",
                    title=gettext_lazy("Not acknowledged in time: inspection of %(premises)s (due %(date)s)"),
                )
                result["escalated"] += 1
    return result
