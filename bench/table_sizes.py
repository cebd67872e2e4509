"""Measure what a year of daily checks costs in PostgreSQL, per table, to size partitions and archives.

Builds a small bank with the project's own models (N outlets, each with a security officer and an
outlet head), opens December's cycle, then does every before-opening and after-closing check of
the first D business days through the real services, as the counter does: start, the "all fine"
tap per defence group, the remaining items, submit with the stated time, the outlet head's
co-signature. Every table's ``pg_total_relation_size`` (rows, indexes, TOAST) is read before and
after; the growth per check and per answer is extrapolated to a province (3,000 premises x 2 checks
x 250 business days), as written and after ``VACUUM FULL`` (the size a settled archive reaches).

PostgreSQL only (sizes are the point). Use a database of its own; it is migrated and filled:

    createdb -h 127.0.0.1 -U postgres sb_sizes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sb_sizes .venv/bin/python bench/table_sizes.py 20 10
"""

import datetime
import os
import sys
import time
import zoneinfo

if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
    sys.exit("table_sizes.py measures PostgreSQL: set DATABASE_URL to a database of its own.")

from _setup import django_with_fresh_database  # noqa: E402

django_with_fresh_database()

import time_machine  # noqa: E402
from django.db import connection  # noqa: E402

from branches.choices import Post, PremisesKind, UnitKind  # noqa: E402
from branches.models import Premises, Unit, User  # noqa: E402
from inspections.choices import AnswerType, Defence, Result  # noqa: E402
from inspections.cycles import cycle_open  # noqa: E402
from inspections.daily.rules import needs_cosign  # noqa: E402
from inspections.daily.services import daily_check_cosign, daily_check_submit, group_pass  # noqa: E402
from inspections.models import Answer, Assignment, Inspection  # noqa: E402
from inspections.services import answer_save, inspection_start, standard_content_install  # noqa: E402

OUTLETS, DAYS = (int(arg) for arg in (sys.argv[1:] + ["20", "10"])[:2])
PROVINCE_PREMISES, CHECKS_PER_DAY, BUSINESS_DAYS, ANSWERS_PER_CHECK = 3000, 2, 250, 20
CHECKS_PER_YEAR = PROVINCE_PREMISES * CHECKS_PER_DAY * BUSINESS_DAYS
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MONTH = datetime.date(2026, 12, 1)


