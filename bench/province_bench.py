"""Re-measure issue 19's table on the provincial bank built by ``bench/province.py``.

Each subcommand measures one row, prints one result line, and records it (with a raw-SQL baseline
measured in the same run) in ``var/province-bench.json``; ``write`` turns the recorded rows into
the marked section of ``docs/benchmarks.md``; ``all`` runs every row and then writes.

    .venv/bin/python bench/province_bench.py all                 # every row, then docs/benchmarks.md
    .venv/bin/python bench/province_bench.py ho-dashboard --runs 5
    .venv/bin/python bench/province_bench.py write               # rewrite the table from the recorded rows

Pages are measured in-process with Django's test ``Client`` (``DEBUG=0``; queries counted with
``CaptureQueriesContext``); the mixed load runs gunicorn (2 workers, ``DEBUG=0``) on port 8813 and
drives it from Python threads with ``requests``. Everything that writes runs in a transaction that
is rolled back, so the bank is the same for the next run. Rows (``--db``, default ``sb_province``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "var" / "province-bench.json"
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- province-bench:begin -->", "<!-- province-bench:end -->"
SECRET = "bench-only-secret-key-" + "x" * 40
PORT = 8813
ROWS = [
    ("ho-dashboard", "head-office dashboard", "p95 ≤ 300 ms"),
    ("branch-dashboard", "branch dashboard", "p95 ≤ 100 ms"),
    ("grid", "head-office compliance grid", "≤ 300 ms"),
    ("hazards", "head-office hazard register", "≤ 300 ms"),
    ("home", "head-office home (my tasks)", "≤ 200 ms"),
    ("daily-check", "one daily check, start → taps → submit", "≤ 1.5× raw SQL"),
    ("mixed", "14 officers + 6 dashboard viewers, 60 s", "dashboards never starve the counter"),
    ("overdue", "nightly overdue job", "bounded, ≤ 60 s"),
    ("cycle", "opening a month's cycle", "≤ 10 s"),
    ("pdfs", "100 branch PDFs in one worker", "≤ 3 min, growth ≤ 100 MB"),
]


def environment(db: str, host: str) -> dict[str, str]:
    return {
        "DATABASE_URL": f"postgres://postgres@{host}:5432/{db}",
        "DJANGO_SETTINGS_MODULE": "safetybank.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "ALLOW_INSECURE_HTTP": "1",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
    }


def setup(db: str, host: str) -> None:
    os.environ.update(environment(db, host))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG=0 serves from the manifest
        call_command("collectstatic", "--noinput", verbosity=0)


def record(key: str, measured: str, baseline: str, note: str = "", data: dict | None = None) -> None:
    from django.db import connection

    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM branches_premises")
        premises = cursor.fetchone()[0]
    git = ["git", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, cwd=ROOT, capture_output=True, text=True).stdout  # noqa: S603, S607
    results[key] = {
        "measured": measured,
        "baseline": baseline,
        "note": note,
        "premises": premises,
        "commit": commit.strip(),
        "at": datetime.datetime.now().isoformat(timespec="minutes"),
        "data": data or {},
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print(f"{key}: {measured} | raw SQL: {baseline}" + (f" | {note}" if note else ""), flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sql_ms(sql: str, params=None, runs: int = 3) -> float:
    """Median time of a raw query (all rows fetched), in ms."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            started = time.perf_counter()
            cursor.execute(sql, params or [])
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def person(username: str):
    from branches.models import User

    return User.objects.get(username=username)


