"""Writes of emergency plans, drills and study sessions. Views, tasks and the demo seed call these."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.choices import Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User
from core.selectors import superior_of
from core.services import notify
from drills import rules
from drills.choices import DrillStatus
from drills.models import (
    AnnualDrillPlan,
    Drill,
    DrillParticipant,
    DrillProblem,
    EmergencyPlan,
    PlanRole,
    RuleReminder,
    StudyAttendance,
    StudySession,
)
from inspections.services import hazard_raise
from safetybank.audit import set_reason

# --------------------------------------------------------------------------- emergency plans


def plan_save(*, plan: EmergencyPlan, by: User, change_note: str = "") -> EmergencyPlan:
    """Create a plan (version 1) or revise one: every revision raises the version; the audit keeps the old ones."""
    if plan.pk:
        plan.version += 1
        reason = "plan.revise"
    else:
        plan.version = 1
        reason = "plan.create"
    plan.change_note = change_note
    plan.full_clean()
    set_reason(plan, reason, by=by, typed=change_note if plan.version > 1 else "")
    plan.save()
    return plan


def plan_role_assign(
    *, plan: EmergencyPlan, period: str, role: str, holder: User, duties: str = "", instance: PlanRole | None = None
) -> PlanRole:
    """Give a role of the plan to a person for a period, or hand an existing one to someone else."""
    if not holder.is_active:
        raise ValidationError(_("%(name)s has left; choose someone still working here.") % {"name": holder})
    if holder.unit is None or not holder.unit.path.startswith(plan.unit.path):
        raise ValidationError(_("%(name)s does not work in %(unit)s.") % {"name": holder, "unit": plan.unit})
    item = instance or PlanRole(plan=plan)
    item.period, item.role, item.holder, item.duties = period, role, holder, duties
    duplicate = PlanRole.objects.filter(plan=plan, period=period, role=role, holder=holder).exclude(pk=item.pk)
    if duplicate.exists():
        raise ValidationError(_("%(name)s already holds this role for this period.") % {"name": holder})
    set_reason(item, "plan_role.reassign" if instance else "plan_role.assign")
    item.save()
    return item


def plan_role_remove(*, role: PlanRole) -> None:
    set_reason(role, "plan_role.remove")
    role.delete()


# --------------------------------------------------------------------------- annual drill plans


def annual_plan_save(
    *, unit: Unit, year: int, drills_per_month: int, outlet_drills_per_quarter: int, note: str = ""
) -> AnnualDrillPlan:
    plan = AnnualDrillPlan.objects.filter(unit=unit, year=year).first() or AnnualDrillPlan(unit=unit, year=year)
    plan.drills_per_month, plan.outlet_drills_per_quarter, plan.note = drills_per_month, outlet_drills_per_quarter, note
    set_reason(plan, "drill_plan.targets")
    plan.save()
    return plan


# --------------------------------------------------------------------------- drills


def _check_premises(unit: Unit, premises: Iterable[Premises]) -> list[Premises]:
    premises = list(premises)
    outside = [p for p in premises if not p.unit.path.startswith(unit.path)]
    if outside:
        raise ValidationError(
            _("%(premises)s does not belong to %(unit)s.") % {"premises": ", ".join(map(str, outside)), "unit": unit}
        )
    return premises


@transaction.atomic
def drill_plan(
    *,
    unit: Unit,
    premises: Iterable[Premises],
    kind: str,
    scenario: str,
    planned_date: datetime.date,
    by: User,
    plan: EmergencyPlan | None = None,
    lead: User | None = None,
    unannounced: bool = False,
) -> Drill:
    """Put a drill on the unit's plan. Several premises may take part; it counts for each."""
    premises = _check_premises(unit, premises)
    if not scenario.strip():
        raise ValidationError(_("Describe the scenario."))
    drill = Drill(
        unit=unit,
        kind=kind,
        scenario=scenario.strip(),
        planned_date=planned_date,
        plan=plan,
        lead=lead or by,
        unannounced=unannounced,
    )
    set_reason(drill, "drill.plan", by=by)
    drill.save()
    drill.premises.set(premises)
    return drill


