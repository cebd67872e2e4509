"""The provincial bank's other registers: facilities and their tests, drills and study sessions, incidents, and
responsibility letters."""

from __future__ import annotations

import datetime
import random

from _province_hazards import DangerSeed
from _province_people import People
from _province_setup import Clock


def build_facilities(start: datetime.date, today: datetime.date, people: People, clock: Clock) -> list[DangerSeed]:
    from django.utils import timezone

    from branches.models import Premises
    from facilities.demo import FACILITIES, _dates
    from facilities.models import Cadence, Facility, FacilityTest
    from inspections.choices import HazardCategory

    cadences = list(Cadence.objects.filter(is_active=True))
    facilities = []
    for premises in Premises.objects.order_by("pk"):
        rng = random.Random(premises.pk)
        for kind, name, extra in FACILITIES.get(premises.kind, ()):
            install = datetime.date(rng.randint(2015, 2024), rng.randint(1, 12), 1)
            values = {"install_date": install, **extra}
            if kind == "extinguisher":
                values["expiry_date"] = install.replace(year=install.year + 5)
            facilities.append(
                Facility(
                    unit_id=premises.unit_id,
                    premises=premises,
                    kind=kind,
                    name=name,
                    registered_on=start - datetime.timedelta(days=1),
                    **values,
                )
            )
    Facility.objects.bulk_create(facilities, batch_size=2000)
    tests, seeds = [], []
    for facility in facilities:
        rng = random.Random(facility.pk)
        tester = (
            people.officer_of.get(facility.premises_id)
            or people.head.get(facility.premises_id)
            or people.security_for(facility.premises_id)
        )
        day = 1 + rng.randrange(20)
        for cadence in cadences:
            if cadence.facility_kind != facility.kind:
                continue
            for tested_on in _dates(cadence, day, start, today - datetime.timedelta(days=1)):
                failed = rng.random() < 0.01
                recorded = timezone.make_aware(datetime.datetime.combine(tested_on, datetime.time(15)))
                test = FacilityTest(
                    facility=facility,
                    test_kind=cadence.test_kind,
                    tested_on=tested_on,
                    tester_id=tester,
                    result="fail" if failed else "pass",
                    recorded_at=recorded,
                    police_receipt="110中心 值班员确认" if cadence.requires_police_receipt else "",
                    notes="报警未能送达" if failed else "",
                )
                tests.append(test)
                if failed:
                    seed = DangerSeed(
                        facility.premises_id,
                        facility.unit_id,
                        tester,
                        recorded,
                        f"{facility.name}检测未通过",
                        HazardCategory.TECHNICAL,
                        key=10_000_000 + len(tests),
                    )
                    seed.test = test  # linked once the danger exists
                    seeds.append(seed)
    clock.step(f"facilities: {len(facilities):,}; {len(tests):,} tests planned")
    return tests, seeds


def save_facility_tests(tests, seeds, clock) -> None:
    from facilities.models import FacilityTest

    for seed in seeds:
        seed.test.hazard = seed.hazard
    FacilityTest.objects.bulk_create(tests, batch_size=5000)
    clock.step(f"facility tests: {len(tests):,} ({len(seeds)} failed, each with its hidden danger)")