def measure_page(username: str, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from safetybank import cacheversions

    client = Client()
    client.force_login(person(username))
    # The first view computes what the page caches (per scope and month, bumped by summary updates): its
    # time is the cold cost, recorded beside the warm runs a working server mostly answers. Everything
    # cached is invalidated first, as after any saved record (an earlier run's pages stay in Redis).
    cacheversions.bump(cacheversions.DATA)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(url)
        cold_ms, cold_queries = (time.perf_counter() - started) * 1000, len(captured.captured_queries)
    times, queries, size, status = [], 0, 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries, size, status = len(captured.captured_queries), len(response.content), response.status_code
    if status != 200:
        raise SystemExit(f"{url} as {username} answered {status}")
    return {
        "p50": pct(times, 50),
        "p95": pct(times, 95),
        "queries": queries,
        "bytes": size,
        "runs": runs,
        "cold_ms": cold_ms,
        "cold_queries": cold_queries,
    }


def month_bounds():
    from django.utils import timezone

    today = timezone.localdate()
    first = today.replace(day=1)
    return today, first


# --------------------------------------------------------------------------- page rows

COVERAGE_SQL = """
SELECT a.premises_id, a.level, count(*) FILTER (WHERE a.status IN ('done', 'late')), count(*)
FROM inspections_assignment a JOIN branches_unit u ON u.id = a.unit_id
WHERE a.period_start >= %s AND a.period_start <= %s AND u.path LIKE %s
GROUP BY a.premises_id, a.level
"""
HAZARD_COUNT_SQL = """
SELECT h.status, h.grade, count(*) FROM inspections_hazard h JOIN branches_unit u ON u.id = h.unit_id
WHERE u.path LIKE %s AND h.status <> 'closed' GROUP BY h.status, h.grade
"""


def dashboard_baseline(path: str) -> float:
    """The numbers a dashboard of ``path``'s subtree shows, read by hand: this month's coverage by premises
    and level, and the open hidden dangers by state."""
    today, first = month_bounds()
    return sql_ms(COVERAGE_SQL, [first, today, path + "%"]) + sql_ms(HAZARD_COUNT_SQL, [path + "%"])


def page_row(key: str, username: str, url: str, baseline_ms: float, runs: int, extra: str = "") -> None:
    result = measure_page(username, url, runs)
    size = f", {result['bytes'] / 1e6:.2f} MB of HTML" if key == "grid" else ""
    measured = (
        f"{result['queries']:,} queries, {result['p50']:,.0f} / {result['p95']:,.0f} ms p50 / p95 ({runs} runs){size}; "
        f"first view (cold cache) {result['cold_queries']:,} queries, {result['cold_ms']:,.0f} ms"
    )
    record(key, measured, f"{baseline_ms:,.1f} ms", extra, result)


def cmd_ho_dashboard(args) -> None:
    from django.urls import reverse

    page_row("ho-dashboard", "headoffice", reverse("dashboards:dashboard"), dashboard_baseline("/1/"), args.runs)


def cmd_branch_dashboard(args) -> None:
    from django.urls import reverse

    branch = person("president").unit
    page_row(
        "branch-dashboard",
        "president",
        reverse("dashboards:dashboard"),
        dashboard_baseline(branch.path),
        args.runs,
        f"branch {branch.code}, {branch.descendants().count()} units",
    )


def cmd_grid(args) -> None:
    from django.urls import reverse

    today, first = month_bounds()
    baseline = sql_ms(COVERAGE_SQL, [first, today, "/%"])
    page_row("grid", "headoffice", reverse("inspections:compliance"), baseline, args.runs)


def cmd_hazards(args) -> None:
    from django.urls import reverse

    baseline = sql_ms(
        "SELECT h.*, p.name FROM inspections_hazard h JOIN branches_premises p ON p.id = h.premises_id "
        "WHERE h.status <> 'closed' ORDER BY h.found_at DESC LIMIT 50"
    ) + sql_ms("SELECT count(*) FROM inspections_hazard WHERE status <> 'closed'")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM branches_premises), (SELECT count(*) FROM branches_user)")
        premises, staff = cursor.fetchone()
    url = reverse("inspections:hazard_list")
    result = measure_page("headoffice", url, args.runs)
    from django.test import Client

    client = Client()
    client.force_login(person("headoffice"))
    options = client.get(url).content.decode().count("<option")
    measured = (
        f"{result['queries']:,} queries, {result['p50']:,.0f} / {result['p95']:,.0f} ms p50 / p95 "
        f"({args.runs} runs), {options:,} `<option>`s"
    )
    record(
        "hazards",
        measured,
        f"{baseline:,.1f} ms (first page of 50)",
        f"{premises:,} premises, {staff:,} staff",
        result | {"options": options},
    )


def cmd_home(args) -> None:
    from django.urls import reverse

    user = person("headoffice")
    baseline = sql_ms(
        "SELECT * FROM inspections_assignment WHERE assignee_id = %s AND status IN ('open', 'overdue') "
        "ORDER BY period_end LIMIT 20",
        [user.pk],
    ) + sql_ms("SELECT * FROM core_notification WHERE user_id = %s ORDER BY created_at DESC LIMIT 10", [user.pk])
    page_row("home", "headoffice", reverse("home"), baseline, args.runs)