# Premises run by a unit's own staff rather than staff based there: a vault, a cash-in-transit
# team, an office building. Their drills are attended by the staff of the unit that runs them.
UNIT_RUN_PREMISES = (PremisesKind.VAULT, PremisesKind.CASH_IN_TRANSIT, PremisesKind.OFFICE_BUILDING)


def drill_candidates(drill: Drill):
    """Who could take part: active staff working at the drill's premises (for a vault, cash-in-transit
    team or office building also the staff of the unit that runs it and its departments, who are
    based nowhere else), or at its unit when it has none."""
    premises = list(drill.premises.select_related("unit"))
    people = User.objects.filter(is_active=True)
    if not premises:
        return people.filter(unit=drill.unit).order_by("full_name")
    condition = Q(home_premises__in=[p.pk for p in premises])
    running = {p.unit_id for p in premises if p.kind in UNIT_RUN_PREMISES}
    if running:
        units = Unit.objects.filter(Q(pk__in=running) | Q(parent__in=running, kind=UnitKind.DEPARTMENT))
        condition |= Q(unit__in=units, home_premises__isnull=True)
    return people.filter(condition).order_by("home_premises", "full_name")


@transaction.atomic
def drill_record(
    *,
    drill: Drill,
    by: User,
    held_at: datetime.datetime,
    duration_minutes: int,
    score: int | None,
    evaluation: str,
    expected: Iterable[User],
    attended: Iterable[User],
) -> Drill:
    """Record what happened: when, how long, who was expected and who attended, and the evaluation.

    Recording again corrects the record (audited); a cancelled drill cannot be recorded.
    """
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    if drill.status == DrillStatus.CANCELLED:
        raise ValidationError(_("This drill was cancelled."))
    if held_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(_("A drill can only be recorded once it has been held."))
    if score is not None and not 0 <= score <= 100:
        raise ValidationError(_("The score is between 0 and 100."))
    attended_ids = {p.pk for p in attended}
    expected = {p.pk: p for p in expected} | {p.pk: p for p in attended}
    was_done = drill.is_done
    drill.status = DrillStatus.DONE
    drill.held_at, drill.duration_minutes, drill.score, drill.evaluation = held_at, duration_minutes, score, evaluation
    drill.recorded_by = by
    set_reason(drill, "drill.correct" if was_done else "record.create", by=by)
    drill.save()
    for person_id, person in expected.items():
        participant = DrillParticipant.objects.filter(drill=drill, person_id=person_id).first()
        participant = participant or DrillParticipant(drill=drill, person=person)
        wanted = person_id in attended_ids
        if participant.pk is None or participant.attended != wanted:
            participant.attended = wanted
            set_reason(participant, "drill.attendance", by=by)
            participant.save()
    for stale in drill.participants.exclude(person_id__in=expected):
        set_reason(stale, "drill.attendance", by=by)
        stale.delete()
    return drill


def drill_cancel(*, drill: Drill, reason: str) -> Drill:
    if drill.status != DrillStatus.PLANNED:
        raise ValidationError(_("Only a planned drill can be cancelled."))
    if not reason.strip():
        raise ValidationError(_("Say why the drill is cancelled."))
    drill.status = DrillStatus.CANCELLED
    drill._change_reason = reason.strip()[:100]
    drill.save()
    return drill


@transaction.atomic
def drill_problem_add(
    *, drill: Drill, premises: Premises, description: str, category: str, by: User, grade: str = "general"
) -> DrillProblem:
    """A problem the drill exposed, raised as a hidden danger in the same step and linked both ways."""
    if not drill.is_done:
        raise ValidationError(_("Record the drill before adding the problems it exposed."))
    if not drill.premises.filter(pk=premises.pk).exists():
        raise ValidationError(_("Choose one of the premises where the drill was held."))
    description = description.strip()
    if not description:
        raise ValidationError(_("Describe the problem."))
    # What the problem and its hidden danger both say.
    found = {"premises": premises, "category": category, "grade": grade, "found_by": by}
    hazard = hazard_raise(
        description=_("Drill %(date)s (%(scenario)s): %(problem)s")
        % {"date": f"{drill.date:%Y-%m-%d}", "scenario": drill.scenario, "problem": description},
        **found,
    )
    problem = DrillProblem(drill=drill, description=description, hazard=hazard, **found)
    set_reason(problem, "drill.problem", by=by)
    problem.save()
    return problem


