"""Build a provincial bank on PostgreSQL with a year of history, for the provincial benchmarks (issue 19).

Default size: 100 branches x 3 sub-branches; each sub-branch 6 outlets and 3 self-service banks,
each branch a vault, a cash-in-transit team and an office building: 3,000 premises; about 13 staff
per outlet plus the departments, ~27,000 people; 12 months of history before today.

    .venv/bin/python bench/province.py                       # full size into sb_province (dropped first)
    .venv/bin/python bench/province.py --branches 5 --months 2 --db sb_province_small

How it is built (all on the project's own tables, so every page renders it):
- units with their materialised paths, premises, staff (one shared password hash), contracts:
  ``bulk_create`` in batches (generated history writes no audit rows, as the demo seed);
- the standard checklists and frequency rules: ``standard_content_install``;
- every month's assignments: the project's own cycle job, ``cycle_open`` (as the monthly beat does);
- inspections and answers: one ``INSERT ... SELECT`` per month, in the server, from the assignments
  (86 % on time, 6 % late, the rest missed; co-signed where the checklist needs it; failures at 0.2 %
  per item for daily checks, 2 % for the other levels), then the assignments' status from them;
- hidden dangers from every failed item, failed facility test and drill problem, in every state of
  the loop by age (reported, assigned, rectifying, waiting for verification, closed, fixed on the
  spot, overdue and escalated, major with its governance plan), each with its timeline events;
- facilities with a year of tests, drills with participants, study sessions with attendance,
  incidents, and photos: attachment rows that all point to one small shared JPEG.

Randomness is a fixed function of row ids (SQL) or a seeded ``random.Random``: the same arguments
build the same bank. The database is dropped and rebuilt on every run, so a run that stopped half
way is simply run again; ``--keep`` uses an existing empty (migrated) database instead.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED_PHOTO = "bench/province-photo.jpg"
PASSWORD = "SafetyDemo-2026"  # settings.SEED_DEMO_PASSWORD: the bench logins sign in with it
FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉"
    "建国志海晓东春梅丹宁欣怡浩然子涵雨萱文博思远立新振宇佳琪婷凯瑞嘉梓轩"
)
FINDINGS = {
    "physical": "门锁松动，已报修",
    "technical": "一路监控画面模糊，需清洁镜头",
    "fire": "灭火器压力低于绿区",
    "civil": "登记簿有漏签",
    "cash": "交接登记不完整",
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--subs", type=int, default=3, help="sub-branches per branch")
    parser.add_argument("--outlets", type=int, default=6, help="outlets per sub-branch")
    parser.add_argument("--atms", type=int, default=3, help="self-service banks per sub-branch")
    parser.add_argument("--tellers", type=int, default=8, help="tellers per outlet")
    parser.add_argument("--months", type=int, default=12, help="months of history before the current one")
    parser.add_argument(
        "--answer-months",
        type=int,
        default=None,
        help="months (the latest) whose daily checks get their answer rows; older daily checks keep their "
        "inspection row only, as after archiving (default: all months)",
    )
    parser.add_argument("--letter-branches", type=int, default=2, help="branches whose letter round is issued")
    parser.add_argument("--db", default="sb_province")
    parser.add_argument("--host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument(
        "--keep", action="store_true", help="use the existing database as it is (it must hold no bank yet)"
    )
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    return parser.parse_args(argv)


def database_url(db: str, host: str = "127.0.0.1") -> str:
    return f"postgres://postgres@{host}:5432/{db}"


def recreate_database(db: str, host: str) -> None:
    """Drop ``db`` and copy it from ``<db>_template``, an empty database migrated once (migrating from
    nothing takes minutes on a busy machine; bringing the template up to date takes seconds)."""
    import subprocess

    import psycopg2

    template = f"{db}_template"
    connection = psycopg2.connect(dbname="postgres", user="postgres", host=host)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{template}"')
        env = dict(os.environ, DATABASE_URL=database_url(template, host), DEBUG="1")
        env.setdefault("DJANGO_SETTINGS_MODULE", "safetybank.settings")
        command = [sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"]
        subprocess.run(command, env=env, check=True)  # noqa: S603 (our own manage.py)
        cursor.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
    connection.close()


def django_on(db: str, host: str) -> None:
    os.environ["DATABASE_URL"] = database_url(db, host)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safetybank.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOW_INSECURE_HTTP", "1")
    import django

    django.setup()


class Clock:
    def __init__(self):
        self.started = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {now - self.started:7.1f} s  (+{now - self.last:5.1f})  {what}", flush=True)
        self.last = now


# --------------------------------------------------------------------------- organisation


def build_organisation(args, rng: random.Random, start: datetime.date):
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from branches.choices import Area, DepartmentKind, Post, PremisesKind, UnitKind
    from branches.models import Contract, Premises, Unit, User

    units: list[Unit] = []

    def unit(code, name, kind, parent=None, department_kind=""):
        pk = len(units) + 1
        path = f"{parent.path if parent else '/'}{pk}/"
        row = Unit(pk=pk, code=code, name=name, kind=kind, parent=parent, department_kind=department_kind, path=path)
        row.depth = path.count("/") - 2
        units.append(row)
        return row

    def departments(owner, which):
        return {
            kind: unit(f"{owner.code}-{suffix}", f"{owner.name}{label}", UnitKind.DEPARTMENT, owner, kind)
            for suffix, kind, label in which
        }

    full = (
        ("SEC", DepartmentKind.SECURITY, "保卫部"),
        ("RISK", DepartmentKind.RISK, "风险管理部"),
        ("BUS", DepartmentKind.BUSINESS, "运营管理部"),
        ("OFF", DepartmentKind.OFFICE, "综合办公室"),
    )
    head = unit("HO", "齐鲁农商联合银行总行", UnitKind.HEAD_OFFICE)
    ho_depts = departments(head, full)
    tree = []  # (branch, depts, [(sub, office)])
    for b in range(1, args.branches + 1):
        branch = unit(f"B{b:03d}", f"第{b}分行", UnitKind.BRANCH, head)
        depts = departments(branch, full)
        subs = []
        for s in range(1, args.subs + 1):
            sub = unit(f"B{b:03d}S{s}", f"第{b}分行第{s}支行", UnitKind.SUB_BRANCH, branch)
            subs.append((sub, departments(sub, full[3:])[DepartmentKind.OFFICE]))
        tree.append((branch, depts, subs))
    Unit.objects.bulk_create(units, batch_size=1000)

    premises: list[Premises] = []

    def place(unit_, code, name, kind, area=Area.URBAN):
        hours = {"open_24h": True} if kind == PremisesKind.SELF_SERVICE else {}
        if kind in (PremisesKind.OUTLET, PremisesKind.CASH_IN_TRANSIT, PremisesKind.OFFICE_BUILDING):
            rural = area == Area.RURAL
            hours = {"opens_at": datetime.time(8, 0 if rural else 30), "closes_at": datetime.time(16 if rural else 17)}
        row = Premises(unit=unit_, code=code, name=name, kind=kind, area=area, address=f"{name}所在地", **hours)
        premises.append(row)
        return row

    place(head, "P-HO-OFB", "总行办公大楼", PremisesKind.OFFICE_BUILDING)
    layout = []  # (branch, depts, vault, cit, [(sub, office, outlets, atms)])
    for branch, depts, subs in tree:
        vault = place(branch, f"P-{branch.code}-VLT", f"{branch.name}金库", PremisesKind.VAULT)
        cit = place(branch, f"P-{branch.code}-CIT", f"{branch.name}押运中队", PremisesKind.CASH_IN_TRANSIT)
        place(branch, f"P-{branch.code}-OFB", f"{branch.name}办公楼", PremisesKind.OFFICE_BUILDING)
        rows = []
        for sub, office in subs:
            area = Area.RURAL if rng.random() < 0.6 else Area.URBAN
            outlets = [
                place(
                    sub,
                    f"P-{sub.code}-{o:02d}",
                    f"{sub.name}{'营业部' if o == 1 else f'第{o}分理处'}",
                    PremisesKind.OUTLET,
                    area,
                )
                for o in range(1, args.outlets + 1)
            ]
            atms = [
                place(sub, f"P-{sub.code}-A{a}", f"{sub.name}第{a}自助银行", PremisesKind.SELF_SERVICE, area)
                for a in range(1, args.atms + 1)
            ]
            rows.append((sub, office, outlets, atms))
        layout.append((branch, depts, vault, cit, rows))
    Premises.objects.bulk_create(premises, batch_size=1000)

    password = make_password(PASSWORD)
    people: list[User] = []
    used_names: set[str] = set()

    def name() -> str:
        while True:
            full_name = rng.choice(FAMILY) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            if full_name not in used_names or len(used_names) > 200_000:
                used_names.add(full_name)
                return full_name

    def person(unit_, post, home=None, username=None, part_time=()):
        number = len(people) + 1
        row = User(
            username=username or f"p{number:06d}",
            full_name=name(),
            unit=unit_,
            home_premises=home,
            post=post,
            part_time_posts=list(part_time),
            employee_number=f"SD{number:06d}",
            password=password,
            email=f"p{number:06d}@province.example" if post not in (Post.TELLER, Post.EMPLOYEE) else "",
            start_date=datetime.date(rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28)),
            is_superuser=username == "admin",
            is_staff=username == "admin",
        )
        people.append(row)
        return row

    person(head, Post.PRESIDENT)
    person(head, Post.LEADER_IN_CHARGE)
    for i in range(8):
        person(ho_depts[DepartmentKind.SECURITY], Post.HEAD_OFFICE_SECURITY, username="headoffice" if i == 0 else None)
    for kind in (DepartmentKind.RISK, DepartmentKind.BUSINESS, DepartmentKind.OFFICE):
        for i in range(6):
            admin = kind == DepartmentKind.OFFICE and i == 0
            person(ho_depts[kind], Post.EMPLOYEE, username="admin" if admin else None)
    contracts = []
    for index, (branch, depts, vault, cit, rows) in enumerate(layout):
        first = index == 0
        person(branch, Post.PRESIDENT, username="president" if first else None)
        person(branch, Post.LEADER_IN_CHARGE)
        guards = [
            person(
                depts[DepartmentKind.SECURITY],
                Post.SECURITY_DEPARTMENT,
                username="security" if first and i == 0 else None,
            )
            for i in range(5)
        ]
        for kind in (DepartmentKind.RISK, DepartmentKind.BUSINESS, DepartmentKind.OFFICE):
            for _ in range(4):
                person(depts[kind], Post.EMPLOYEE)
        person(branch, Post.SECURITY_OFFICER, vault)
        for _ in range(3):
            person(branch, Post.EMPLOYEE, vault)
        person(branch, Post.VOLUNTEER_FIREFIGHTER, vault)
        person(branch, Post.SECURITY_OFFICER, cit)
        for _ in range(4):
            person(branch, Post.EMPLOYEE, cit)
        for _ in range(4):
            person(branch, Post.GUARD, cit)
        contracted = [vault, cit]
        for s, (sub, office, outlets, atms) in enumerate(rows):
            person(sub, Post.PRESIDENT)
            for _ in range(2):
                person(office, Post.EMPLOYEE)
            for o, outlet in enumerate(outlets):
                demo = first and s == 0 and o == 0
                person(sub, Post.OUTLET_HEAD, outlet, username="outlethead" if demo else None)
                person(sub, Post.SECURITY_OFFICER, outlet, username="officer" if demo else None)
                for t in range(args.tellers):
                    person(sub, Post.TELLER, outlet, part_time=(Post.VOLUNTEER_FIREFIGHTER,) if t == 0 else ())
                person(sub, Post.EMPLOYEE, outlet)  # lobby manager
                person(sub, Post.GUARD, outlet)
            contracted += outlets + atms
        for i, where in enumerate(contracted):
            contracts.append(Contract(user=guards[i * len(guards) // len(contracted)], premises=where, since=start))
    # Officers of the first outlets are the mixed-load counter staff: give them stable names.
    officers = [
        p
        for p in people
        if p.post == Post.SECURITY_OFFICER and p.home_premises and p.home_premises.kind == PremisesKind.OUTLET
    ]
    for number, officer in enumerate(officers[:40], start=1):
        if officer.username != "officer":
            officer.username = f"officer{number:02d}"
    User.objects.bulk_create(people, batch_size=2000)
    Contract.objects.bulk_create(contracts, batch_size=2000)
    with connection.cursor() as cursor:  # units were written with their own ids: move the sequence on
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('branches_unit', 'id'), (SELECT max(id) FROM branches_unit))"
        )
    return head, layout


# --------------------------------------------------------------------------- inspections


RAND_SQL = """
CREATE OR REPLACE FUNCTION bench_rand(a bigint, b bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ((abs(a * 2654435761 + b * 40503 + 12345) % 2147483647)::double precision) / 2147483647 $$
"""

INSPECTIONS_SQL = """
WITH due AS (
    SELECT a.id, a.level, a.version_id, a.unit_id, a.premises_id, a.assignee_id, a.period_end, a.slot,
           r.code AS rule_code, t.purpose, bench_rand(a.id, 1) AS roll, bench_rand(a.id, 2) AS r2,
           bench_rand(a.id, 3) AS r3, h.home_premises_id
    FROM inspections_assignment a
    JOIN inspections_frequencyrule r ON r.id = a.rule_id
    JOIN inspections_checklisttemplate t ON t.id = r.template_id
    JOIN branches_user h ON h.id = a.assignee_id
    WHERE a.cycle_id = %(cycle)s AND a.period_end < %(today)s AND a.assignee_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM inspections_inspection x WHERE x.assignment_id = a.id)
), placed AS (
    SELECT d.*, coalesce(d.premises_id, (SELECT min(p.id) FROM branches_premises p
                                         WHERE p.unit_id = d.unit_id AND p.kind = 'outlet')) AS place_id,
           d.period_end + CASE WHEN d.roll >= 0.86 THEN 1 + floor(d.r2 * 3)::int ELSE 0 END AS day,
           CASE WHEN d.level <> 'L4' THEN 9 + floor(d.r3 * 7)::int
                WHEN d.rule_code LIKE '%%CLOSE%%' THEN 17
                WHEN d.rule_code LIKE '%%OPEN%%' THEN 8
                ELSE (ARRAY[8, 12, 17])[least(d.slot, 3)] END AS hour
    FROM due d WHERE d.roll < 0.92
), timed AS (
    SELECT p.*, pr.unit_id AS place_unit,
           ((p.day + make_interval(hours => p.hour, mins => floor(p.r3 * 50)::int))
                AT TIME ZONE 'Asia/Shanghai') AS performed,
           CASE WHEN p.purpose = ANY(%(cosigned)s)
                THEN coalesce(c1.user_id, c2.user_id) END AS cosigner,
           70 + floor(p.r2 * 500)::int AS spent
    FROM placed p
    JOIN branches_premises pr ON pr.id = p.place_id
    LEFT JOIN bench_cosigner c1 ON c1.premises_id = p.place_id
    LEFT JOIN bench_cosigner c2 ON c2.premises_id = p.home_premises_id
    WHERE p.day < %(today)s
)
INSERT INTO inspections_inspection (
    assignment_id, level, version_id, unit_id, premises_id, inspector_id, unannounced, status, started_at,
    submitted_at, summary, correction_reason, performed_at, seconds_spent, too_fast, cosigned_at, cosigned_by_id,
    acknowledge_by, acknowledged_at)