# --------------------------------------------------------------------------- the daily check


def _todays_open_checks(count: int):
    from django.utils import timezone

    from inspections.models import Assignment

    today = timezone.localdate()
    return list(
        Assignment.objects.filter(
            rule__code="L4-OPEN",
            period_start=today,
            inspections__isnull=True,
            assignee__isnull=False,
            premises__kind="outlet",
        )
        .select_related("assignee", "version", "premises")
        .order_by("premises__code")[:count]
    )


class Rollback(Exception):
    pass


def cmd_daily_check(args) -> None:
    """One before-opening check, start → "all fine" taps → the remaining items → submit, three ways on
    the same assignment, each rolled back: the phone's requests through the test client (the whole
    stack: session, user, scope, post check, template), the services those views call (no HTTP), and
    the same rows written by hand in SQL (``_raw_check``). Only the requests (or the service calls) are
    timed and counted, not the bench's own look-ups between them."""
    import time_machine
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from inspections.choices import AnswerType, Defence
    from inspections.daily.services import daily_check_submit, group_pass_answers
    from inspections.services import answer_save, inspection_start

    assignments = _todays_open_checks(args.runs)
    if not assignments:
        raise SystemExit("no before-opening check open today: build the bank today (bench/province.py)")
    opening = assignments[0].premises.opens_at or datetime.time(8, 30)
    moment = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), opening) - datetime.timedelta(minutes=10)
    )

    def value(answer) -> dict:
        """What the officer gives for an item the taps left: a pass, a number or a word."""
        if answer.item.answer_type == AnswerType.PASS_FAIL:
            return {"result": "pass"}
        return {"number": "1"} if answer.item.answer_type == AnswerType.NUMBER else {"text": "正常"}

    def unanswered(inspection):
        return list(inspection.answers.select_related("item", "inspection").filter(result="", number=None, text=""))

    def is_write(sql: str) -> bool:
        return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))

    class Measured:
        """Time and queries of the steps measured, summed; each step's query count kept."""

        def __init__(self):
            self.ms, self.steps, self.writes = 0.0, [], 0

        def __call__(self, step):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = step()
                self.ms += (time.perf_counter() - started) * 1000
            self.steps.append(len(captured.captured_queries))
            self.writes += sum(1 for q in captured.captured_queries if is_write(q["sql"]))
            return result

    # One client for every check, its middleware loaded before anything is timed: a server loads it once
    # per process (WhiteNoise alone lists every static file), a new Client on its first request.
    client = Client()
    client.get(reverse("login"))

    def over_http(assignment, officer) -> tuple[Measured, list]:
        measured = Measured()
        with transaction.atomic(), time_machine.travel(moment, tick=True):
            client.force_login(officer)  # at the travelled time: a session idle since now would have ended
            response = measured(lambda: client.post(reverse("inspections:daily_start", args=[assignment.pk])))
            inspection = assignment.inspections.get()
            for defence in Defence.values:
                tap = reverse("inspections:daily_group_pass", args=[inspection.pk, defence])
                measured(lambda tap=tap: client.post(tap, HTTP_HX_REQUEST="true"))
            for answer in unanswered(inspection):
                url = reverse("inspections:answer_save", args=[answer.pk])
                measured(lambda url=url, answer=answer: client.post(url, value(answer), HTTP_HX_REQUEST="true"))
            performed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
            submit = reverse("inspections:daily_submit", args=[inspection.pk])
            response = measured(lambda: client.post(submit, {"performed_at": performed}))
            inspection.refresh_from_db()
            if inspection.submitted_at is None:
                raise SystemExit(f"the check was not submitted ({response.status_code})")
            answers = list(inspection.answers.values_list("item_id", "result", "number", "text"))
            transaction.set_rollback(True)
        return measured, answers

    def by_services(assignment, officer) -> Measured:
        measured = Measured()
        with transaction.atomic(), time_machine.travel(moment, tick=True):
            inspection = measured(lambda: inspection_start(assignment=assignment, by=officer))
            for defence in Defence.values:
                measured(lambda d=defence: group_pass_answers(inspection=inspection, defence=d, by=officer))
            for answer in unanswered(inspection):
                measured(lambda answer=answer: answer_save(answer=answer, by=officer, **value(answer)))
            measured(lambda: daily_check_submit(inspection=inspection, by=officer, performed_at=timezone.now()))
            if not inspection.is_submitted:
                raise SystemExit("the check was not submitted by the services")
            transaction.set_rollback(True)
        return measured

    http, services, raw, raw_every_row = [], [], [], []
    for assignment in assignments:
        officer = assignment.assignee
        flow, answers = over_http(assignment, officer)
        http.append(flow)
        services.append(by_services(assignment, officer))
        raw.append(_raw_check(assignment, officer, answers))
        raw_every_row.append(_raw_check(assignment, officer, answers, every_row=True))
    median = statistics.median
    raw_ms, every_row_ms = median(raw), median(raw_every_row)
    http_ms, services_ms = median([m.ms for m in http]), median([m.ms for m in services])
    queries, writes = [sum(m.steps) for m in http], [m.writes for m in http]
    service_queries = [sum(m.steps) for m in services]
    measured = (
        f"{len(http[0].steps)} requests: {min(queries)}–{max(queries)} queries, {min(writes)}–{max(writes)} writes, "
        f"{http_ms:.1f} ms; the services they call: {min(service_queries)}–{max(service_queries)} queries, "
        f"{services_ms:.1f} ms (medians of {len(http)})"
    )
    record(
        "daily-check",
        measured,
        f"{raw_ms:.1f} ms (requests {http_ms / raw_ms:.1f}×, services {services_ms / raw_ms:.1f}×); every row "
        f"the flow writes (audit trail, summary, notice): {every_row_ms:.1f} ms "
        f"(services {services_ms / every_row_ms:.1f}×)",
        f"{len(answers)} answers a check",
        {
            "ms": [m.ms for m in http],
            "raw_ms": raw,
            "raw_every_row_ms": raw_every_row,
            "queries": queries,
            "writes": writes,
            "queries_per_request": [m.steps for m in http],
            "services_ms": [m.ms for m in services],
            "services_queries": service_queries,
            "services_writes": [m.writes for m in services],
            "queries_per_service_call": [m.steps for m in services],
        },
    )