# --------------------------------------------------------------------------- study sessions


@transaction.atomic
def study_session_save(*, session: StudySession, attendees: Iterable[User], by: User, reason: str = "") -> StudySession:
    """Record a study session or correct it; attendance is replaced by the list given."""
    if session.date > timezone.localdate():
        raise ValidationError(_("Record a study session once it has taken place."))
    if session.pk is None:
        session.recorded_by = by
    set_reason(session, "drill.correct" if session.pk else "record.create", by=by, typed=reason)
    session.save()
    wanted = {p.pk for p in attendees}
    StudyAttendance.objects.filter(session=session).exclude(person_id__in=wanted).delete()
    have = set(StudyAttendance.objects.filter(session=session).values_list("person_id", flat=True))
    StudyAttendance.objects.bulk_create([StudyAttendance(session=session, person_id=pk) for pk in wanted - have])
    return session


# --------------------------------------------------------------------------- reminders


def _premises_leads(drill: Drill) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            home_premises__in=drill.premises.all(),
            post__in=[Post.OUTLET_HEAD, Post.SECURITY_OFFICER],
        )
    )


def drills_remind_upcoming(*, today: datetime.date | None = None) -> int:
    """A week before a planned drill: its organiser and the premises' heads and security officers are told, once."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=7)
    due = Drill.objects.filter(
        status=DrillStatus.PLANNED, planned_date__gte=today, planned_date__lte=horizon, reminded_on__isnull=True
    ).select_related("lead", "unit")
    count = 0
    for drill in due:
        # Claim it first (a column outside the audit), so two runs remind once.
        if not Drill.objects.filter(pk=drill.pk, reminded_on__isnull=True).update(reminded_on=today):
            continue
        people = {p.pk: p for p in [drill.lead, *_premises_leads(drill)] if p is not None and p.is_active}
        for person in people.values():
            notify(
                user=person,
                kind="drill.upcoming",
                obj=drill,
                title=gettext_lazy("Drill on %(date)s: %(scenario)s"),
                params={"date": f"{drill.planned_date:%Y-%m-%d}", "scenario": drill.scenario},
                url=drill.get_absolute_url(),
            )
        count += 1
    return count


def drill_rules_remind(*, today: datetime.date | None = None) -> int:
    """30 days before a rule period ends unmet, the sub-branch's security department (and president) is told, once.

    The year's drills are read once for each tree (``rules.YearOfDrills``) and evaluated for all its
    sub-branches, not read again per sub-branch; the people to tell are looked up once per sub-branch
    that has something to tell. Resumable: a reminder sent is recorded (``RuleReminder``), so a run
    stopped half-way tells only the rest when it runs again."""
    today = today or timezone.localdate()
    sent = 0
    sub_branches = list(Unit.objects.filter(kind=UnitKind.SUB_BRANCH).order_by("path"))
    for root in Unit.objects.filter(parent__isnull=True).order_by("path"):
        units = [unit for unit in sub_branches if unit.path.startswith(root.path)]
        if not units:
            continue
        periods = rules.YearOfDrills.read(root, today.year).periods(units, today=today)
        for unit in units:
            people = None
            for period in periods[unit.pk]:
                if period.state != "at_risk":
                    continue
                key = period.rule if period.premises is None else f"{period.rule}:{period.premises.pk}"
                try:
                    with transaction.atomic():
                        RuleReminder.objects.create(unit=unit, rule=key[:40], period_start=period.start)
                except IntegrityError:
                    continue
                if people is None:
                    people = {p.pk: p for p in superior_of(unit)}
                    people |= {p.pk: p for p in User.objects.filter(unit=unit, post=Post.PRESIDENT, is_active=True)}
                where = period.premises or unit
                for person in people.values():
                    notify(
                        user=person,
                        kind="drill.rule_at_risk",
                        obj=unit,
                        title=gettext_lazy("%(where)s: “%(rule)s” will be missed on %(end)s"),
                        params={"where": where, "rule": period.label, "end": f"{period.end:%Y-%m-%d}"},
                        url=f"{reverse('drills:programme')}?unit={unit.pk}&year={today.year}",
                        dedupe_key=f"drill.rule:{unit.pk}:{key}:{period.start}",
                    )
                sent += 1
    return sent