def build_drills_and_study(layout, start, today, people: People, clock: Clock) -> list[DangerSeed]:
    from django.utils import timezone

    from drills.choices import DrillKind, DrillStatus, StudyKind
    from drills.models import Drill, DrillParticipant, DrillProblem, StudyAttendance, StudySession
    from inspections.choices import HazardCategory

    drills, places, sessions, problems = [], [], [], []
    rng = random.Random(19)
    for branch, _depts, vault, cit, rows in layout:
        for sub, _office, outlets, _atms in rows:
            month = start
            while month < today:
                for n in (1, 2):  # two study sessions a month per sub-branch
                    day = month.replace(day=5 if n == 1 else 20)
                    if day < today:
                        presenter = people.head.get(outlets[0].pk)
                        sessions.append(
                            (
                                StudySession(
                                    unit=sub,
                                    topic=f"{day:%m}月安全学习（{n}）",
                                    kind=rng.choice(StudyKind.values),
                                    date=day,
                                    duration_minutes=60,
                                    presenter_id=presenter,
                                    recorded_by_id=presenter,
                                    notes="学习制度并通报典型案例",
                                ),
                                [p for o in outlets[:2] for p in people.by_premises[o.pk][:6]],
                            )
                        )
                month = (month + datetime.timedelta(days=32)).replace(day=1)
            for outlet in outlets:  # one on-site drill per outlet per quarter
                quarter = start
                while quarter < today + datetime.timedelta(days=90):
                    day = quarter + datetime.timedelta(days=rng.randrange(60))
                    lead = people.head.get(outlet.pk)
                    done = day < today
                    held = timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 30))) if done else None
                    drills.append(
                        Drill(
                            unit=sub,
                            kind=DrillKind.ON_SITE,
                            scenario="营业网点防抢劫现场处置演练",
                            status=DrillStatus.DONE if done else DrillStatus.PLANNED,
                            planned_date=day,
                            lead_id=lead,
                            held_at=held,
                            duration_minutes=30 if done else None,
                            score=rng.randint(75, 98) if done else None,
                            recorded_by_id=lead if done else None,
                            evaluation="处置流程熟练" if done else "",
                        )
                    )
                    places.append(outlet.pk)
                    quarter = (quarter + datetime.timedelta(days=95)).replace(day=1)
        for place in (vault, cit):
            day = start + datetime.timedelta(days=rng.randrange(150))
            lead = people.security_for(place.pk)
            held = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
            drills.append(
                Drill(
                    unit=branch,
                    kind=DrillKind.COMPREHENSIVE,
                    scenario="综合应急演练",
                    status=DrillStatus.DONE,
                    planned_date=day,
                    lead_id=lead,
                    held_at=held,
                    duration_minutes=90,
                    score=rng.randint(70, 95),
                    recorded_by_id=lead,
                )
            )
            places.append(place.pk)
    Drill.objects.bulk_create(drills, batch_size=2000)
    Drill.premises.through.objects.bulk_create(
        [Drill.premises.through(drill_id=d.pk, premises_id=p) for d, p in zip(drills, places, strict=True)],
        batch_size=5000,
    )
    participants, seeds = [], []
    for drill, place in zip(drills, places, strict=True):
        if drill.status != DrillStatus.DONE:
            continue
        for person in people.by_premises[place][:8]:
            participants.append(DrillParticipant(drill=drill, person_id=person, attended=rng.random() < 0.95))
        if rng.random() < 0.1:
            problems.append(
                DrillProblem(
                    drill=drill,
                    premises_id=place,
                    description="报警按钮响应迟缓",
                    category=HazardCategory.TECHNICAL,
                    found_by_id=drill.lead_id,
                )
            )
            seeds.append(
                DangerSeed(
                    place,
                    drill.unit_id,
                    drill.lead_id,
                    drill.held_at,
                    "演练发现：报警按钮响应迟缓",
                    HazardCategory.TECHNICAL,
                    key=20_000_000 + drill.pk,
                )
            )
    DrillParticipant.objects.bulk_create(participants, batch_size=5000)
    StudySession.objects.bulk_create([s for s, _ in sessions], batch_size=2000)
    StudyAttendance.objects.bulk_create(
        [StudyAttendance(session=s, person_id=p) for s, who in sessions for p in dict.fromkeys(who)], batch_size=5000
    )
    clock.step(f"drills: {len(drills):,} with {len(participants):,} participants; {len(sessions):,} study sessions")
    return problems, seeds


def save_drill_problems(problems, seeds, clock) -> None:
    from drills.models import DrillProblem

    for problem, seed in zip(problems, seeds, strict=True):
        problem.hazard = seed.hazard
    DrillProblem.objects.bulk_create(problems, batch_size=2000)
    clock.step(f"drill problems: {len(problems):,}, each with its hidden danger")


def build_incidents(start, today, people: People, clock: Clock) -> None:
    from django.utils import timezone

    from branches.models import Premises
    from incidents.choices import IncidentKind, IncidentStatus
    from incidents.models import Incident

    rng = random.Random(7)
    rows = []
    span = (today - start).days
    for premises in Premises.objects.order_by("pk"):
        if rng.random() >= 0.08:
            continue
        when = timezone.make_aware(
            datetime.datetime.combine(
                start + datetime.timedelta(days=rng.randrange(span)), datetime.time(rng.randint(8, 20))
            )
        )
        age = (today - timezone.localdate(when)).days
        status = IncidentStatus.CLOSED if age > 30 else rng.choice(IncidentStatus.values)
        reporter = people.head.get(premises.pk) or people.security_for(premises.pk)
        rows.append(
            Incident(
                unit_id=premises.unit_id,
                premises=premises,
                kind=rng.choice(IncidentKind.values),
                occurred_at=when,
                description="可疑人员在营业厅徘徊，已报警处置",
                loss_amount=rng.choice((0, 0, 0, 500, 2000)),
                status=status,
                reported_by_id=reporter,
                reported_at=when + datetime.timedelta(hours=1),
                closed_at=when + datetime.timedelta(days=20) if status == IncidentStatus.CLOSED else None,
            )
        )
    Incident.objects.bulk_create(rows, batch_size=1000)
    clock.step(f"incidents: {len(rows):,}")


def build_letters(today: datetime.date, branches: int, clock: Clock) -> None:
    """This year's responsibility letters through the letters service, for the first ``branches``
    branches' rounds (the service writes each letter with its audit row, ~30 ms a letter: head
    office's round, a letter for every member of staff, would take a quarter of an hour)."""
    from branches.models import Unit, User
    from responsibilities import services
    from responsibilities.choices import RoundStatus
    from responsibilities.models import LetterRound

    services.standard_content_ensure()
    requester = User.objects.get(username="headoffice")
    issued = 0
    for issuer in Unit.objects.filter(kind="branch").order_by("pk")[:branches]:
        round_ = LetterRound.objects.create(
            issuing_unit=issuer, year=today.year, requested_by=requester, status=RoundStatus.DONE, progress=100
        )
        issued += len(services.letters_sync(round=round_).issued)
    clock.step(f"letters: {issued:,} issued")