def _raw_check(assignment, officer, answers, *, every_row: bool = False) -> float:
    """The same rows written by hand: one inspection, its answers in one statement, the assignment's status.

    ``every_row``: every row the check's flow writes instead, each kind in one statement: the submitted
    inspection and its answers, their audit trails as the product keeps them (created, then submitted or
    answered: two rows each), the premises-month summary's unsigned count, and the co-signer's notice
    with its e-mail queued; the assignment stays open (a before-opening check waits for its co-sign)."""
    from django.db import connection, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(
                "INSERT INTO inspections_inspection (assignment_id, level, version_id, unit_id, premises_id, "
                "inspector_id, unannounced, status, started_at, submitted_at, summary, correction_reason, "
                "performed_at, seconds_spent, too_fast) VALUES (%s, 'L4', %s, %s, %s, %s, false, 'submitted', "
                "now(), now(), '', '', now(), 300, false) RETURNING id",
                [assignment.pk, assignment.version_id, assignment.unit_id, assignment.premises_id, officer.pk],
            )
            pk = cursor.fetchone()[0]
            values = ",".join(["(%s, %s, %s, %s, %s, '', now())"] * len(answers))
            insert = "INSERT INTO inspections_answer (inspection_id, item_id, result, number, text, note, answered_at) "
            rows = [v for item, result, number, text in answers for v in (pk, item, result, number, text)]
            if not every_row:
                cursor.execute(insert + f"VALUES {values}", rows)  # noqa: S608 (placeholders only)
                cursor.execute(
                    "UPDATE inspections_assignment SET status = 'done', completed_at = now() WHERE id = %s",
                    [assignment.pk],
                )
            else:
                trail = "(VALUES ('+', 'inspection.start'), ('~', %s)) AS h (kind, reason)"
                cursor.execute(
                    f"WITH a AS ({insert} VALUES {values} RETURNING *) "  # noqa: S608 (placeholders only)
                    "INSERT INTO inspections_historicalanswer (id, ip_address, request_path, result, number, text, "
                    "note, answered_at, history_date, history_change_reason, history_type, history_user_id, "
                    "inspection_id, item_id) SELECT a.id, '127.0.0.1', '/', a.result, a.number, a.text, a.note, "
                    f"a.answered_at, now(), h.reason, h.kind, %s, a.inspection_id, a.item_id FROM a, {trail}",
                    [*rows, officer.pk, "inspection.answer"],
                )
                cursor.execute(
                    "INSERT INTO inspections_historicalinspection (id, ip_address, request_path, level, unannounced, "  # noqa: S608 (placeholders only)
                    "status, started_at, submitted_at, summary, correction_reason, history_date, "
                    "history_change_reason, history_type, assignment_id, history_user_id, inspector_id, premises_id, "
                    "unit_id, version_id, performed_at, seconds_spent, too_fast) SELECT i.id, '127.0.0.1', '/', "
                    "i.level, i.unannounced, i.status, i.started_at, i.submitted_at, i.summary, i.correction_reason, "
                    "now(), h.reason, h.kind, i.assignment_id, %s, i.inspector_id, i.premises_id, i.unit_id, "
                    f"i.version_id, i.performed_at, i.seconds_spent, i.too_fast FROM inspections_inspection i, {trail} "
                    "WHERE i.id = %s",
                    [officer.pk, "inspection.submit", pk],
                )
                cursor.execute(
                    "UPDATE inspections_dailysummary SET unsigned_checks = unsigned_checks + 1 "
                    "WHERE premises_id = %s AND month = date_trunc('month', %s::date)",
                    [assignment.premises_id, assignment.period_start],
                )
                cursor.execute(
                    "WITH n AS (INSERT INTO core_notification (user_id, kind, content_type_id, object_id, dedupe_key, "
                    "local_date, title, body, message, url, created_at) SELECT u.id, 'daily_cosign', "
                    "(SELECT id FROM django_content_type WHERE app_label = 'inspections' AND model = 'inspection'), "
                    "%s, 'daily_cosign:' || %s, current_date, '', '', '{}', '', now() FROM branches_user u "
                    "WHERE u.home_premises_id = %s AND u.post = 'outlet_head' AND u.is_active RETURNING id) "
                    "INSERT INTO safetybank_outboxmessage (task, args, kwargs, created_at, attempts, last_error) "
                    "SELECT 'core.tasks.send_notification_email', jsonb_build_array(n.id), '{}', now(), 0, '' FROM n",
                    [pk, pk, assignment.premises_id],
                )
            elapsed = (time.perf_counter() - started) * 1000
            raise Rollback
    except Rollback:
        return elapsed


