"""Scoped reads of the reports app, and the one place a report's numbers are collected.

``report_numbers`` asks each owning app's selector (never its tables) for the unit's
subtree and period, reading as ``UnitReader(unit)`` (see ``reports/scope.py``), and
returns plain JSON: the numbers a report prints. A finalised report keeps them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User
from core.choices import SignatureKind
from core.selectors import signatures_of
from core.tasks_registry import TaskItem
from drills.selectors import drill_counts
from facilities.selectors import security_counts
from inspections.choices import Level
from inspections.daily.selectors import daily_coverage
from inspections.hazards.selectors import hazard_counts, hazards_for
from inspections.selectors import STATES, compliance_counts
from reports.choices import ReportKind, ReportStatus
from reports.models import Activity, Campaign, Report
from reports.rules import signature_refusal
from reports.scope import UnitReader
from responsibilities.choices import CommitteeRole
from responsibilities.selectors import agreements_for, committee_of, letter_coverage, roster_of
from safetybank.periods import months_between

REPORT_UNIT_KINDS = (UnitKind.HEAD_OFFICE, UnitKind.BRANCH, UnitKind.SUB_BRANCH)
NAMES_LIMIT = 30

# --------------------------------------------------------------------------- lists


def reports_for(*, user) -> QuerySet[Report]:
    return Report.objects.for_user(user).select_related("unit", "campaign")


def report_units(*, user) -> QuerySet[Unit]:
    """Units that get reports (head office, branches, sub-branches) within ``user``'s scope."""
    return Unit.objects.for_user(user).filter(kind__in=REPORT_UNIT_KINDS).order_by("path")


def latest_published(*, user, kind: str, period_start: datetime.date) -> list[Report]:
    """Per unit, the newest published version of a period (a correction in draft leaves the old one)."""
    chosen: dict[int, Report] = {}
    for report in (
        reports_for(user=user)
        .filter(kind=kind, period_start=period_start, status=ReportStatus.PUBLISHED)
        .order_by("unit__path", "-version")
    ):
        chosen.setdefault(report.unit_id, report)
    return list(chosen.values())


def campaigns_for(*, user) -> QuerySet[Campaign]:
    """A campaign flows down: a branch's Safety Month is its sub-branches' too."""
    return Campaign.objects.visible_to(user).select_related("unit")


def report_signatures(report: Report):
    """The unit head's signatures on a quarterly table."""
    return signatures_of(report, SignatureKind.LEDGER_SIGNOFF).select_related("signer")


def activities_for(*, user) -> QuerySet[Activity]:
    return Activity.objects.for_user(user).select_related("unit", "recorded_by")


def report_tasks(user) -> list[TaskItem]:
    """ "My tasks": drafts to finish and finalised reports to publish (security departments);
    quarterly statistics waiting for the unit head's signature (presidents)."""
    from branches.permissions import can

    if not getattr(user, "is_authenticated", False):
        return []
    items: list[TaskItem] = []
    current = reports_for(user=user).current()
    if can(user, "report.edit"):
        for report in current.filter(status__in=[ReportStatus.DRAFT, ReportStatus.FINALISED]):
            todo = _("Finish and finalise") if report.is_draft else _("Publish")
            items.append(
                TaskItem(
                    title=f"{report.get_kind_display()} · {report.unit} · {report.period_label}",
                    url=report.get_absolute_url(),
                    due=report.period_end + datetime.timedelta(days=10),
                    source=_("Reports"),
                    detail=str(todo),
                    kind="report.finish",
                    kind_label=_("Reports to finish or publish"),
                )
            )
    if can(user, "report.sign"):
        waiting = current.filter(kind=ReportKind.HAZARD_QUARTERLY).exclude(status=ReportStatus.DRAFT)
        for report in waiting:
            if signature_refusal(report=report, user=user) is None:
                items.append(
                    TaskItem(
                        title=f"{report.get_kind_display()} · {report.unit} · {report.period_label}",
                        url=report.get_absolute_url(),
                        source=_("Reports"),
                        detail=str(_("Sign as unit head")),
                        kind="report.sign",
                        kind_label=_("Reports to sign"),
                        decision=True,
                    )
                )
    return items


