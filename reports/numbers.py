"""The one place a report's numbers are collected, and the open issues they show.

``report_numbers`` asks each owning app's selector (never its tables) for the unit's
subtree and period, reading as ``UnitReader(unit)`` (see ``reports/scope.py``), and
returns plain JSON: the numbers a report prints. A finalised report keeps them. A read only:
like ``reports.selectors`` it never imports a service (import-linter contract).
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.choices import SECURITY_POSTS, Post, PremisesKind
from branches.models import Premises, Unit, User
from drills.choices import PlanKind
from drills.selectors import drill_counts, drills_for, plans_for
from facilities.choices import FacilityKind, FacilityStatus, TestKind, VideoKind
from facilities.selectors import facilities_for, investments_for, security_counts, tests_for
from inspections.choices import Level
from inspections.daily.selectors import daily_coverage
from inspections.hazards.selectors import hazard_counts, hazards_for
from inspections.selectors import STATES, summary_compliance_counts
from reports.choices import ReportKind
from reports.models import Campaign
from reports.scope import UnitReader
from reports.selectors import NAMES_LIMIT, activities_for, campaigns_for
from responsibilities.choices import CommitteeRole
from responsibilities.selectors import agreements_for, committee_of, letter_coverage, roster_of
from safetybank.periods import months_between

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


def _security_staff(staff) -> dict:
    """Security staff by post: holders of the post and part-time holders (counted in both)."""
    by_post = dict.fromkeys(SECURITY_POSTS, 0)
    part_time = dict.fromkeys(SECURITY_POSTS, 0)
    for post, extra in staff.values_list("post", "part_time_posts"):
        if post in by_post:
            by_post[post] += 1
        for held in set(extra or ()) - {post}:
            if held in by_post:
                by_post[held] += 1
                part_time[held] += 1
    return {"security_by_post": by_post, "security_part_time_by_post": part_time}


def _basic(reader, unit: Unit, end: datetime.date) -> dict:
    staff = staff_as_at(user=reader, unit=unit, day=end)
    premises = Premises.objects.for_user(reader).filter(unit__path__startswith=unit.path, is_active=True)
    by_kind: dict[str, int] = dict.fromkeys(PremisesKind.values, 0)
    outlets_by_area: dict[str, int] = {}
    for kind, area in premises.values_list("kind", "area"):
        by_kind[kind] += 1
        if kind == PremisesKind.OUTLET:
            outlets_by_area[area] = outlets_by_area.get(area, 0) + 1
    security = _security_staff(staff)
    return {
        "staff": staff.count(),
        "security_officers": security["security_by_post"][Post.SECURITY_OFFICER],
        **security,
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
        # The duty phone(s) announced for holidays and weekends, most used first.
        "duty_phones": [
            phone
            for phone, _n in Counter(day.duty.phone for day in roster if day.duty and day.duty.phone).most_common(3)
        ],
    }


def _inspections(reader, start: datetime.date, end: datetime.date, today: datetime.date) -> dict:
    levels = {level: dict.fromkeys(STATES, 0) for level in Level.values}
    for month in months_between(start, end):
        for (_target, level), cell in summary_compliance_counts(user=reader, month=month, today=today).items():
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


def _major_hazards(reader, unit: Unit, start: datetime.date, end: datetime.date) -> list[list[str]]:
    """The major hidden dangers found in the period, named (premises, what, state)."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (
        hazards_for(user=reader)
        .filter(unit__path__startswith=unit.path, grade="major", found_at__gte=since, found_at__lt=until)
        .order_by("found_at")[:NAMES_LIMIT]
    )
    return [[str(h.premises), h.description[:60], h.status] for h in rows]


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
    if kind in (ReportKind.MONTHLY, ReportKind.SAFETY_MONTH, ReportKind.YEAR_END):
        numbers["basic"] = _basic(reader, unit, end)
        numbers.update(_organisation(reader, unit, end))
        numbers["drills"] = _drills(reader, unit, start, end, today)
        numbers.update(_security(reader, start, end, today))
        numbers["joint_defence"] = _joint_defence(reader, unit, start, end)
        numbers["inspections"] = _inspections(reader, start, end, today)
        numbers["daily"] = _daily(reader, unit, start, end, today)
        numbers["hazards"] = _hazards(reader, unit, start, end, today)
        numbers["overdue_hazards"] = _overdue_hazards(reader, unit, min(end, today))
        numbers["defence"] = _defence(reader, unit)
        numbers["investments"] = _investments(reader, unit, start, end)
        numbers["plans"] = _plans(reader, unit, start, end)
    if kind == ReportKind.YEAR_END:
        numbers["by_month"] = _inspections_by_month(reader, start, end, today)
        numbers["safety_month"] = _year_campaign(reader, unit, start.year)
        numbers["drill_scenarios"] = _drill_scenarios(reader, unit, start, end)
        numbers["major_hazards"] = _major_hazards(reader, unit, start, end)
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


