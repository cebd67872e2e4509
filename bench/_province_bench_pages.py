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
