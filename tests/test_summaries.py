"""The dashboards' summary tables: kept by the services in the transaction that changes the counts,
they equal a recount from the raw rows (the raw selectors and a full rebuild) after a realistic day's work,
and the 12-month trend costs the same number of queries however large the bank."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.choices import Level
from inspections.cycles import cycle_open
from inspections.daily.selectors import daily_coverage, summary_daily_coverage
from inspections.daily.services import daily_check_cosign, daily_check_submit
from inspections.models import Assignment
from inspections.overdue import assignments_mark_overdue
from inspections.selectors import compliance_counts, summary_compliance_counts
from inspections.services import (
    inspection_start,
    inspection_submit,
    standard_content_install,
)
from inspections.summaries import rebuild_month
from inspections.summary_models import ComplianceSummary, DailySummary
from tests.inspection_helpers import answer_all

pytestmark = pytest.mark.django_db
D = datetime.date
DECEMBER = D(2026, 12, 1)


def at(text):
    return datetime.datetime.fromisoformat(text)


@pytest.fixture
def daily(org):
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    cycle_open(month=DECEMBER)
    return org


def _daily_check(org, code, day, stated, time_machine, *, cosign=True):
    assignment = Assignment.objects.get(rule__code=code, premises=org.outlet_a, period_start=day)
    time_machine.move_to(at(stated) - datetime.timedelta(minutes=5))
    inspection = inspection_start(assignment=assignment, by=org.officer)
    answer_all(inspection, org.officer)
    time_machine.move_to(at(stated))
    daily_check_submit(inspection=inspection, by=org.officer, performed_at=at(stated))
    if cosign:
        daily_check_cosign(inspection=inspection, by=org.outlethead)


def _table(model):
    fields = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
    return sorted(tuple(str(v) for v in row) for row in model.objects.values_list(*fields))


def test_summaries_kept_by_the_services_equal_a_recount_from_raw_rows(daily, time_machine):
    org = daily
    _daily_check(org, "L4-OPEN", D(2026, 12, 1), "2026-12-01T08:10:00+08:00", time_machine)
    _daily_check(org, "L4-CLOSE", D(2026, 12, 1), "2026-12-01T17:20:00+08:00", time_machine, cosign=False)
    _daily_check(org, "L4-OPEN", D(2026, 12, 2), "2026-12-02T08:45:00+08:00", time_machine)  # late
    _daily_check(org, "L4-CLOSE", D(2026, 12, 2), "2026-12-02T17:20:00+08:00", time_machine)
    other = (
        Assignment.objects.filter(cycle__month=DECEMBER, assignee__isnull=False, period_start__lte=D(2026, 12, 3))
        .exclude(level=Level.L4_PREMISES)
        .order_by("period_start", "pk")
        .first()
    )
    time_machine.move_to(at("2026-12-03T10:00:00+08:00"))
    inspection = inspection_start(assignment=other, by=other.assignee, premises=org.outlet_a)
    answer_all(inspection, other.assignee)
    inspection_submit(inspection=inspection, by=other.assignee)
    time_machine.move_to(at("2026-12-05T00:20:00+08:00"))
    assert assignments_mark_overdue(today=D(2026, 12, 5)) > 0

    # The selectors on the summaries answer what the raw selectors answer, for every reader and day.
    for today in (D(2026, 12, 3), D(2026, 12, 5), D(2026, 12, 20), D(2027, 1, 20)):
        for user in (org.headoffice, org.president, org.security, org.outlethead, org.outsider):
            raw = compliance_counts(user=user, month=DECEMBER, today=today)
            assert dict(summary_compliance_counts(user=user, month=DECEMBER, today=today)) == dict(raw), (today, user)
            for unit in (None, org.branch1, org.sub1):
                expected = daily_coverage(user=user, start=DECEMBER, end=D(2026, 12, 31), unit=unit, today=today)
                got = summary_daily_coverage(user=user, months=[DECEMBER], unit=unit, today=today)[DECEMBER]
                assert got == expected, (today, user, unit)
    coverage = summary_daily_coverage(user=org.headoffice, months=[DECEMBER], unit=org.branch1, today=D(2026, 12, 5))
    assert (coverage[DECEMBER].covered_days, coverage[DECEMBER].late_checks) == (1, 1)
    assert coverage[DECEMBER].unsigned_checks == 1 and coverage[DECEMBER].missed_checks > 0

    # What the services kept is exactly what a rebuild from the raw rows writes.
    kept = _table(ComplianceSummary), _table(DailySummary)
    rebuild_month(DECEMBER)
    assert (_table(ComplianceSummary), _table(DailySummary)) == kept
    assert kept[0] and kept[1]


def test_a_cycle_just_opened_has_the_summaries_a_recount_from_raw_rows_gives(daily):
    org = daily
    org.outlet_a2.open_24h = True  # patrolled every day, three times
    org.outlet_a2.save()
    opened = _table(ComplianceSummary), _table(DailySummary)
    rebuild_month(DECEMBER)
    assert (_table(ComplianceSummary), _table(DailySummary)) == opened

    cycle_open(month=D(2027, 1, 1))  # counted from what it wrote, not read back
    january = _table(ComplianceSummary), _table(DailySummary)
    rebuild_month(D(2027, 1, 1))
    assert (_table(ComplianceSummary), _table(DailySummary)) == january
    assert len(january[0]) > len(opened[0]) and len(january[1]) > len(opened[1])
    unassigned = ComplianceSummary.objects.filter(month=D(2027, 1, 1), unassigned__gt=0)
    assert unassigned.exists()  # branch 2 has no president: its sub-branch's checks show as nobody's


def _trend_queries(user, unit, today):
    from dashboards.selectors import Tree, trend

    tree = Tree.of(user=user, unit=unit)
    with CaptureQueriesContext(connection) as queries:
        points = trend(user=user, unit=unit, tree=tree, month=DECEMBER, today=today)
    return len(queries), points


def _grow(org, branches: int, subs: int, outlets: int) -> None:
    """A realistic tree: many branches, each with several sub-branches of a few outlets (not one wide sub-branch)."""
    from branches.choices import UnitKind
    from tests.factories import PremisesFactory, UnitFactory

    for b in range(branches):
        branch = UnitFactory(code=f"GB{b}", kind=UnitKind.BRANCH, parent=org.head_office)
        for s in range(subs):
            sub = UnitFactory(code=f"GB{b}S{s}", kind=UnitKind.SUB_BRANCH, parent=branch)
            for p in range(outlets):
                PremisesFactory(code=f"GB{b}S{s}P{p}", unit=sub)


def test_the_twelve_month_trend_costs_the_same_queries_in_a_large_bank(org, time_machine):
    time_machine.move_to(at("2026-12-10T10:00:00+08:00"))
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    for month in (D(2026, 10, 1), D(2026, 11, 1), DECEMBER):
        cycle_open(month=month)
    small, small_points = _trend_queries(org.headoffice, org.head_office, D(2026, 12, 10))
    _grow(org, branches=6, subs=4, outlets=3)
    for month in (D(2026, 10, 1), D(2026, 11, 1), DECEMBER):
        cycle_open(month=month)
    large, large_points = _trend_queries(org.headoffice, org.head_office, D(2026, 12, 10))
    assert large == small
    assert large_points[-1].required > small_points[-1].required > 0
    assert large_points[-1].daily_rate == 0.0 and large_points[0].daily_rate is None


def test_a_cached_dashboard_is_served_while_the_background_computes_the_change(
    daily, client, time_machine, django_capture_on_commit_callbacks
):
    """After a change, the next view answers at once with the last page, marked as being updated, and
    schedules its refresh (a Celery task, run here in-process after the request); the view after that
    shows the change. One refresh at a time per page: a second stale view within REFRESH_EVERY does not
    schedule another."""
    from django.urls import reverse

    from inspections.hazards.services import hazard_raise
    from safetybank import cacheversions
    from safetybank.models import OutboxMessage

    org = daily
    time_machine.move_to(at("2026-12-03T17:00:00+08:00"))  # the checks below are of this day, the last at 17:20

    def view():
        client.force_login(org.president)  # the clock moved on: a fresh session
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboards:dashboard"), {"month": "2026-12"})
        assert response.status_code == 200
        context = response.context
        stale = "正在更新" in response.content.decode()
        assert stale == context["stale"]
        return context["board"], context["points"], len(queries), stale

    def refreshes():
        return OutboxMessage.objects.filter(task="dashboards.refresh_dashboard").count()

    board, _points, first, stale = view()
    assert board.daily.covered_days == 0 and board.hazards.found == 0 and not stale
    again, _points, cached, stale = view()
    assert cached < first / 2 and again.levels == board.levels and not stale  # served from the cache
    _daily_check(org, "L4-OPEN", D(2026, 12, 3), "2026-12-03T08:10:00+08:00", time_machine)
    _daily_check(org, "L4-CLOSE", D(2026, 12, 3), "2026-12-03T17:20:00+08:00", time_machine)
    board, _points, _n, stale = view()
    assert board.daily.covered_days == 0 and stale and refreshes() == 1  # the last page, being updated
    board, points, _n, stale = view()
    assert board.daily.covered_days == 1 and points[-1].daily_rate > 0 and not stale
    hazard_raise(premises=org.outlet_a, description="门锁损坏", category="physical", found_by=org.officer)
    board, _points, _n, stale = view()
    assert board.hazards.found == 0 and stale and refreshes() == 1  # refreshed less than a minute ago: waits
    time_machine.shift(datetime.timedelta(seconds=cacheversions.REFRESH_EVERY + 1))
    board, _points, _n, stale = view()
    assert board.hazards.found == 0 and stale and refreshes() == 2
    board, points, _n, stale = view()
    assert board.hazards.found == 1 and points[-1].hazards_found == 1 and not stale