# --------------------------------------------------------------------------- numbers


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _percent(part: int, whole: int) -> int | None:
    return round(part * 100 / whole) if whole else None


def staff_as_at(*, user, unit: Unit, day: datetime.date) -> QuerySet[User]:
    """Staff of the subtree employed on ``day``: started by then (or no date) and not left before it."""
    employed = Q(start_date__isnull=True) | Q(start_date__lte=day)
    not_left = Q(end_date__isnull=True, is_active=True) | Q(end_date__gte=day)
    return (
        User.objects.for_user(user)
        .filter(is_superuser=False, unit__path__startswith=unit.path)
        .filter(employed)
        .filter(not_left)
    )


def _basic(reader, unit: Unit, end: datetime.date) -> dict:
    staff = staff_as_at(user=reader, unit=unit, day=end)
    premises = Premises.objects.for_user(reader).filter(unit__path__startswith=unit.path, is_active=True)
    by_kind: dict[str, int] = dict.fromkeys(PremisesKind.values, 0)
    outlets_by_area: dict[str, int] = {}
    for kind, area in premises.values_list("kind", "area"):
        by_kind[kind] += 1
        if kind == PremisesKind.OUTLET:
            outlets_by_area[area] = outlets_by_area.get(area, 0) + 1
    return {
        "staff": staff.count(),
        "security_officers": staff.filter(post=Post.SECURITY_OFFICER).count(),
        "premises_total": sum(by_kind.values()),
        "premises_by_kind": by_kind,
        "outlets_by_area": outlets_by_area,
    }


def _organisation(reader, unit: Unit, end: datetime.date) -> dict:
    coverage = letter_coverage(user=reader, unit=unit, year=end.year)
    seats = list(committee_of(user=reader, unit=unit, on=end))
    names = {role: [str(seat.user) for seat in seats if seat.role == role] for role in CommitteeRole.values}
    return {
        "letters": {
            "year": end.year,
            "staff_total": coverage.staff_total,
            "staff_signed": coverage.staff_signed,
            "staff_percent": coverage.staff_percent,
            "departments_total": coverage.departments_total,
            "departments_signed": coverage.departments_signed,
            "premises_total": coverage.premises_total,
            "premises_signed": coverage.premises_signed,
            "unsigned": [str(person) for person in coverage.unsigned_staff[:NAMES_LIMIT]],
            "unsigned_count": len(coverage.unsigned_staff),
        },
        "committee": {
            "director": "、".join(names[CommitteeRole.DIRECTOR]),
            "deputy": "、".join(names[CommitteeRole.DEPUTY]),
            "members": len(names[CommitteeRole.MEMBER]),
        },
    }


