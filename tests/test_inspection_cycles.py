"""Monthly cycles: the five levels become assignments, once, on the right days."""

import datetime

import pytest
from django.core.management import call_command

from branches.choices import Post, PremisesKind, UnitKind
from inspections.choices import AssignmentStatus, Level
from inspections.cycles import cycle_open, cycles_catch_up, default_month
from inspections.models import Assignment, FrequencyRule
from inspections.overdue import assignments_mark_overdue
from inspections.services import rule_change, standard_content_install
from tests.factories import PremisesFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def engine(org):
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    return org


def _count(**filters):
    return Assignment.objects.filter(**filters).count()


def test_opening_a_cycle_twice_creates_nothing_new(engine):
    _, created = cycle_open(month=D(2026, 12, 1))
    assert created > 0
    _, again = cycle_open(month=D(2026, 12, 1))
    assert again == 0
    assert _count(cycle__month=D(2026, 12, 1)) == created


def test_daily_checks_follow_business_days_and_holidays(engine):
    cycle_open(month=D(2026, 10, 1))
    opens = Assignment.objects.filter(rule__code="L4-OPEN", premises=engine.outlet_a).values_list(
        "period_start", flat=True
    )
    # National Day 1–7 October are holidays; Saturday 10 October is a make-up working day.
    assert D(2026, 10, 1) not in opens and D(2026, 10, 7) not in opens
    assert D(2026, 10, 10) in opens
    assert D(2026, 10, 11) not in opens  # an ordinary Sunday
    assert len(opens) == 22 - 5 + 1  # weekdays, less holidays on weekdays, plus the make-up Saturday


def test_self_service_bank_is_patrolled_every_day_three_times(engine):
    engine.outlet_a2.open_24h = True
    engine.outlet_a2.save()
    cycle_open(month=D(2026, 10, 1))
    patrols = Assignment.objects.filter(rule__code="L4-SSB", premises=engine.outlet_a2)
    assert patrols.count() == 31 * 3


def test_each_level_lands_on_the_right_person(engine):
    vice = UserFactory(username="vice", unit=engine.branch1, post=Post.LEADER_IN_CHARGE)
    cycle_open(month=D(2026, 12, 1))
    president = Assignment.objects.get(rule__code="L1-PRESIDENT", unit=engine.sub1)
    assert president.assignee == engine.president  # nearest president above the sub-branch
    assert Assignment.objects.get(rule__code="L2-LEADER", unit=engine.sub1).assignee == vice
    weekly = Assignment.objects.filter(rule__code="L3-CONTRACT", premises=engine.outlet_a)
    assert {a.assignee for a in weekly} == {engine.security}
    assert weekly.count() == 4  # Mondays 7, 14, 21, 28 December
    daily = Assignment.objects.filter(rule__code="L4-OPEN", premises=engine.outlet_a).first()
    assert daily.assignee == engine.officer
    comprehensive = Assignment.objects.get(rule__code="MC-MONTHLY", unit=engine.sub1)
    assert comprehensive.assignee == engine.security


def test_a_post_nobody_holds_gives_a_visible_unassigned_assignment(engine):
    cycle_open(month=D(2026, 12, 1))
    # Branch 2 has no president, leader in charge or security department.
    unassigned = Assignment.objects.filter(unit=engine.sub2, assignee__isnull=True)
    assert set(unassigned.values_list("level", flat=True)) >= {Level.L1_PRESIDENT, Level.L2_LEADER}
    lone = PremisesFactory(code="NOBODY", unit=engine.sub1, kind=PremisesKind.OUTLET)
    cycle_open(month=D(2027, 1, 1))
    assert _count(premises=lone, rule__code="L4-OPEN", assignee__isnull=True) > 0


def test_quarterly_review_only_in_the_first_month_of_a_quarter(engine):
    cycle_open(month=D(2026, 11, 1))
    cycle_open(month=D(2027, 1, 1))
    assert _count(rule__code="L5-REVIEW", cycle__month=D(2026, 11, 1)) == 0
    review = Assignment.objects.get(rule__code="L5-REVIEW", cycle__month=D(2027, 1, 1), unit=engine.sub1)
    assert review.period_end >= D(2027, 3, 1)


def test_summer_check_only_in_season(engine):
    cycle_open(month=D(2026, 5, 1))
    cycle_open(month=D(2026, 7, 1))
    assert _count(rule__code="SU-SUMMER", cycle__month=D(2026, 5, 1)) == 0
    assert _count(rule__code="SU-SUMMER", cycle__month=D(2026, 7, 1), premises=engine.outlet_a) == 1


def test_holiday_check_is_due_the_last_working_day_before_the_holiday(engine):
    cycle_open(month=D(2026, 9, 1))
    # Mid-Autumn starts Friday 25 September: due Thursday 24. National Day's check
    # (due Wednesday 30 September) falls in September too.
    dues = sorted(
        Assignment.objects.filter(rule__code="HO-HOLIDAY", premises=engine.outlet_a).values_list(
            "period_end", flat=True
        )
    )
    assert dues == [D(2026, 9, 24), D(2026, 9, 30)]
    checks = Assignment.objects.filter(rule__code="HO-HOLIDAY", premises=engine.outlet_a)
    assert {check.assignee for check in checks} == {engine.outlethead}


