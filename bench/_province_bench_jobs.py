"""The job rows: the nightly overdue job, opening a month's cycle, and a batch of branch PDFs in one process."""

from __future__ import annotations

import os
import sys
import time

from _province_bench_common import Rollback, record

# The raw baseline of the overdue job: every assignment past its date marked in one statement.
MARK_OVERDUE_SQL = (
    "UPDATE inspections_assignment SET status = 'overdue', notified_overdue_on = %s "
    "WHERE status IN ('open', 'overdue') AND period_end < %s"
)


def cmd_overdue(args) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from core.models import Notification
    from inspections.overdue import assignments_mark_overdue

    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM inspections_assignment WHERE status IN ('open', 'overdue') AND period_end < %s",
            [today],
        )
        overdue = cursor.fetchone()[0]
    sample = args.sample if 0 < args.sample < overdue else overdue
    try:
        with transaction.atomic():
            # The worst night: every assignment past its date still open and never told (the generator
            # leaves them marked and claimed, so the job alone would find nothing to do).
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE inspections_assignment SET status = 'open', notified_overdue_on = NULL "
                    "WHERE status IN ('open', 'overdue') AND period_end < %s",
                    [today],
                )
            if sample < overdue:
                # The job on an evenly spread sample: the others are hidden for the run (rolled back after).
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE inspections_assignment SET status = 'done' WHERE id IN (SELECT id FROM "
                        "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM inspections_assignment "
                        "WHERE status IN ('open', 'overdue') AND period_end < %s) s WHERE n %% %s <> 0)",
                        [today, max(overdue // sample, 1)],
                    )
                    cursor.execute(
                        "SELECT count(*) FROM inspections_assignment WHERE status IN ('open', 'overdue') "
                        "AND period_end < %s",
                        [today],
                    )
                    sample = cursor.fetchone()[0]
            before = Notification.objects.count()
            started = time.perf_counter()
            marked = assignments_mark_overdue(today=today)
            elapsed = time.perf_counter() - started
            notified = Notification.objects.count() - before
            raise Rollback
    except Rollback:
        pass
    scale = overdue / max(sample, 1)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(MARK_OVERDUE_SQL, [today, today])
            cursor.execute(
                "INSERT INTO core_notification (user_id, kind, dedupe_key, local_date, title, body, message, url, "
                "created_at) SELECT DISTINCT assignee_id, 'inspection_overdue_digest', "
                "'digest:' || assignee_id, %s, 'Overdue inspections', '', '{}'::jsonb, '', now() "
                "FROM inspections_assignment WHERE status = 'overdue' AND assignee_id IS NOT NULL",
                [today],
            )
            raw = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    except Exception as exc:  # the notification table's columns changed: the UPDATE alone
        print(f"raw digest insert skipped: {exc}", file=sys.stderr)
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(MARK_OVERDUE_SQL, [today, today])
            raw = time.perf_counter() - started
            transaction.set_rollback(True)
    if sample < overdue:
        measured = (
            f"{overdue:,} overdue assignments: ≈ {elapsed * scale:,.0f} s, ≈ {notified * scale:,.0f} notifications "
            f"(measured on {sample:,}: {elapsed:.1f} s, {elapsed / sample * 1000:.0f} ms each, "
            f"{notified:,} notifications)"
        )
    else:
        measured = (
            f"{overdue:,} overdue assignments: {elapsed:.1f} s, {marked:,} newly marked, {notified:,} notifications"
        )
    record(
        "overdue",
        measured,
        f"{raw:.2f} s (mark in one UPDATE + one digest per person)",
        "",
        {"seconds": elapsed * scale, "overdue": overdue, "sample": sample, "notifications": notified},
    )


def cmd_cycle(args) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from inspections.cycles import cycle_open
    from inspections.models import InspectionCycle
    from safetybank.periods import month_start, next_month

    current = month_start(timezone.localdate())
    month = next_month(current)
    while InspectionCycle.objects.filter(month=month).exists():
        month = next_month(month)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            _cycle, created = cycle_open(month=month)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    shift = (month - current).days
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO inspections_inspectioncycle (month, opened_at) VALUES (%s, now()) RETURNING id", [month]
            )
            cycle_id = cursor.fetchone()[0]
            started = time.perf_counter()
            cursor.execute(
                "INSERT INTO inspections_assignment (cycle_id, rule_id, level, version_id, unit_id, premises_id, "
                "target_key, performer_post, assignee_id, period_start, period_end, slot, status) "
                "SELECT %s, rule_id, level, version_id, unit_id, premises_id, target_key, performer_post, "
                "assignee_id, period_start + %s, period_end + %s, slot, 'open' FROM inspections_assignment "
                "WHERE cycle_id = (SELECT id FROM inspections_inspectioncycle WHERE month = %s) "
                "ON CONFLICT DO NOTHING",
                [cycle_id, shift, shift, current],
            )
            copied = cursor.rowcount
            raw = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    record(
        "cycle",
        f"{created:,} assignments for {month:%Y-%m} in {elapsed:.1f} s",
        f"{raw:.1f} s ({copied:,} rows in one INSERT … SELECT)",
        "",
        {"seconds": elapsed, "created": created},
    )


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def cmd_pdfs(args) -> None:
    from django.db import transaction
    from django.utils import timezone

    from branches.models import Unit
    from reports.choices import ReportKind
    from reports.services import report_generate, report_pdf
    from safetybank.periods import add_months, month_end, month_start

    month = add_months(month_start(timezone.localdate()), -1)
    branches = list(Unit.objects.filter(kind="branch").order_by("pk")[: args.count])
    numbers = render = 0.0
    pages = 0
    start_rss = rss_mib()
    try:
        with transaction.atomic():
            for branch in branches:
                started = time.perf_counter()
                report = report_generate(unit=branch, kind=ReportKind.MONTHLY, start=month, end=month_end(month))
                numbers += time.perf_counter() - started
                started = time.perf_counter()
                pages += len(report_pdf(report=report, language="zh-hans"))
                render += time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    end_rss = rss_mib()
    record(
        "pdfs",
        f"{len(branches)} monthly summaries: numbers {numbers:.1f} s + PDFs {render:.1f} s, "
        f"RSS {start_rss:.0f} → {end_rss:.0f} MiB",
        f"— (no SQL equivalent; {numbers / len(branches) * 1000:,.0f} ms of numbers and "
        f"{render / len(branches) * 1000:,.0f} ms of rendering a report)",
        f"{pages / len(branches) / 1024:.0f} KiB a PDF",
        {"numbers_s": numbers, "render_s": render, "rss": [start_rss, end_rss]},
    )
