"""The provincial bank's inspections: every month's cycle through the project's own ``cycle_open``, then its
inspections, answers and statuses in one ``INSERT ... SELECT`` each, in the server."""

from __future__ import annotations

import datetime

from _province_setup import Clock

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
    from inspections.demo import FINDINGS  # a failed item's note, by line of defence, as in the demo bank
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