SELECT t.id, t.level, t.version_id, t.place_unit, t.place_id, t.assignee_id, false, 'submitted',
       t.performed - make_interval(secs => t.spent), t.performed + make_interval(secs => 5 + floor(t.r2 * 80)::int),
       '', '', t.performed, CASE WHEN t.level = 'L4' AND t.r3 < 0.01 THEN 8 + floor(t.r2 * 17)::int ELSE t.spent END,
       t.level = 'L4' AND t.r3 < 0.01,
       CASE WHEN t.cosigner IS NOT NULL THEN t.performed + make_interval(mins => 2 + floor(t.r3 * 38)::int) END,
       t.cosigner,
       CASE WHEN t.level <> 'L4' THEN t.day + 3 END,
       CASE WHEN t.level <> 'L4' AND t.day + 2 < %(today)s THEN t.performed + interval '1 day' END
FROM timed t
WHERE t.purpose <> ALL(%(cosigned)s) OR (t.cosigner IS NOT NULL AND t.cosigner <> t.assignee_id)
"""

ANSWERS_SQL = """
INSERT INTO inspections_answer (inspection_id, item_id, result, number, text, note, answered_at)
SELECT i.id, it.id,
       CASE WHEN it.answer_type = 'pass_fail' THEN
            CASE WHEN bench_rand(i.id, it.id) < CASE WHEN i.level = 'L4' THEN 0.002 ELSE 0.02 END
                 THEN 'fail' ELSE 'pass' END ELSE '' END,
       CASE WHEN it.answer_type = 'number' THEN 1 END,
       CASE WHEN it.answer_type = 'text' THEN '正常' ELSE '' END,
       CASE WHEN it.answer_type = 'pass_fail'
             AND bench_rand(i.id, it.id) < CASE WHEN i.level = 'L4' THEN 0.002 ELSE 0.02 END
            THEN (%(findings)s::jsonb ->> it.defence) ELSE '' END,
       i.submitted_at
