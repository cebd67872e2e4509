"""Dashboards: every figure is the owning selector's answer and a hand count, scoped to the user's
subtree; the risk list; exports; head office's weights; a query budget independent of premises."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.models import RiskWeights
from inspections.choices import EscalationLevel, HazardStatus, Level
from inspections.cycles import cycle_open
from inspections.hazards.models import Hazard
from inspections.hazards.selectors import hazard_counts
from inspections.selectors import compliance_grid
from inspections.services import standard_content_install
from tests.factories import UserFactory, bank_tree

TODAY = datetime.datetime(2026, 12, 15, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
MONTH = datetime.date(2026, 12, 1)


def _at(day: int, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 9, 0, tzinfo=TODAY.tzinfo)


def _hazard(premises, by, *, found, deadline=None, status=HazardStatus.ASSIGNED, escalation=0, closed=None):
    return Hazard.objects.create(
        unit=premises.unit,
        premises=premises,
        description=f"隐患 {premises.code} {found:%m%d}",
        category="physical",
        grade="general",
        status=status,
        found_by=by,
        found_at=found,
        deadline=deadline,
        escalation_level=escalation,
        escalated_at=found if escalation else None,
        closed_at=closed,
    )


@pytest.fixture(autouse=True)
def _december():
    """Every test runs on 15 December 2026 (sessions too, so a login does not expire on the way)."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def seeded(org):
    """December 2026 in branch 1 and branch 2: a cycle of inspections and hand-placed hidden dangers.

    outlet A: two dangers past their 10 December deadline, one of them escalated; one closed on time.
    outlet A2: one open danger not yet due. outlet B (branch 2): one overdue danger.
    """
    with time_machine.travel(TODAY, tick=False):
        standard_content_install(head_office=org.head_office, valid_from=datetime.date(2026, 1, 1))
        cycle_open(month=MONTH)
        _hazard(org.outlet_a, org.security, found=_at(2), deadline=datetime.date(2026, 12, 10))
        _hazard(
            org.outlet_a,
            org.security,
            found=_at(3),
            deadline=datetime.date(2026, 12, 10),
            escalation=EscalationLevel.LEADERSHIP,
        )
        _hazard(
            org.outlet_a,
            org.security,
            found=_at(4),
            deadline=datetime.date(2026, 12, 8),
            status=HazardStatus.CLOSED,
            closed=_at(6),
        )
        _hazard(org.outlet_a2, org.security, found=_at(12), deadline=datetime.date(2026, 12, 30))
        _hazard(org.outlet_b, org.outsider, found=_at(5), deadline=datetime.date(2026, 12, 9))
    return org


def _board(client, user, unit=None, month="2026-12"):
    client.force_login(user)
    url = reverse("dashboards:unit", args=[unit.pk]) if unit else reverse("dashboards:dashboard")
    with time_machine.travel(TODAY, tick=False):
        response = client.get(url, {"month": month})
    assert response.status_code == 200
    return response


def test_hidden_danger_figures_equal_the_selector_and_a_hand_count(client, seeded):
    board = _board(client, seeded.president).context["board"]
    assert board.unit == seeded.branch1
    with time_machine.travel(TODAY, tick=False):
        expected = hazard_counts(
            user=seeded.president, start=MONTH, end=datetime.date(2026, 12, 31), unit=seeded.branch1
        )
    assert board.hazards == expected
    # By hand: four found in branch 1, one closed on time, three open, two overdue, one escalated.
    assert (board.hazards.found, board.hazards.rectified, board.hazards.rectified_on_time) == (4, 1, 1)
    assert (board.hazards.open, board.hazards.overdue, board.hazards.escalated) == (3, 2, 1)


def test_inspection_figures_equal_the_compliance_grid_totals(client, seeded):
    board = _board(client, seeded.president).context["board"]
    with time_machine.travel(TODAY, tick=False):
        grid = compliance_grid(user=seeded.president, month=MONTH)
    for level in Level.values:
        assert board.levels[level] == grid.totals[level], level
    assert board.levels_total.required > 0
    # By hand: weekly contracted checks of outlet A and A2 whose week ended before the 15th are missed.
    weekly = board.levels[Level.L3_SECURITY]
    assert weekly.missed + weekly.unassigned > 0 and weekly.on_time == 0


