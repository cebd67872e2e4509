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

Each part is a sibling module: ``_province_setup`` (the database, Django, the step clock), ``_province_people``
(units, premises, staff, contracts), ``_province_inspections``, ``_province_hazards`` (hidden dangers and
photos) and ``_province_registers`` (facilities, drills, study, incidents, letters).

Randomness is a fixed function of row ids (SQL) or a seeded ``random.Random``: the same arguments
build the same bank. The database is dropped and rebuilt on every run, so a run that stopped half
way is simply run again; ``--keep`` uses an existing empty (migrated) database instead.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time

from _province_hazards import answer_seeds, build_hazards, build_photos
from _province_inspections import build_inspections
from _province_people import People, build_organisation
from _province_registers import (
    build_drills_and_study,
    build_facilities,
    build_incidents,
    build_letters,
    save_drill_problems,
    save_facility_tests,
)
from _province_setup import Clock, django_on, recreate_database


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
