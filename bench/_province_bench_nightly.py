"""The ``jobs`` row: every periodic task of ``CELERY_BEAT_SCHEDULE`` run once, in-process, on the bank.

Each task is called as a worker would call it (the task object, in this process), at a realistic moment
for its schedule: time travels (``time_machine``) to the crontab's hour and minute on the bank's current
day (the January catch-up of the year-end summaries to 1 January of the next year, for the year just
ended); ``--day`` runs them on another day instead (printed, not recorded). Per task it records the
seconds, the queries (counted with ``connection.execute_wrapper``, not kept), the rows it inserted,
updated and deleted (``pg_stat_xact_user_tables`` of its transaction), the notifications and outbox
messages it produced, its soft time limit and whether it finished within it.

Every task runs in a transaction that is rolled back at the end (``Rollback``), so the bank is the same
for the next task and the next run, and nothing reaches the broker (outbox messages are published after
commit only); only the cache versions a service bumps in Redis (``safetybank.cacheversions``, the
summaries' rebuild) stay bumped, which makes cached pages compute again. A task that commits on its own
connection would spoil the bank: none does today, but run this row on a copy of the bank all the same
(``CREATE DATABASE … TEMPLATE …``): a task added later may.

Beside each task, its raw-SQL baseline in the same run: one ``SELECT count(*)`` over the rows the job
reads (the least any implementation must do), so a job far above it is doing per-row work.
"""

from __future__ import annotations

import datetime
import time

from _province_bench_common import Rollback, record

# What each job reads, as one count: the raw baseline of its row (``today``: the day the job runs on).
BASELINES = {
    "safetybank.outbox_sweep": "SELECT count(*) FROM safetybank_outboxmessage WHERE sent_at IS NULL",
    "inspections.open_cycles": "SELECT count(*) FROM inspections_assignment WHERE cycle_id = "
    "(SELECT max(id) FROM inspections_inspectioncycle)",
    "inspections.mark_overdue": "SELECT count(*) FROM inspections_assignment WHERE status IN ('open', 'overdue') "
    "AND period_end < %(today)s::date",
    "inspections.rebuild_summaries": "SELECT count(*) FROM inspections_assignment WHERE period_start >= "
    "date_trunc('month', %(today)s::date) - interval '1 month'",
    "inspections.acknowledgements_remind": "SELECT count(*) FROM inspections_inspection",
    "inspections.hazards_mark_overdue": "SELECT count(*) FROM inspections_hazard",
    "responsibilities.reconcile_letters": "SELECT count(*) FROM responsibilities_letter",
    "responsibilities.remind_unsigned": "SELECT count(*) FROM responsibilities_letter",
    "responsibilities.roster_gaps": "SELECT count(*) FROM branches_unit",
    "responsibilities.agreements_expiring": "SELECT count(*) FROM branches_unit",
    "facilities.remind_tests": "SELECT count(*) FROM facilities_facility",
    "drills.remind_upcoming": "SELECT count(*) FROM drills_drill",
    "drills.remind_rules": "SELECT count(*) FROM drills_drill",
    "reports.generate_month": "SELECT count(*) FROM inspections_assignment WHERE period_start >= "
    "date_trunc('month', %(today)s::date) - interval '1 month' AND period_start < date_trunc('month', %(today)s::date)",
    "reports.generate_year": "SELECT count(*) FROM inspections_assignment WHERE period_start >= "
    "date_trunc('year', %(today)s::date) - interval '1 year' AND period_start < date_trunc('year', %(today)s::date)",
    "core.sweep_jobs": "SELECT count(*) FROM core_generateddocument",
    "core.channels_retry": "SELECT count(*) FROM core_channeldelivery",
    "core.prune_audit_history": "SELECT count(*) FROM branches_historicaluser",
}

WRITES_SQL = (
    "SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0), coalesce(sum(n_tup_del), 0) "
    "FROM pg_stat_xact_user_tables"
)