def test_president_counts_only_branch_1_and_head_office_counts_the_bank(client, seeded):
    president = _board(client, seeded.president).context["board"]
    bank = _board(client, seeded.headoffice).context["board"]
    assert bank.unit == seeded.head_office
    assert (president.hazards.open, bank.hazards.open) == (3, 4)
    assert {r.premises for r in president.risks} == {seeded.outlet_a, seeded.outlet_a2}
    assert seeded.outlet_b in {r.premises for r in bank.risks}
    client.force_login(seeded.president)
    assert client.get(reverse("dashboards:unit", args=[seeded.branch2.pk])).status_code == 404
    assert client.get(reverse("dashboards:premises", args=[seeded.outlet_b.pk])).status_code == 404


def test_risk_list_puts_outlet_a_first_with_its_components_and_weights(client, seeded):
    board = _board(client, seeded.president).context["board"]
    worst = board.risks[0]
    assert worst.premises == seeded.outlet_a
    assert (worst.overdue_dangers, worst.escalated_dangers, worst.no_recent_drill) == (2, 1, 1)
    w = RiskWeights.current()
    assert worst.score == (
        2 * w.overdue_danger
        + 1 * w.escalated_danger
        + worst.missed_checks * w.missed_check
        + worst.failed_tests * w.failed_test
        + worst.overdue_tests * w.overdue_test
        + 1 * w.no_recent_drill
    )
    assert board.risks[1].score <= worst.score


def test_drill_down_from_branch_to_sub_branch_to_premises(client, seeded):
    branch = _board(client, seeded.president).context["board"]
    row = next(r for r in branch.rows if r.unit == seeded.sub1)
    assert (row.hazards_found, row.hazards_open, row.hazards_overdue) == (4, 3, 2)
    sub = _board(client, seeded.president, unit=seeded.sub1)
    assert [r.premises for r in sub.context["board"].rows] == [seeded.outlet_a, seeded.outlet_a2]
    client.force_login(seeded.president)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("dashboards:premises", args=[seeded.outlet_a.pk]), {"month": "2026-12"})
    overdue = Hazard.objects.filter(premises=seeded.outlet_a, status=HazardStatus.ASSIGNED)
    for hazard in overdue:
        assert reverse("inspections:hazard_detail", args=[hazard.pk]) in page.content.decode()


def test_page_shows_charts_and_tables_in_chinese(client, seeded):
    html = _board(client, seeded.president).content.decode()
    assert "风险预警" in html and "隐患" in html
    assert html.count("<svg") >= 3
    assert '<script type="text/javascript">window.pygal' not in html


def test_bad_month_is_a_clear_message_not_an_error(client, seeded):
    response = _board(client, seeded.president, month="2026-13")
    assert response.context["board"].month == MONTH  # today's month, 2026-12
    messages = [str(m) for m in response.context["messages"]]
    assert messages and "2026-06" in messages[0]


@pytest.mark.parametrize("table", ["levels", "hazards", "units", "risk", "trend"])
def test_every_table_exports_to_csv_and_xlsx(client, seeded, table):
    client.force_login(seeded.president)
    url = reverse("dashboards:export", args=[seeded.branch1.pk, table, "csv"])
    with time_machine.travel(TODAY, tick=False):
        csv_response = client.get(url, {"month": "2026-12"})
        xlsx_response = client.get(url.replace(".csv", ".xlsx"), {"month": "2026-12"})
    assert csv_response.status_code == 200 and xlsx_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))
    rows = list(book.active.values)
    assert len(rows) > 1 and len(text.splitlines()) == len(rows)
    if table == "risk":
        assert rows[1][0] == str(seeded.outlet_a)


def test_unknown_export_table_is_not_found(client, seeded):
    client.force_login(seeded.president)
    assert client.get(reverse("dashboards:export", args=[seeded.branch1.pk, "salaries", "csv"])).status_code == 404
    assert client.get(reverse("dashboards:export", args=[seeded.branch1.pk, "risk", "pdf"])).status_code == 404