FROM inspections_inspection i
JOIN inspections_checklistitem it ON it.version_id = i.version_id
JOIN inspections_assignment a ON a.id = i.assignment_id
WHERE a.cycle_id = %(cycle)s AND (%(daily_answers)s OR i.level <> 'L4')
"""

STATUS_SQL = """
UPDATE inspections_assignment a
SET status = CASE WHEN (i.performed_at AT TIME ZONE 'Asia/Shanghai')::date > a.period_end THEN 'late' ELSE 'done' END,
    completed_at = i.submitted_at
FROM inspections_inspection i
WHERE i.assignment_id = a.id AND a.cycle_id = %(cycle)s AND a.status = 'open'
"""

OVERDUE_SQL = """
UPDATE inspections_assignment SET status = 'overdue', notified_overdue_on = %(yesterday)s
WHERE cycle_id = %(cycle)s AND status = 'open' AND period_end < %(today)s
"""


def cosigner_table(cursor) -> None:
    """Who co-signs each premises' daily checks: its outlet head; for a vault a custodian who is not the officer."""
    cursor.execute("DROP TABLE IF EXISTS bench_cosigner")
    cursor.execute(
        "CREATE UNLOGGED TABLE bench_cosigner AS "
        "SELECT DISTINCT ON (u.home_premises_id) u.home_premises_id AS premises_id, u.id AS user_id "
        "FROM branches_user u JOIN branches_premises p ON p.id = u.home_premises_id "
        "WHERE u.is_active AND (u.post = 'outlet_head' OR (p.kind = 'vault' AND u.post <> 'security_officer')) "
        "ORDER BY u.home_premises_id, (u.post = 'outlet_head') DESC, u.id"
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_cosigner (premises_id)")


def build_inspections(today: datetime.date, months: list[datetime.date], answer_months: int, clock: Clock) -> None:
    import json

    from django.db import connection, transaction

    from inspections.cycles import cycle_open
    from inspections.daily.rules import COSIGNED
    from inspections.models import InspectionCycle

    with connection.cursor() as cursor:
        cursor.execute(RAND_SQL)
        cosigner_table(cursor)
    for index, month in enumerate(months):
        if not InspectionCycle.objects.filter(month=month).exists():
            _cycle, created = cycle_open(month=month)
            clock.step(f"cycle_open {month:%Y-%m}: {created:,} assignments")
        cycle = InspectionCycle.objects.get(month=month)
        params = {
            "cycle": cycle.pk,
            "today": today,
            "yesterday": today - datetime.timedelta(days=1),
            "cosigned": sorted(COSIGNED),
            "daily_answers": index >= len(months) - answer_months,
            "findings": json.dumps(FINDINGS, ensure_ascii=False),
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM inspections_inspection i JOIN inspections_assignment a "
                "ON a.id = i.assignment_id WHERE a.cycle_id = %(cycle)s",
                params,
            )
            if cursor.fetchone()[0]:
                continue  # this month's history is written (a resumed run)
            cursor.execute(INSPECTIONS_SQL, params)
            inspections = cursor.rowcount
            cursor.execute(ANSWERS_SQL, params)
            answers = cursor.rowcount
            cursor.execute(STATUS_SQL, params)
            cursor.execute(OVERDUE_SQL, params)
        clock.step(f"  {month:%Y-%m}: {inspections:,} inspections, {answers:,} answers")


# --------------------------------------------------------------------------- hidden dangers


class DangerSeed:
    """What a hidden danger is born from: a failed item, a failed facility test or a drill problem."""

    __slots__ = (
        "premises_id",
        "unit_id",
        "found_by",
        "found_at",
        "description",
        "category",
        "item_code",
        "inspection_id",
        "answer_id",
        "key",
        "hazard",
        "test",
    )

    def __init__(
        self,
        premises_id,
        unit_id,
        found_by,
        found_at,
        description,
        category,
        item_code="",
        inspection_id=None,
        answer_id=None,
        key=0,
    ):
        self.premises_id, self.unit_id, self.found_by, self.found_at = premises_id, unit_id, found_by, found_at
        self.description, self.category, self.item_code = description, category, item_code
        self.inspection_id, self.answer_id, self.key, self.hazard, self.test = inspection_id, answer_id, key, None, None


def answer_seeds() -> list[DangerSeed]:
    from django.db import connection

    from inspections.models import DEFENCE_TO_CATEGORY

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.id, i.id, i.premises_id, i.unit_id, i.inspector_id, i.performed_at, a.note, it.defence, it.code "
            "FROM inspections_answer a JOIN inspections_inspection i ON i.id = a.inspection_id "
            "JOIN inspections_checklistitem it ON it.id = a.item_id WHERE a.result = 'fail' ORDER BY a.id"
        )
        return [
            DangerSeed(
                premises, unit, inspector, at, note, DEFENCE_TO_CATEGORY[defence], code, inspection, answer, answer
            )
            for answer, inspection, premises, unit, inspector, at, note, defence, code in cursor.fetchall()
        ]


