"""The page rows (dashboards, compliance grid, hazard register, home) and the daily check, each beside the raw
SQL that reads or writes the same rows."""

from __future__ import annotations

import datetime
import statistics
import time

from _province_bench_common import Rollback, measure_page, month_bounds, person, record, sql_ms

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
        f"first view (cold cache) {result['cold_queries']:,} queries, {result['cold_ms']:,.0f} ms; "
        f"first view after a change elsewhere {result['changed_ms']:,.0f} ms"
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


def cmd_daily_check(args) -> None:
    import time_machine
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from inspections.choices import AnswerType, Defence

    assignments = _todays_open_checks(args.runs)
    if not assignments:
        raise SystemExit("no before-opening check open today: build the bank today (bench/province.py)")
    opening = assignments[0].premises.opens_at or datetime.time(8, 30)
    moment = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), opening) - datetime.timedelta(minutes=10)
    )
    times, queries, writes, raw = [], [], [], []
    for assignment in assignments:
        officer = assignment.assignee
        client = Client()
        try:
            with transaction.atomic(), time_machine.travel(moment, tick=True):
                client.force_login(officer)  # at the travelled time: a session idle since now would have ended
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.post(reverse("inspections:daily_start", args=[assignment.pk]))
                    inspection = assignment.inspections.get()
                    for defence in Defence.values:
                        client.post(
                            reverse("inspections:daily_group_pass", args=[inspection.pk, defence]),
                            HTTP_HX_REQUEST="true",
                        )
                    for answer in inspection.answers.select_related("item").filter(result="", number=None, text=""):
                        value = {"number": "1"} if answer.item.answer_type == AnswerType.NUMBER else {"text": "正常"}
                        if answer.item.answer_type == AnswerType.PASS_FAIL:
                            value = {"result": "pass"}
                        client.post(reverse("inspections:answer_save", args=[answer.pk]), value, HTTP_HX_REQUEST="true")
                    performed = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
                    response = client.post(
                        reverse("inspections:daily_submit", args=[inspection.pk]), {"performed_at": performed}
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                inspection.refresh_from_db()
                if inspection.submitted_at is None:
                    raise SystemExit(f"the check was not submitted ({response.status_code})")
                answers = list(inspection.answers.values_list("item_id", "result", "number", "text"))
                raise Rollback
        except Rollback:
            pass
        times.append(elapsed)
        queries.append(len(captured.captured_queries))
        writes.append(
            sum(
                1
                for q in captured.captured_queries
                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            )
        )
        raw.append(_raw_check(assignment, officer, answers))
    ratio = statistics.median(times) / statistics.median(raw)
    measured = (
        f"{min(queries)}–{max(queries)} queries, {min(writes)}–{max(writes)} writes, "
        f"{statistics.median(times):.1f} ms (median of {len(times)})"
    )
    record(
        "daily-check",
        measured,
        f"{statistics.median(raw):.1f} ms ({ratio:.1f}×)",
        f"{len(answers)} answers a check",
        {"ms": times, "raw_ms": raw, "queries": queries, "writes": writes},
    )


def _raw_check(assignment, officer, answers) -> float:
    """The same rows written by hand: one inspection, its answers in one statement, the assignment's status."""
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
            cursor.execute(
                insert + f"VALUES {values}",  # noqa: S608 (placeholders only)
                [v for item, result, number, text in answers for v in (pk, item, result, number, text)],
            )
            cursor.execute(
                "UPDATE inspections_assignment SET status = 'done', completed_at = now() WHERE id = %s", [assignment.pk]
            )
            elapsed = (time.perf_counter() - started) * 1000
            raise Rollback
    except Rollback:
        return elapsed