def test_head_office_changes_the_weights_with_a_reason_and_the_scores_follow(client, seeded):
    client.force_login(seeded.headoffice)
    url = reverse("dashboards:weights")
    values = {
        "overdue_danger": 10,
        "escalated_danger": 0,
        "missed_check": 0,
        "failed_test": 0,
        "overdue_test": 0,
        "no_recent_drill": 0,
        "drill_window_days": 90,
    }
    bad = client.post(url, {**values, "overdue_danger": 500, "reason": "调整"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert client.post(url, {**values, "reason": "只看逾期隐患"}).status_code == 302
    weights = RiskWeights.current()
    assert weights.overdue_danger == 10 and weights.updated_by == seeded.headoffice
    assert weights.history.first().history_change_reason == "只看逾期隐患"
    worst = _board(client, seeded.president).context["board"].risks[0]
    assert (worst.premises, worst.score) == (seeded.outlet_a, 20)


def _queries_with_premises(client, org, n):
    """The president's dashboard after adding ``n`` sub-branches of three premises each to branch 1 (a
    realistic tree: the count must not grow with the number of units either, not only of premises)."""
    with time_machine.travel(TODAY, tick=False):
        for premises in bank_tree(org.branch1, branches=n, sub_branches=1, premises=3, tag=f"Q{n}-"):
            _hazard(premises, org.security, found=_at(2), deadline=datetime.date(2026, 12, 10))
        client.force_login(org.president)
        client.get(reverse("dashboards:dashboard"))  # warm caches (content types, sessions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboards:dashboard"), {"month": "2026-12"})
        assert response.status_code == 200
        assert len(response.context["board"].risks) >= n
    return len(queries)


def test_query_count_does_not_grow_with_premises(client, seeded):
    few = _queries_with_premises(client, seeded, 4)
    many = _queries_with_premises(client, seeded, 12)
    print(f"dashboard queries: {few} with 4 more sub-branches, {many} with 16")
    assert few == many


def test_weights_default_before_head_office_saves_any(db):
    weights = RiskWeights.current()
    assert weights.pk == 1 and not RiskWeights.objects.exists()
    defaults = (weights.overdue_danger, weights.escalated_danger, weights.missed_check, weights.failed_test)
    assert defaults == (5, 8, 2, 4)
    assert (weights.overdue_test, weights.no_recent_drill, weights.drill_window_days) == (3, 3, 90)


def test_each_branch_row_of_the_head_office_breakdown_equals_that_branchs_own_figures(client, seeded):
    """The breakdown reads all branches at once; each row still says what the branch's own selectors say.
    A head-office drill held at outlets of both branches counts once for each, a signed letter in branch 1."""
    from drills import services as drill_services
    from drills.choices import DrillKind
    from drills.selectors import drill_counts
    from responsibilities import services as letter_services
    from responsibilities.models import Letter
    from responsibilities.selectors import letter_coverage, letter_coverage_by_unit

    bank_tree(seeded.head_office, branches=2, sub_branches=2, premises=1, tag="X")
    drill = drill_services.drill_plan(
        unit=seeded.head_office,
        premises=[seeded.outlet_a, seeded.outlet_b],
        kind=DrillKind.ON_SITE,
        scenario="持刀抢劫柜面",
        planned_date=datetime.date(2026, 12, 5),
        by=seeded.headoffice,
    )
    drill_services.drill_record(
        drill=drill,
        by=seeded.headoffice,
        held_at=_at(5),
        duration_minutes=30,
        score=90,
        evaluation="",
        expected=[],
        attended=[],
    )
    round = letter_services.round_request(unit=seeded.branch1, year=2026, by=seeded.security)
    letter_services.round_run(round_id=round.pk)
    letter = Letter.objects.current().get(year=2026, party_user=seeded.officer)
    letter_services.letter_sign(letter=letter, by=seeded.officer, typed_name=seeded.officer.full_name)

    board = _board(client, seeded.headoffice).context["board"]
    user, end = seeded.headoffice, datetime.date(2026, 12, 31)
    branch_rows = [r for r in board.rows if r.unit is not None]
    assert len(branch_rows) >= 4
    by_unit = {c.unit: c for c in letter_coverage_by_unit(user=user, parent=seeded.head_office, year=2026)}
    for row in branch_rows:
        hazards = hazard_counts(user=user, start=MONTH, end=end, unit=row.unit, today=TODAY.date())
        drills = drill_counts(user=user, unit=row.unit, start=MONTH, end=end, today=TODAY.date())
        letters = letter_coverage(user=user, unit=row.unit, year=2026, with_names=False)
        figures = (row.hazards_found, row.hazards_open, row.hazards_overdue, row.hazards_escalated)
        assert figures == (hazards.found, hazards.open, hazards.overdue, hazards.escalated), row.label
        assert (row.drills_done, row.letters_percent) == (drills.drills_done, letters.staff_percent), row.label
        grouped = by_unit[row.unit]
        assert (grouped.staff_total, grouped.staff_signed, grouped.departments_total) == (
            letters.staff_total,
            letters.staff_signed,
            letters.departments_total,
        ), row.label
        assert (grouped.departments_signed, grouped.premises_total, grouped.premises_signed) == (
            letters.departments_signed,
            letters.premises_total,
            letters.premises_signed,
        ), row.label
    row_of = {r.unit: r for r in branch_rows}
    assert (row_of[seeded.branch1].drills_done, row_of[seeded.branch2].drills_done) == (1, 1)
    assert row_of[seeded.branch1].hazards_open == 3 and row_of[seeded.branch2].hazards_overdue == 1
    assert 0 < row_of[seeded.branch1].letters_percent < 100


def test_the_trend_shows_each_months_hidden_dangers_as_the_selector_counts_them(client, seeded):
    """The 12-month trend reads all months in one query; each month still equals ``hazard_counts``."""
    _hazard(seeded.outlet_a, seeded.security, found=_at(20, 11), deadline=datetime.date(2026, 11, 25))
    closed = HazardStatus.CLOSED
    for premises, found, deadline, closed_at in (
        (seeded.outlet_a, _at(3, 11), 5, _at(9, 11)),
        (seeded.outlet_a2, _at(28, 10), 2, _at(1, 11)),
    ):
        _hazard(
            premises,
            seeded.security,
            found=found,
            deadline=datetime.date(2026, 11, deadline),
            status=closed,
            closed=closed_at,
        )
    client.force_login(seeded.president)
    with time_machine.travel(TODAY, tick=False):
        points = client.get(reverse("dashboards:dashboard"), {"month": "2026-12"}).context["points"]
        for point in points:
            end = datetime.date(point.month.year, point.month.month, 28) + datetime.timedelta(days=4)
            end -= datetime.timedelta(days=end.day)
            counts = hazard_counts(user=seeded.president, start=point.month, end=end, unit=seeded.branch1)
            shown = (point.hazards_found, point.hazards_rectified, point.hazards_open)
            assert shown == (counts.found, counts.rectified, counts.open), point.month
    by_month = {p.month: p for p in points}
    november, december = by_month[datetime.date(2026, 11, 1)], by_month[MONTH]
    # By hand: two found in November, two closed (one found in October), one still open at its end.
    assert (november.hazards_found, november.hazards_rectified, november.hazards_open) == (2, 2, 1)
    assert (december.hazards_found, december.hazards_rectified, december.hazards_open) == (4, 1, 4)


def test_the_page_shows_the_top_of_the_risk_list_and_the_export_every_premises(client, seeded, monkeypatch):
    """The cached page keeps only the rows it shows (unpickling every premises cost ~0.5 s at 3,000); the
    export still lists every premises in the scope, worst first."""
    from dashboards import selectors

    monkeypatch.setattr(selectors, "RISKS_SHOWN", 1)
    page = _board(client, seeded.president)
    assert [r.premises for r in page.context["risks"]] == [seeded.outlet_a]
    assert seeded.outlet_a2.name not in page.content.decode().split('id="risk"')[1].split("</section>")[0]
    url = reverse("dashboards:export", args=[seeded.branch1.pk, "risk", "csv"])
    with time_machine.travel(TODAY, tick=False):
        lines = client.get(url, {"month": "2026-12"}).content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 2 and str(seeded.outlet_a) in lines[1] and str(seeded.outlet_a2) in lines[2]


def test_the_page_body_rendered_once_is_served_in_each_readers_language(client, seeded):
    """The dashboard's body is cached as HTML per computation of the board: a colleague reading in English
    after head office read it in Chinese (the same scope, the same board) gets English, and back."""
    colleague = UserFactory(username="ho_en", unit=seeded.headoffice.unit, post=seeded.headoffice.post, language="en")
    url = reverse("dashboards:dashboard")
    client.force_login(seeded.headoffice)
    chinese = client.get(url).content.decode()
    client.force_login(colleague)
    english = client.get(url).content.decode()
    client.force_login(seeded.headoffice)
    again = client.get(url).content.decode()
    assert "安全仪表板" in chinese and "Safety dashboard" not in chinese
    assert "Safety dashboard" in english and "安全仪表板" not in english
    assert again.split('id="figures-as-of"')[1] == chinese.split('id="figures-as-of"')[1]