# --------------------------------------------------------------------------- jobs


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
            cursor.execute(
                "UPDATE inspections_assignment SET status = 'overdue', notified_overdue_on = %s "
                "WHERE status IN ('open', 'overdue') AND period_end < %s",
                [today, today],
            )
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
            cursor.execute(
                "UPDATE inspections_assignment SET status = 'overdue', notified_overdue_on = %s "
                "WHERE status IN ('open', 'overdue') AND period_end < %s",
                [today, today],
            )
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


# --------------------------------------------------------------------------- the mixed load


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def cmd_mixed(args) -> None:
    import requests
    from django.utils import timezone

    from branches.models import User

    officers = list(User.objects.filter(username__startswith="officer").order_by("username")[: args.officers])
    viewers = list(
        User.objects.filter(post__in=["president", "security_department", "head_office_security"]).order_by("pk")[
            : args.viewers
        ]
    )
    base = f"http://127.0.0.1:{args.port}"
    env = dict(os.environ, **environment(args.db, args.host))
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn)
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "safetybank.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(120):
            try:
                requests.get(f"{base}/healthz", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.5)
        cookies = {u.pk: session_cookie(u) for u in officers + viewers}
        _load(base, cookies, officers[:2], viewers[:2], 1)  # warm-up: both workers compile their templates
        alone = _load(base, cookies, officers, [], args.seconds // 2)
        mixed = _load(base, cookies, officers, viewers, args.seconds)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    measured = (
        f"{mixed['rate']:.1f} req/s; officers' “today” page p50 {mixed['officer_p50']:,.0f} ms "
        f"({mixed['officer_pages']} pages), dashboards p50 {mixed['viewer_p50']:,.0f} ms "
        f"({mixed['viewer_pages']}), {mixed['errors']} errors"
    )
    baseline = (
        f"officers alone ({args.seconds // 2} s): p50 {alone['officer_p50']:,.0f} ms, {alone['officer_pages']} pages"
    )
    record(
        "mixed",
        measured,
        baseline,
        f"{len(officers)} officers (a page every 0.5 s), {len(viewers)} viewers, {args.seconds} s, "
        f"gunicorn 2 workers DEBUG=0 (load average {os.getloadavg()[0]:.1f})",
        {"mixed": mixed, "alone": alone, "at": timezone.now().isoformat()},
    )


def _load(base: str, cookies: dict, officers: list, viewers: list, seconds: int) -> dict:
    """Officers open their "today" page every half second; viewers reload the dashboard back to back."""
    import requests
    from django.urls import reverse

    today_url = reverse("inspections:today")
    dashboard_url = reverse("dashboards:dashboard")
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    officer_times, viewer_times, errors = [], [], []

    def loop(user, url, times, pause):
        session = requests.Session()
        session.cookies.set("sessionid", cookies[user.pk])
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = session.get(base + url, timeout=120).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (times if ok else errors).append(time.perf_counter() - started)
            time.sleep(pause)

    threads = [threading.Thread(target=loop, args=(u, today_url, officer_times, 0.5)) for u in officers]
    threads += [threading.Thread(target=loop, args=(u, dashboard_url, viewer_times, 0)) for u in viewers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "rate": (len(officer_times) + len(viewer_times)) / wall,
        "officer_p50": pct(officer_times, 50) * 1000 if officer_times else float("nan"),
        "officer_pages": len(officer_times),
        "viewer_p50": pct(viewer_times, 50) * 1000 if viewer_times else float("nan"),
        "viewer_pages": len(viewer_times),
        "errors": len(errors),
    }


# --------------------------------------------------------------------------- the table


def cmd_write(args) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    lines = [
        BEGIN,
        "",
        "Provincial bank (issue 19), PostgreSQL 15, 2 cores, 24 GiB, shared with other work "
        "(`bench/province.py` then `bench/province_bench.py all`):",
        "",
        "| page or job | measured | raw-SQL baseline, same run | target | commit, premises, when (Asia/Shanghai) |",
        "|---|---|---|---|---|",
    ]
    for key, label, target in ROWS:
        row = results.get(key)
        if row is None:
            lines.append(f"| {label} | not measured | | {target} | |")
            continue
        note = f" ({row['note']})" if row["note"] else ""
        lines.append(
            f"| {label} | {row['measured']}{note} | {row['baseline']} | {target} | "
            f"`{row['commit']}`, {row['premises']:,}, {row['at']} |"
        )
    lines += ["", END]
    text = DOC.read_text()
    block = "\n".join(lines)
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text)
    print(f"wrote {len(results)} rows into {DOC.relative_to(ROOT)}")