def _drills(reader, unit: Unit, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    counts = drill_counts(user=reader, unit=unit, start=start, end=end, today=today)
    return {
        "drills_done": counts.drills_done,
        "drills_planned": counts.drills_planned,
        "by_kind": counts.drills_by_kind,
        "premises_drills": counts.premises_drills,
        "participants": counts.participants,
        "problems": counts.problems,
        "study_sessions": counts.study_sessions,
        "study_attendances": counts.study_attendances,
        "rules_met": counts.rules_met,
        "rules_missed": counts.rules_missed,
        "rules_pending": counts.rules_pending,
        "study_below": [[str(sub), f"{month:%Y-%m}", n] for sub, month, n in counts.study_months_below],
    }


def _security(reader, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    counts = security_counts(user=reader, start=start, end=end, today=today)
    facilities, incidents = counts.facilities, counts.incidents
    return {
        "facilities": {
            "total": facilities.facilities_total,
            "faulty": facilities.facilities_faulty,
            "tests_done": facilities.tests_done,
            "tests_failed": facilities.tests_failed,
            "tests_overdue": facilities.tests_overdue,
            "investment_total": _money(facilities.investment_total),
            "investment_by_kind": {k: _money(v) for k, v in facilities.investment_by_kind.items()},
            "investment_premises": facilities.investment_premises,
        },
        "incidents": {
            "total": incidents.total,
            "by_kind": incidents.by_kind,
            "loss_total": _money(incidents.loss_total),
            "open": incidents.open,
        },
    }


def _joint_defence(reader, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    agreements = agreements_for(user=reader).filter(
        unit__path__startswith=unit.path, signed_on__lte=end, expires_on__gte=end
    )
    roster = roster_of(unit=unit, start=start, end=end)
    return {
        "agreements": agreements.count(),
        "duty_days": len(roster),
        "duty_covered": sum(1 for day in roster if day.duty is not None),
    }


def _inspections(reader, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    levels = {level: dict.fromkeys(STATES, 0) for level in Level.values}
    for month in months_between(start, end):
        for (_target, level), cell in compliance_counts(user=reader, month=month, today=today).items():
            for state in STATES:
                levels[level][state] += getattr(cell, state)
    return levels


def _daily(reader, unit: Unit, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    coverage = daily_coverage(user=reader, start=start, end=end, unit=unit, today=today)
    return {
        "required_days": coverage.required_days,
        "covered_days": coverage.covered_days,
        "covered_percent": None if coverage.rate is None else round(coverage.rate * 100),
        "late_checks": coverage.late_checks,
        "missed_checks": coverage.missed_checks,
        "unsigned_checks": coverage.unsigned_checks,
        "too_fast_checks": coverage.too_fast_checks,
    }


def _hazards(reader, unit: Unit, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    counts = hazard_counts(user=reader, start=start, end=end, unit=unit, today=today)
    rate = counts.on_time_rate
    return {
        "found": counts.found,
        "rectified": counts.rectified,
        "rectified_on_time": counts.rectified_on_time,
        "on_time_percent": None if rate is None else round(rate * 100),
        "open": counts.open,
        "overdue": counts.overdue,
        "escalated": counts.escalated,
        "by_grade": counts.by_grade,
        "by_category": counts.by_category,
    }


def _overdue_hazards(reader, unit: Unit, end: datetime.date) -> list[list[str]]:
    rows = (
        hazards_for(user=reader)
        .open()
        .filter(unit__path__startswith=unit.path, deadline__lt=end)
        .order_by("deadline", "pk")[:NAMES_LIMIT]
    )
    return [[str(h.premises), f"{h.code} {h.description[:40]}", f"{h.deadline:%Y-%m-%d}"] for h in rows]


def _hazard_lists(reader, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    """For the self-inspection and rectification report: the dangers found, rectified and still open."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    subtree = hazards_for(user=reader).filter(unit__path__startswith=unit.path)

    def row(h) -> dict:
        return {
            "pk": h.pk,
            "premises": str(h.premises),
            "code": h.code,
            "what": h.description[:80],
            "category": h.category,
            "grade": h.grade,
            "found": f"{timezone.localdate(h.found_at):%Y-%m-%d}",
            "deadline": f"{h.deadline:%Y-%m-%d}" if h.deadline else "",
            "closed": f"{timezone.localdate(h.closed_at):%Y-%m-%d}" if h.closed_at else "",
            "responsible": str(h.responsible) if getattr(h, "responsible_id", None) else "",
        }

    return {
        "found_list": [row(h) for h in subtree.filter(found_at__gte=since, found_at__lt=until).order_by("found_at")],
        "rectified_list": [
            row(h) for h in subtree.filter(closed_at__gte=since, closed_at__lt=until).order_by("closed_at")
        ],
        "open_list": [
            row(h)
            for h in subtree.filter(found_at__lt=until)
            .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=until))
            .order_by("deadline", "pk")
        ],
    }


def report_numbers(
    *,
    unit: Unit,
    kind: str,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
    campaign: Campaign | None = None,
) -> dict:
    """Everything a report prints from the data, as plain JSON, read as the unit's scope."""
    today = today or timezone.localdate()
    reader = UnitReader(unit)
    numbers: dict = {
        "unit": {"name": unit.name, "code": unit.code},
        "start": f"{start:%Y-%m-%d}",
        "end": f"{end:%Y-%m-%d}",
        "as_of": f"{today:%Y-%m-%d}",
    }
    if kind in (ReportKind.MONTHLY, ReportKind.SAFETY_MONTH):
        numbers["basic"] = _basic(reader, unit, end)
        numbers.update(_organisation(reader, unit, end))
        numbers["drills"] = _drills(reader, unit, start, end, today)
        numbers.update(_security(reader, start, end, today))
        numbers["joint_defence"] = _joint_defence(reader, unit, start, end)
        numbers["inspections"] = _inspections(reader, start, end, today)
        numbers["daily"] = _daily(reader, unit, start, end, today)
        numbers["hazards"] = _hazards(reader, unit, start, end, today)
        numbers["overdue_hazards"] = _overdue_hazards(reader, unit, min(end, today))
    if kind == ReportKind.SAFETY_MONTH and campaign is not None:
        activities = activities_for(user=reader).filter(campaign=campaign, unit__path__startswith=unit.path)
        numbers["campaign"] = {"theme": campaign.theme, "year": campaign.year}
        numbers["activities"] = [
            {
                "pk": a.pk,
                "date": f"{a.date:%Y-%m-%d}",
                "kind": a.kind,
                "title": a.title,
                "unit": str(a.unit),
                "participants": a.participants,
                "description": a.description,
            }
            for a in activities
        ]
        numbers["activity_participants"] = sum(a["participants"] for a in numbers["activities"])
    if kind in (ReportKind.HAZARD_MONTHLY, ReportKind.HAZARD_QUARTERLY):
        numbers["hazards"] = _hazards(reader, unit, start, end, today)
    if kind == ReportKind.HAZARD_MONTHLY:
        numbers.update(_hazard_lists(reader, unit, start, end))
    return numbers


def open_issues(numbers: dict) -> list[str]:
    """The period's open problems, in the active language: the starting point of section 3."""
    lines = []
    hazards = numbers.get("hazards") or {}
    if hazards.get("overdue"):
        lines.append(_("%(n)s hidden dangers are past their deadline.") % {"n": hazards["overdue"]})
        for premises, what, deadline in numbers.get("overdue_hazards", [])[:10]:
            lines.append(f"  - {premises}: {what} ({deadline})")
    if hazards.get("open") and not hazards.get("overdue"):
        lines.append(_("%(n)s hidden dangers are still open.") % {"n": hazards["open"]})
    for level, label in Level.choices:
        cell = (numbers.get("inspections") or {}).get(level) or {}
        missed = cell.get("missed", 0) + cell.get("unassigned", 0)
        if missed:
            lines.append(_("%(level)s: %(n)s required checks were missed.") % {"level": label, "n": missed})
    daily = numbers.get("daily") or {}
    if daily.get("missed_checks") or daily.get("unsigned_checks"):
        lines.append(
            _("Daily checks: %(missed)s missed, %(unsigned)s not co-signed.")
            % {"missed": daily["missed_checks"], "unsigned": daily["unsigned_checks"]}
        )
    drills = numbers.get("drills") or {}
    if drills.get("rules_missed"):
        lines.append(_("%(n)s drill requirements were missed.") % {"n": drills["rules_missed"]})
    for sub, month, n in drills.get("study_below", []):
        lines.append(
            _("%(unit)s held %(n)s study sessions in %(month)s (at least 2).") % {"unit": sub, "n": n, "month": month}
        )
    letters = numbers.get("letters") or {}
    if letters.get("unsigned_count"):
        lines.append(
            _("%(n)s members of staff have not signed their responsibility letter: %(names)s")
            % {"n": letters["unsigned_count"], "names": "、".join(letters.get("unsigned", [])[:10])}
        )
    facilities = numbers.get("facilities") or {}
    if facilities.get("tests_overdue"):
        lines.append(_("%(n)s facility tests are overdue.") % {"n": facilities["tests_overdue"]})
    return lines