def moment(schedule, today: datetime.date, tz) -> datetime.datetime:
    """When beat would run ``schedule`` on ``today`` (an interval runs now)."""
    from celery.schedules import crontab

    if not isinstance(schedule, crontab):
        return datetime.datetime.now(tz)
    day = today
    if len(schedule.month_of_year) < 12 and today.month not in schedule.month_of_year:
        # The January catch-up of the year just ended: the first day it runs after today.
        day = datetime.date(today.year + 1, min(schedule.month_of_year), min(schedule.day_of_month))
    hour = min(schedule.hour)
    minute = min(schedule.minute) if len(schedule.minute) < 60 else 0
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run_one(name: str, entry: dict, today: datetime.date, tz) -> dict:
    import time_machine
    from django.conf import settings
    from django.db import connection, transaction

    from core.models import Notification
    from safetybank.celery import app
    from safetybank.models import OutboxMessage

    task = app.tasks[entry["task"]]
    limit = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    when = moment(entry["schedule"], today, tz)
    counter = QueryCounter()
    result = error = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(WRITES_SQL)
                writes_before = cursor.fetchone()
            notifications, messages = Notification.objects.count(), OutboxMessage.objects.count()
            with time_machine.travel(when, tick=True), connection.execute_wrapper(counter):
                started = time.perf_counter()
                try:
                    result = task()
                except Exception as exc:  # recorded, and the next task runs
                    error = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
            if error is None:
                notifications = Notification.objects.count() - notifications
                messages = OutboxMessage.objects.count() - messages
                with connection.cursor() as cursor:
                    cursor.execute(WRITES_SQL)
                    writes = [int(a - b) for a, b in zip(cursor.fetchone(), writes_before, strict=True)]
            raise Rollback
    except Rollback:
        pass
    baseline_sql = BASELINES.get(entry["task"])
    raw_ms = None
    if baseline_sql:
        raw_ms = _sql_ms(baseline_sql, when.date())
    row = {
        "task": entry["task"],
        "at": when.isoformat(timespec="minutes"),
        "seconds": round(elapsed, 2),
        "queries": counter.count,
        "limit": limit,
        "within": error is None and elapsed <= limit,
        "raw_ms": None if raw_ms is None else round(raw_ms, 1),
    }
    if error:
        row["error"] = error[:300]
    else:
        row.update(
            {
                "result": _short(result),
                "notifications": notifications,
                "outbox": messages,
                "inserted": writes[0],
                "updated": writes[1],
                "deleted": writes[2],
            }
        )
    return row


def _sql_ms(sql: str, today: datetime.date) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, {"today": today})
        cursor.fetchall()
        return (time.perf_counter() - started) * 1000


def _short(value):
    if isinstance(value, list | tuple) and len(value) > 5:
        return f"{len(value)} items, sum {sum(v for v in value if isinstance(v, int))}"
    return value if isinstance(value, int | float | str | type(None)) else str(value)[:120]


def cmd_jobs(args) -> None:
    from django.conf import settings
    from django.utils import timezone

    from safetybank.celery import app

    app.loader.import_default_modules()
    tz = timezone.get_current_timezone()
    today = datetime.date.fromisoformat(args.day) if args.day else timezone.localdate()
    only = set(filter(None, (args.tasks or "").split(",")))
    rows = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        if only and name not in only and entry["task"] not in only:
            continue
        row = run_one(name, entry, today, tz)
        rows.append({"name": name, **row})
        produced = (
            row.get("error")
            or f"→ {row['result']}, {row['notifications']:,} notifications, {row['outbox']:,} outbox, "
            f"+{row['inserted']:,}/~{row['updated']:,}/-{row['deleted']:,} rows"
        )
        print(
            f"  {name:40} {row['seconds']:8.2f} s {row['queries']:7,} q  limit {row['limit']} s "
            f"{'ok' if row['within'] else 'OVER'}  raw {row['raw_ms']} ms  {produced}",
            flush=True,
        )
    if only or args.day:
        return  # a partial run, or another day than the bank's, is printed, not recorded
    over = [row["name"] for row in rows if not row["within"]]
    slowest = max(rows, key=lambda row: row["seconds"])
    total = sum(row["seconds"] for row in rows)
    record(
        "jobs",
        f"{len(rows)} periodic tasks in {total:,.0f} s, {sum(row['queries'] for row in rows):,} queries; "
        f"slowest {slowest['name']} {slowest['seconds']:.1f} s; "
        + (f"over their limit: {', '.join(over)}" if over else "every one within its soft limit"),
        f"{sum(row['raw_ms'] or 0 for row in rows) / 1000:.1f} s (one count(*) over what each job reads)",
        "each task at its scheduled hour on the bank's day (the year-end one on 1 January), rolled back after its run",
        {"tasks": rows},
    )