# The defence facts a summary states as "n of N outlets" (reference-content: 技防/物防/消防).
DEFENCE_FACTS = (
    ("alarm_110", FacilityKind.ALARM_110),
    ("cctv", FacilityKind.CCTV),
    ("cctv_digital", FacilityKind.CCTV),
    ("bulletproof_glass", FacilityKind.BULLETPROOF_GLASS),
    ("anti_robbery", FacilityKind.ANTI_ROBBERY),
    ("steel_door", FacilityKind.STEEL_DOOR),
    ("steel_counter", FacilityKind.STEEL_COUNTER),
    ("anti_ram", FacilityKind.ANTI_RAM),
    ("extinguisher", FacilityKind.EXTINGUISHER),
    ("micro_fire_station", FacilityKind.MICRO_FIRE_STATION),
)
# The five links a bank writes a plan for (分环节预案).
PLAN_LINKS = (PlanKind.OUTLET, PlanKind.VAULT, PlanKind.ESCORT, PlanKind.OFFICE_FIRE, PlanKind.SPECIAL_EQUIPMENT)


def _defence(reader, unit: Unit) -> dict:
    """Per outlet of the subtree, which defences its ledger holds in use: each fact as
    "n of N outlets" with the outlets lacking it named. Codes only; the PDF words them."""
    outlets = list(
        Premises.objects.for_user(reader)
        .filter(unit__path__startswith=unit.path, is_active=True, kind=PremisesKind.OUTLET)
        .order_by("code")
    )
    facilities = (
        facilities_for(user=reader)
        .filter(premises__in=outlets)
        .exclude(status__in=[FacilityStatus.RETIRED, FacilityStatus.FAULTY])
    )
    held: dict[str, set[int]] = {code: set() for code, _kind in DEFENCE_FACTS}
    cctv = {"channels": 0, "retention_min": None, "digital": 0, "analogue": 0}
    fire = {"extinguishers": 0, "next_overhaul": None}
    for facility in facilities:
        for code, kind in DEFENCE_FACTS:
            if facility.kind != kind:
                continue
            if code == "cctv_digital" and facility.video_kind != VideoKind.DIGITAL:
                continue
            held[code].add(facility.premises_id)
        if facility.kind == FacilityKind.CCTV:
            cctv["channels"] += facility.channels or 0
            if facility.video_kind:
                cctv[facility.video_kind] += 1
            if facility.retention_days is not None:
                cctv["retention_min"] = min(cctv["retention_min"] or facility.retention_days, facility.retention_days)
        if facility.kind == FacilityKind.EXTINGUISHER:
            fire["extinguishers"] += facility.quantity or 0
            due = facility.next_overhaul
            if due and (fire["next_overhaul"] is None or f"{due:%Y-%m-%d}" < fire["next_overhaul"]):
                fire["next_overhaul"] = f"{due:%Y-%m-%d}"
    last_110 = (
        tests_for(user=reader)
        .filter(facility__premises__in=outlets, test_kind=TestKind.LINK_110)
        .order_by("-tested_on")
        .values_list("tested_on", flat=True)
        .first()
    )
    return {
        "outlets": len(outlets),
        "facts": [
            {
                "code": code,
                "have": len(held[code]),
                "missing": [o.name for o in outlets if o.pk not in held[code]][:NAMES_LIMIT],
            }
            for code, _kind in DEFENCE_FACTS
        ],
        "cctv": cctv,
        "fire": fire,
        "link_110_last_test": f"{last_110:%Y-%m-%d}" if last_110 else None,
    }


