"""The counts selector dashboards and reports call, against a hand count of a seeded month."""

import datetime

import pytest
import time_machine

from inspections.choices import EscalationLevel, HazardCategory, HazardGrade, HazardStatus
from inspections.hazards.models import Hazard
from inspections.hazards.selectors import hazard_counts

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=TZ)


def make(org, premises, *, found, grade="general", category="technical", deadline=None, closed=None, level=0):
    return Hazard.objects.create(
        unit=premises.unit,
        premises=premises,
        description="监控探头角度偏移",
        category=category,
        grade=grade,
        status=HazardStatus.CLOSED if closed else HazardStatus.ASSIGNED,
        found_by=org.security,
        found_at=found,
        deadline=deadline,
        closed_at=closed,
        escalation_level=level,
        escalated_at=at(20) if level else None,
    )


@pytest.fixture
def march(org):
    """March 2026 at 城东分行 (outlet A) and one danger at the other branch (outlet B)."""
    make(org, org.outlet_a, found=at(2), deadline=datetime.date(2026, 3, 9), closed=at(6))  # on time
    make(org, org.outlet_a, found=at(3), deadline=datetime.date(2026, 3, 5), closed=at(10))  # late
    make(
        org,
        org.outlet_a,
        found=at(10),
        grade=HazardGrade.MAJOR,
        category=HazardCategory.FIRE,
        deadline=datetime.date(2026, 3, 15),
        level=EscalationLevel.SECURITY,
    )  # open, overdue, escalated
    make(org, org.outlet_a2, found=at(31, 23), deadline=datetime.date(2026, 4, 10))  # 23:00 local: still March
    make(org, org.outlet_a, found=datetime.datetime(2026, 2, 25, 9, tzinfo=TZ), closed=at(4))  # found Feb, closed March
    make(org, org.outlet_a, found=datetime.datetime(2026, 4, 1, 0, 30, tzinfo=TZ))  # April: not counted
    make(org, org.outlet_b, found=at(12), deadline=datetime.date(2026, 3, 13))  # other branch


@time_machine.travel(datetime.datetime(2026, 4, 20, 9, tzinfo=TZ), tick=False)
def test_counts_for_a_month_match_a_hand_count(org, march):
    counts = hazard_counts(user=org.security, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert (counts.found, counts.rectified, counts.rectified_on_time) == (4, 3, 2)
    assert counts.on_time_rate == pytest.approx(2 / 3)
    # at the end of March: the major one (overdue, escalated) and the one found on the 31st
    assert (counts.open, counts.overdue, counts.escalated) == (2, 1, 1)
    assert counts.by_grade["major"] == {
        "found": 1,
        "rectified": 0,
        "rectified_on_time": 0,
        "open": 1,
        "overdue": 1,
        "escalated": 1,
    }
    assert counts.by_category["technical"]["found"] == 3
    assert counts.by_category["civil"]["found"] == 0


@time_machine.travel(datetime.datetime(2026, 4, 20, 9, tzinfo=TZ), tick=False)
def test_counts_stay_in_scope_and_in_the_unit_asked_for(org, march):
    everything = hazard_counts(user=org.headoffice, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert everything.found == 5
    outsider = hazard_counts(user=org.outsider, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert (outsider.found, outsider.open, outsider.overdue) == (1, 1, 1)
    branch2 = hazard_counts(
        user=org.headoffice, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31), unit=org.branch2
    )
    assert branch2.found == 1
    assert hazard_counts(user=org.officer, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31)).found == 3


def test_no_rectified_danger_means_no_on_time_rate(org):
    counts = hazard_counts(user=org.security, start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert counts.rectified == 0 and counts.on_time_rate is None