COMMANDS = {
    "ho-dashboard": cmd_ho_dashboard,
    "branch-dashboard": cmd_branch_dashboard,
    "grid": cmd_grid,
    "hazards": cmd_hazards,
    "home": cmd_home,
    "daily-check": cmd_daily_check,
    "mixed": cmd_mixed,
    "overdue": cmd_overdue,
    "cycle": cmd_cycle,
    "pdfs": cmd_pdfs,
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=[*COMMANDS, "all", "write"])
    parser.add_argument("--db", default="sb_province")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--runs", type=int, default=5, help="page requests (or daily checks) per row")
    parser.add_argument("--count", type=int, default=100, help="branch PDFs")
    parser.add_argument("--officers", type=int, default=14)
    parser.add_argument("--viewers", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--sample", type=int, default=0, help="overdue job: run on this many, extrapolate (0: all)")
    parser.add_argument("--skip", default="", help="comma-separated rows to leave out of all")
    args = parser.parse_args(argv)
    if args.command == "write":
        cmd_write(args)
        return
    setup(args.db, args.host)
    if args.command == "all":
        skipped = set(filter(None, args.skip.split(",")))
        for key, command in COMMANDS.items():
            if key not in skipped:
                command(args)
        cmd_write(args)
    else:
        COMMANDS[args.command](args)


if __name__ == "__main__":
    main()