def test_a_rule_change_applies_from_the_next_cycle_only(engine):
    rule = FrequencyRule.objects.get(code="L3-CONTRACT")
    cycle_open(month=D(2026, 11, 1))
    successor = rule_change(rule=rule, changes={"count": 2}, by=engine.headoffice, today=D(2026, 11, 15))
    cycle_open(month=D(2026, 11, 1))
    cycle_open(month=D(2026, 12, 1))
    november = _count(rule__code="L3-CONTRACT", cycle__month=D(2026, 11, 1), premises=engine.outlet_a)
    december = _count(rule__code="L3-CONTRACT", cycle__month=D(2026, 12, 1), premises=engine.outlet_a)
    assert november == 5  # Mondays 2, 9, 16, 23, 30 November, once each
    assert december == 4 * 2
    assert successor.valid_from == D(2026, 12, 1)
    rule.refresh_from_db()
    assert rule.valid_until == D(2026, 11, 30)


@pytest.mark.parametrize(
    "moment,expected",
    [
        ("2026-11-30 23:30:00+08:00", D(2026, 12, 1)),  # still November in Shanghai (15:30 UTC)
        ("2026-12-01 00:30:00+08:00", D(2027, 1, 1)),  # already December in Shanghai, 30 Nov in UTC
    ],
)
def test_default_month_is_the_next_local_month(moment, expected, time_machine):
    time_machine.move_to(moment)
    assert default_month() == expected


def test_beat_job_catches_up_a_missed_month(engine, time_machine):
    time_machine.move_to("2026-12-01 00:30:00+08:00")
    cycles_catch_up()
    months = set(Assignment.objects.values_list("cycle__month", flat=True))
    assert months == {D(2026, 12, 1), D(2027, 1, 1)}


def test_command_opens_a_month_by_hand(engine, capsys):
    call_command("open_inspection_cycle", "2026-12")
    assert _count(cycle__month=D(2026, 12, 1)) > 0
    assert "2026-12" in capsys.readouterr().out


def test_command_refuses_a_malformed_month(engine):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("open_inspection_cycle", "December")


def test_overdue_assignments_are_told_once_in_one_digest_per_person(engine):
    """The nightly job marks what is past due in committed batches; each overdue assignment is told
    once, never again the nights after, and each person gets one message a day however many rows
    concern them: the assignee their own count, the security department above their area's."""
    from django.db.models import Count

    from core.models import Notification

    cycle_open(month=D(2026, 12, 1))
    due_1st = Assignment.objects.filter(period_end=D(2026, 12, 1))
    first_day = due_1st.get(rule__code="L4-OPEN", premises=engine.outlet_a)
    officers = due_1st.filter(assignee=engine.officer).count()
    assert officers > 1 and due_1st.count() > 2

    assert assignments_mark_overdue(today=D(2026, 12, 2), batch_size=2) == due_1st.count()  # several batches
    first_day.refresh_from_db()
    assert (first_day.status, first_day.notified_overdue_on) == (AssignmentStatus.OVERDUE, D(2026, 12, 2))
    digests = Notification.objects.filter(kind="inspection_overdue_digest")
    assert set(digests.values("user").annotate(n=Count("pk")).values_list("n", flat=True)) == {1}
    assert digests.get(user=engine.officer).message["params"]["mine"] == officers
    assert digests.get(user=engine.officer).url == "/inspections/?status=overdue"
    assert digests.get(user=engine.security).message["params"]["area"] > 0
    told = Notification.objects.count()

    assert assignments_mark_overdue(today=D(2026, 12, 2)) == 0  # a second run the same night: nothing
    assert Notification.objects.count() == told

    # The next night the same overdue rows are not told again: only the 2nd's, in one digest each.
    due_2nd = Assignment.objects.filter(period_end=D(2026, 12, 2), assignee=engine.officer).count()
    assert assignments_mark_overdue(today=D(2026, 12, 3)) > 0
    latest = digests.filter(user=engine.officer).order_by("-pk")
    assert latest.count() == 2 and latest[0].message["params"]["mine"] == due_2nd
    assert Assignment.objects.filter(notified_overdue_on=D(2026, 12, 2)).count() == due_1st.count()


def test_the_overdue_digest_links_to_the_persons_overdue_list(engine, client, time_machine):
    cycle_open(month=D(2026, 12, 1))
    time_machine.move_to("2026-12-02 09:00:00+08:00", tick=False)
    assignments_mark_overdue()
    client.force_login(engine.officer)
    page = client.get("/inspections/?status=overdue").content.decode()
    everything = client.get("/inspections/").content.decode()
    assert page.count('href="/inspections/assignments/') < everything.count('href="/inspections/assignments/')
    overdue = Assignment.objects.filter(assignee=engine.officer, status=AssignmentStatus.OVERDUE).count()
    assert page.count('href="/inspections/assignments/') == overdue > 0


def test_sub_branch_kinds_are_seeded(engine):
    assert engine.sub1.kind == UnitKind.SUB_BRANCH


def test_an_unattended_self_service_bank_is_patrolled_by_its_sub_branchs_officer(engine):
    cycle_open(month=D(2026, 12, 1))
    patrols = Assignment.objects.filter(rule__code="L4-SSB", premises=engine.outlet_a2)
    assert {p.assignee for p in patrols} == {engine.officer}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_opening_a_cycle_twice_at_once_creates_each_assignment_once(org):
    """Two beat workers racing on PostgreSQL: the unique constraint, not luck, keeps one of each."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need a real database server (CI runs PostgreSQL)")
    standard_content_install(head_office=org.head_office, valid_from=D(2026, 1, 1))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            cycle_open(month=D(2026, 12, 1))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    once = Assignment.objects.values("rule", "target_key", "period_start", "slot").distinct().count()
    assert Assignment.objects.count() == once > 0