def _investments(reader, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    """Each investment line of the period (date, premises, what, amount) and the totals by kind."""
    rows = (
        investments_for(user=reader)
        .filter(unit__path__startswith=unit.path, date__range=(start, end))
        .select_related("premises")
        .prefetch_related("premises_covered")
        .order_by("date", "pk")
    )
    lines, by_kind, premises = [], {}, set()
    for row in rows:
        covered = [row.premises, *[p for p in row.premises_covered.all() if p.pk != row.premises_id]]
        premises.update(p.pk for p in covered)
        by_kind[row.kind] = by_kind.get(row.kind, Decimal("0")) + row.amount
        lines.append(
            {
                "date": f"{row.date:%Y-%m-%d}",
                "premises": "、".join(p.name for p in covered),
                "premises_count": len(covered),
                "kind": row.kind,
                "facility_kind": row.facility_kind,
                "description": row.description,
                "amount": _money(row.amount),
            }
        )
    return {
        "lines": lines,
        "by_kind": {kind: _money(amount) for kind, amount in by_kind.items()},
        "total": _money(sum(by_kind.values(), Decimal("0"))),
        "premises": len(premises),
    }


def _plans(reader, unit: Unit, start: datetime.date, end: datetime.date) -> dict:
    """Plans in force for the unit (its own and those flowing down), with their last review and the
    drills of the period that exercised each; the links without a plan; reviews overdue."""
    plans = list(plans_for(user=reader).filter(is_active=True).order_by("kind", "title"))
    plans = [p for p in plans if unit.path.startswith(p.unit.path) or p.unit.path.startswith(unit.path)]
    exercised: dict[int, int] = {}
    for plan_id in (
        drills_for(user=reader)
        .filter(unit__path__startswith=unit.path, status="done", plan__isnull=False)
        .filter(held_at__date__range=(start, end))
        .values_list("plan_id", flat=True)
    ):
        exercised[plan_id] = exercised.get(plan_id, 0) + 1
    reviewed = {p.pk: p.history.order_by("-history_date").values_list("history_date", flat=True).first() for p in plans}
    rows = [
        {
            "kind": p.kind,
            "title": p.title,
            "unit": p.unit.name,
            "version": p.version,
            "last_review": f"{timezone.localdate(reviewed[p.pk]):%Y-%m-%d}" if reviewed.get(p.pk) else "",
            "next_review": f"{p.next_review:%Y-%m-%d}",
            "overdue": p.next_review < end,
            "drills": exercised.get(p.pk, 0),
        }
        for p in plans
    ]
    kinds = {p.kind for p in plans}
    return {
        "rows": rows,
        "total": len(rows),
        "links": [{"kind": kind, "plans": sum(1 for p in plans if p.kind == kind)} for kind in PLAN_LINKS],
        "missing_links": [kind for kind in PLAN_LINKS if kind not in kinds],
        "overdue": [r["title"] for r in rows if r["overdue"]],
    }


def _inspections_by_month(reader, start: datetime.date, end: datetime.date, today: datetime.date) -> list[dict]:
    """For the year-end chart: each month's required and done checks over all levels."""
    months = []
    for month in months_between(start, end):
        required = done = 0
        for cell in summary_compliance_counts(user=reader, month=month, today=today).values():
            required += cell.required
            done += cell.on_time + cell.late
        months.append({"month": f"{month:%Y-%m}", "required": required, "done": done})
    return months


def _drill_scenarios(reader, unit: Unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """The drills held in the period by kind and scenario, with how many took part (the year-end summary)."""
    rows = (
        drills_for(user=reader)
        .filter(unit__path__startswith=unit.path, status="done", held_at__date__range=(start, end))
        .order_by()
        .values("kind", "scenario")
        .annotate(
            drills=Count("pk", distinct=True),
            people=Count("participants", filter=Q(participants__attended=True)),
        )
        .order_by("-drills", "kind", "scenario")[:NAMES_LIMIT]
    )
    return [{"kind": r["kind"], "scenario": r["scenario"], "drills": r["drills"], "people": r["people"]} for r in rows]


def _year_campaign(reader, unit: Unit, year: int) -> dict | None:
    """The Safety Month of the year the unit took part in (its own or one flowing down), with its activities."""
    campaign = next(
        (
            c
            for c in campaigns_for(user=reader).filter(year=year).order_by("-unit__path")
            if unit.path.startswith(c.unit.path)
        ),
        None,
    )
    if campaign is None:
        return None
    activities = activities_for(user=reader).filter(campaign=campaign, unit__path__startswith=unit.path)
    return {
        "theme": campaign.theme,
        "start": f"{campaign.start:%Y-%m-%d}",
        "end": f"{campaign.end:%Y-%m-%d}",
        "activities": activities.count(),
        "participants": sum(a.participants for a in activities),
    }


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
    plans = numbers.get("plans") or {}
    if plans.get("missing_links"):
        names = dict(PlanKind.choices)
        lines.append(
            _("No emergency plan in force for: %(links)s.")
            % {"links": "、".join(str(names.get(kind, kind)) for kind in plans["missing_links"])}
        )
    if plans.get("overdue"):
        lines.append(_("Emergency plans past their review date: %(plans)s.") % {"plans": "、".join(plans["overdue"])})
    return lines