def sizes() -> dict[str, tuple[int, int]]:
    """Every table of the public schema: (bytes with indexes and TOAST, live rows)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid), coalesce(s.n_live_tup, 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        return {name: (size, rows) for name, size, rows in cursor.fetchall()}


def vacuum_full() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL")


def build_bank() -> list[Premises]:
    head = Unit.objects.create(code="HO", name="总行", kind=UnitKind.HEAD_OFFICE)
    standard_content_install(head_office=head, valid_from=datetime.date(2026, 1, 1))
    branch = Unit.objects.create(code="B1", name="分行", kind=UnitKind.BRANCH, parent=head)
    outlets = []
    for number in range(OUTLETS):
        sub = Unit.objects.create(code=f"S{number}", name=f"支行{number}", kind=UnitKind.SUB_BRANCH, parent=branch)
        outlet = Premises.objects.create(
            unit=sub,
            code=f"P{number}",
            name=f"网点{number}",
            kind=PremisesKind.OUTLET,
            opens_at=datetime.time(8, 30),
            closes_at=datetime.time(17),
        )
        for post in (Post.SECURITY_OFFICER, Post.OUTLET_HEAD):
            User.objects.create(username=f"{post}{number}", unit=sub, home_premises=outlet, post=post)
        outlets.append(outlet)
    return outlets


def do_check(assignment: Assignment, when: datetime.datetime) -> None:
    officer = User.objects.get(home_premises=assignment.premises, post=Post.SECURITY_OFFICER)
    head = User.objects.get(home_premises=assignment.premises, post=Post.OUTLET_HEAD)
    with time_machine.travel(when, tick=False) as traveller:
        inspection = inspection_start(assignment=assignment, by=officer)
        for defence in Defence.values:
            group_pass(inspection=inspection, defence=defence, by=officer)
        for answer in inspection.answers.select_related("item").filter(result="", number=None, text=""):
            if answer.item.answer_type == AnswerType.PASS_FAIL:
                answer_save(answer=answer, by=officer, result=Result.PASS)
            elif answer.item.answer_type == AnswerType.NUMBER:
                answer_save(answer=answer, by=officer, number="1")
            else:
                answer_save(answer=answer, by=officer, text="正常")
        traveller.shift(datetime.timedelta(minutes=10))
        daily_check_submit(inspection=inspection, by=officer, performed_at=when + datetime.timedelta(minutes=9))
        inspection.refresh_from_db()
        if needs_cosign(inspection):
            traveller.shift(datetime.timedelta(minutes=5))
            daily_check_cosign(inspection=inspection, by=head)


def main() -> None:
    build_bank()
    empty = sizes()
    cycle_open(month=MONTH)
    opened = sizes()
    assignments = Assignment.objects.count()
    daily = Assignment.objects.filter(rule__code__in=["L4-OPEN", "L4-CLOSE"]).order_by("period_start", "pk")
    days = sorted(set(daily.values_list("period_start", flat=True)))[:DAYS]
    started = time.perf_counter()
    checks = 0
    for assignment in daily.filter(period_start__in=days).select_related("rule", "premises"):
        hour = 8 if assignment.rule.code == "L4-OPEN" else 17
        when = datetime.datetime.combine(assignment.period_start, datetime.time(hour, 15), SHANGHAI)
        do_check(assignment, when)
        checks += 1
    elapsed = time.perf_counter() - started
    answers = Answer.objects.count()
    assert Inspection.objects.filter(submitted_at__isnull=False).count() == checks
    written = sizes()
    vacuum_full()
    settled = sizes()

    per_answer = answers / checks
    print(
        f"{OUTLETS} outlets, {len(days)} business days: {checks} checks, {answers} answers "
        f"({per_answer:.1f} per check), {elapsed:.1f} s through the services; "
        f"cycle_open made {assignments} assignments ({assignments / OUTLETS:.0f} per outlet-month)"
    )
    print(
        f"Year at {PROVINCE_PREMISES:,} premises: {CHECKS_PER_YEAR:,} checks, "
        f"{CHECKS_PER_YEAR * ANSWERS_PER_CHECK:,} answers at {ANSWERS_PER_CHECK} per check"
    )
    print(f"{'table':45} {'rows':>7} {'B/row':>6} {'written MB/yr':>14} {'settled MB/yr':>14}")
    rows_out = []
    for name in sorted(written):
        grown = written[name][0] - opened[name][0]
        rows = written[name][1] - opened[name][1]
        if grown <= 0 or rows <= 0:
            continue
        settled_grown = settled[name][0] - opened[name][0]
        # Answer tables scale with answers (20 per check in the province); the rest with checks.
        scale = CHECKS_PER_YEAR * (ANSWERS_PER_CHECK / per_answer if "answer" in name else 1) / checks
        rows_out.append((name, rows, grown / rows, grown * scale / 1e6, max(settled_grown, 0) * scale / 1e6))
    for name, rows, per_row, year, settled_year in sorted(rows_out, key=lambda row: -row[3]):
        print(f"{name:45} {rows:7d} {per_row:6.0f} {year:14.0f} {settled_year:14.0f}")
    total = sum(row[3] for row in rows_out)
    total_settled = sum(row[4] for row in rows_out)
    print(f"{'all tables that grew with the checks':45} {'':7} {'':6} {total:14.0f} {total_settled:14.0f}")
    month_assign = opened["inspections_assignment"][0] - empty["inspections_assignment"][0]
    print(
        f"inspections_assignment (cycle_open, all levels): {month_assign / assignments:.0f} B per assignment, "
        f"{month_assign / OUTLETS * PROVINCE_PREMISES * 12 / 1e6:.0f} MB per year at {PROVINCE_PREMISES:,} premises"
    )


main()