def build_hazards(seeds: list[DangerSeed], today: datetime.date, people, clock: Clock) -> None:
    """Every seed becomes a hidden danger in the state its age makes likely, with its timeline."""
    from django.utils import timezone

    from inspections.choices import HazardEventKind as Ev
    from inspections.choices import HazardGrade, HazardStatus
    from inspections.models import Hazard, HazardEvent, HazardPlan

    hazards, plans_for = [], []
    timeline: list[list[tuple]] = []
    for seed in seeds:
        rng = random.Random(seed.key * 7919 + len(seed.description))
        found = seed.found_at
        age = (today - timezone.localdate(found)).days
        major = rng.random() < 0.01
        responsible = people.head.get(seed.premises_id) or people.security_for(seed.premises_id)
        security = people.security_for(seed.premises_id)
        deadline = timezone.localdate(found) + datetime.timedelta(days=30 if major else 7)
        roll = rng.random()
        spot = roll < 0.2 and not major
        closed_share = 0.97 if age > 60 else 0.8 if age > 14 else 0.3
        hz = Hazard(
            unit_id=seed.unit_id,
            premises_id=seed.premises_id,
            item_code=seed.item_code,
            description=seed.description,
            category=seed.category,
            grade=HazardGrade.MAJOR if major else HazardGrade.GENERAL,
            found_by_id=seed.found_by,
            found_at=found,
            source_inspection_id=seed.inspection_id,
            source_answer_id=seed.answer_id,
        )
        steps = [(Ev.REPORTED, seed.found_by, found, "", HazardStatus.REPORTED)]

        def at(days: float, found=found):
            return min(found + datetime.timedelta(days=days), timezone.now())

        if spot:
            hz.fixed_on_spot, hz.rectified_by_id = True, seed.found_by
            steps.append((Ev.FIXED_ON_SPOT, seed.found_by, at(0.01), HazardStatus.REPORTED, HazardStatus.SUBMITTED))
            if age > 1 or rng.random() < 0.5:
                hz.status, hz.verified_by_id, hz.closed_at = HazardStatus.CLOSED, security, at(1)
                steps.append((Ev.VERIFIED, security, at(1), HazardStatus.SUBMITTED, HazardStatus.CLOSED))
            else:
                hz.status = HazardStatus.SUBMITTED
        else:
            # how far along the loop it got: closed, or stopped at one of the open states
            if roll < 0.2 + closed_share * 0.8:
                stage = 4
            else:
                stage = rng.choice((0, 1, 1, 2, 2, 3)) if age > 0 else 0
            if stage >= 1:
                hz.responsible_id, hz.deadline = responsible, deadline
                steps.append((Ev.ASSIGNED, security, at(0.5), HazardStatus.REPORTED, HazardStatus.ASSIGNED))
            if stage >= 2:
                steps.append((Ev.STARTED, responsible, at(1), HazardStatus.ASSIGNED, HazardStatus.RECTIFYING))
            if stage >= 3:
                hz.rectified_by_id = responsible
                steps.append((Ev.SUBMITTED, responsible, at(3), HazardStatus.RECTIFYING, HazardStatus.SUBMITTED))
            if stage >= 4:
                hz.verified_by_id, hz.closed_at = security, at(4)
                steps.append((Ev.VERIFIED, security, at(4), HazardStatus.SUBMITTED, HazardStatus.CLOSED))
            hz.status = (
                HazardStatus.REPORTED,
                HazardStatus.ASSIGNED,
                HazardStatus.RECTIFYING,
                HazardStatus.SUBMITTED,
                HazardStatus.CLOSED,
            )[stage]
            if hz.status != HazardStatus.CLOSED and hz.deadline and hz.deadline < today:
                hz.overdue_since = hz.deadline + datetime.timedelta(days=1)
                hz.escalation_level = min(3, 1 + (today - hz.overdue_since).days // 3)
                hz.escalated_at = timezone.make_aware(datetime.datetime.combine(hz.overdue_since, datetime.time(2)))
                steps.append((Ev.OVERDUE, None, hz.escalated_at, hz.status, hz.status))
            if major and stage >= 1:
                plans_for.append((len(hazards), security, deadline))
        hazards.append(hz)
        timeline.append(steps)
        seed.hazard = hz
    Hazard.objects.bulk_create(hazards, batch_size=2000)
    events = []
    for hz, steps in zip(hazards, timeline, strict=True):
        for kind, by, when, before, after in steps:
            events.append(HazardEvent(hazard=hz, kind=kind, by_id=by, at=when, from_status=before, to_status=after))
    HazardEvent.objects.bulk_create(events, batch_size=5000)
    HazardPlan.objects.bulk_create(
        HazardPlan(
            hazard=hazards[index],
            targets="消除隐患，恢复设施正常运行",
            methods="更换设备并联调测试",
            funds="分行安防专项经费",
            organisation="分行保卫部牵头，网点配合",
            time_limit=deadline,
            safety_measures="整改期间加强值守和巡查",
            updated_by_id=by,
        )
        for index, by, deadline in plans_for
    )
    clock.step(f"hidden dangers: {len(hazards):,} with {len(events):,} timeline events, {len(plans_for)} plans")
    return hazards, events


class People:
    """Who is who, loaded once: outlet heads per premises, security-department contractors per premises."""

    def __init__(self):
        from branches.choices import Post
        from branches.models import Contract, User

        self.head: dict[int, int] = {}
        self.officer_of: dict[int, int] = {}
        self.by_premises: dict[int, list[int]] = defaultdict(list)
        self.by_unit: dict[int, list[int]] = defaultdict(list)
        for pk, home, post, unit in User.objects.values_list("pk", "home_premises_id", "post", "unit_id").order_by(
            "pk"
        ):
            if home:
                self.by_premises[home].append(pk)
                if post == Post.OUTLET_HEAD:
                    self.head.setdefault(home, pk)
                if post == Post.SECURITY_OFFICER:
                    self.officer_of.setdefault(home, pk)
            if unit:
                self.by_unit[unit].append(pk)
        self.contractor = dict(Contract.objects.values_list("premises_id", "user_id").order_by("-pk"))
        self.any_security = next(iter(self.contractor.values()), None)

    def security_for(self, premises_id: int) -> int:
        return self.contractor.get(premises_id) or self.any_security


# --------------------------------------------------------------------------- the other registers


def shared_photo() -> tuple[str, int, str]:
    """One small JPEG that every generated photo row points to."""
    import hashlib

    from django.conf import settings
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (190, 60, 50))
    ImageDraw.Draw(image).text((10, 10), "province bench", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    data = buffer.getvalue()
    target = Path(settings.MEDIA_ROOT) / SHARED_PHOTO
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return SHARED_PHOTO, len(data), hashlib.sha256(data).hexdigest()


def build_photos(seeds: list[DangerSeed], events, clock: Clock) -> None:
    from django.contrib.contenttypes.models import ContentType

    from core.models import Attachment
    from inspections.choices import HazardEventKind
    from inspections.models import Answer, HazardEvent

    name, size, digest = shared_photo()
    answer_type = ContentType.objects.get_for_model(Answer)
    event_type = ContentType.objects.get_for_model(HazardEvent)
    rows = []
    for seed in seeds:
        if seed.answer_id:
            rows.append((answer_type, seed.answer_id, seed.found_by, seed.found_at))
    for event in events:
        if event.kind in (HazardEventKind.SUBMITTED, HazardEventKind.FIXED_ON_SPOT):
            rows.append((event_type, event.pk, event.by_id, event.at))
    Attachment.objects.bulk_create(
        (
            Attachment(
                content_type=kind,
                object_id=pk,
                kind="image",
                file=name,
                original_name="photo.jpg",
                size=size,
                sha256=digest,
                width=320,
                height=240,
                taken_at=at,
                uploaded_by_id=by,
                uploaded_at=at,
            )
            for kind, pk, by, at in rows
        ),
        batch_size=5000,
    )
    clock.step(f"photos: {len(rows):,} attachment rows -> {name}")


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


# --------------------------------------------------------------------------- main


def main(argv=None) -> dict:
    args = parse_args(argv)
    clock = Clock()
    if not args.keep:
        recreate_database(args.db, args.host)
    django_on(args.db, args.host)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from branches.models import Unit
    from inspections.services import standard_content_install
    from safetybank.periods import add_months, month_start, next_month

    call_command("migrate", verbosity=0)  # nothing to do on a copy of the template
    clock.step(f"database {args.db} migrated")
    today = args.today or timezone.localdate()
    start = add_months(month_start(today), -args.months)
    rng = random.Random(2026)
    if not Unit.objects.exists():
        head, layout = build_organisation(args, rng, start)
        standard_content_install(head_office=head, valid_from=datetime.date(start.year - 1, 1, 1))
        clock.step("organisation, staff, contracts, standard checklists and rules")
    else:
        sys.exit(f"{args.db} already holds a bank: run without --keep to rebuild it")
    months, month = [], start
    while month <= month_start(today):
        months.append(month)
        month = next_month(month)
    build_inspections(today, months, args.answer_months or len(months), clock)
    people = People()
    seeds = answer_seeds()
    tests, test_seeds = build_facilities(start, today, people, clock)
    problems, drill_seeds = build_drills_and_study(layout, start, today, people, clock)
    _hazards, events = build_hazards(seeds + test_seeds + drill_seeds, today, people, clock)
    save_facility_tests(tests, test_seeds, clock)
    save_drill_problems(problems, drill_seeds, clock)
    build_photos(seeds + test_seeds, events, clock)
    build_incidents(start, today, people, clock)
    build_letters(today, args.letter_branches, clock)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_cosigner")
        cursor.execute("VACUUM ANALYZE")
        counts = {}
        for table in (
            "branches_premises",
            "branches_user",
            "inspections_assignment",
            "inspections_inspection",
            "inspections_answer",
            "inspections_hazard",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (table names above)
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    clock.step("vacuum analyze")
    print(
        f"province bank {args.db}: {counts['branches_premises']:,} premises, {counts['branches_user']:,} staff, "
        f"{len(months)} cycles, {counts['inspections_assignment']:,} assignments, "
        f"{counts['inspections_inspection']:,} inspections, {counts['inspections_answer']:,} answers, "
        f"{counts['inspections_hazard']:,} hidden dangers; {size}; {time.perf_counter() - clock.started:.0f} s"
    )
    return counts


if __name__ == "__main__":
    main()
