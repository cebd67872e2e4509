"""The business calendar: working days around holidays and 调休, opening hours, the head-office page."""

import datetime

import pytest
from django.urls import reverse

from branches.choices import PremisesKind
from core.choices import CalendarDayKind, Festival
from core.models import CalendarDay
from core.selectors import add_working_days, is_business_day, opening_hours, working_days_between
from tests.factories import PremisesFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def test_2026_is_seeded_from_the_state_council_notice():
    assert CalendarDay.objects.filter(date__year=2026, kind=CalendarDayKind.HOLIDAY).count() == 33
    makeup = CalendarDay.objects.filter(date__year=2026, kind=CalendarDayKind.MAKEUP_WORKDAY)
    assert sorted(day.date.isoformat() for day in makeup) == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert not CalendarDay.objects.filter(date__year=2027).exists()  # not published: not invented


def test_business_days_around_the_spring_festival_and_its_make_up_saturdays(org):
    outlet = org.outlet_a
    assert is_business_day(outlet, D(2026, 2, 13))  # Friday before
    assert is_business_day(outlet, D(2026, 2, 14))  # Saturday, worked (调休)
    assert not is_business_day(outlet, D(2026, 2, 15))  # Sunday, first day of the holiday
    assert not is_business_day(outlet, D(2026, 2, 16))  # Monday inside the holiday
    assert not is_business_day(outlet, D(2026, 2, 23))  # last day of the holiday
    assert is_business_day(outlet, D(2026, 2, 24))  # Tuesday after
    assert is_business_day(outlet, D(2026, 2, 28))  # Saturday, worked
    assert not is_business_day(outlet, D(2026, 3, 1))  # an ordinary Sunday
    assert not is_business_day(outlet, D(2026, 3, 7))  # an ordinary Saturday


def test_opening_hours_follow_the_premises_and_the_day(org):
    hours = opening_hours(org.outlet_a, D(2026, 2, 14))
    assert hours.opens.isoformat() == "2026-02-14T08:30:00+08:00"
    assert hours.closes.isoformat() == "2026-02-14T17:00:00+08:00"
    assert opening_hours(org.outlet_a, D(2026, 10, 1)) is None


def test_a_24_hour_self_service_bank_is_open_on_holidays_all_day(org):
    atm = PremisesFactory(code="ATM1", unit=org.sub1, kind=PremisesKind.SELF_SERVICE, open_24h=True)
    assert is_business_day(atm, D(2026, 10, 1))
    hours = opening_hours(atm, D(2026, 10, 1))
    assert hours.all_day and hours.closes - hours.opens == datetime.timedelta(days=1)


def test_a_premises_no_longer_in_use_has_no_business_days(org):
    org.outlet_a.is_active = False
    assert not is_business_day(org.outlet_a, D(2026, 3, 2))


def test_deadlines_in_working_days_skip_the_national_day_week():
    # Five working days after Tuesday 29 September: 30 Sep, then 8, 9, 10 (Sat, worked), 12 Oct.
    assert add_working_days(D(2026, 9, 29), 5) == D(2026, 10, 12)
    assert working_days_between(D(2026, 9, 29), D(2026, 10, 12)) == 5
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)


def test_head_office_adds_a_make_up_day_for_2027_and_its_reason_is_audited(org, login):
    client = login(org.headoffice)
    response = client.post(
        reverse("business_calendar"),
        {
            "date": "2027-01-02",
            "kind": CalendarDayKind.MAKEUP_WORKDAY,
            "festival": Festival.NEW_YEAR,
            "note": "测试",
            "reason": "国务院通知",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=D(2027, 1, 2))
    assert is_business_day(org.outlet_a, D(2027, 1, 2))
    record = day.history.get()
    assert (record.history_user, record.history_change_reason, record.ip_address) == (
        org.headoffice,
        "国务院通知",
        "10.1.2.3",
    )
    assert record.request_path == reverse("business_calendar")
    page = client.get(reverse("business_calendar") + "?year=2027").content.decode()
    assert "2027-01-02" in page and "调休上班日" in page


def test_a_make_up_working_day_on_a_weekday_is_refused_with_a_clear_message(org, login):
    response = login(org.headoffice).post(
        reverse("business_calendar"),
        {"date": "2027-01-05", "kind": CalendarDayKind.MAKEUP_WORKDAY, "festival": Festival.NEW_YEAR},
    )
    assert response.status_code == 400
    assert "调休上班日必须是星期六或星期日" in response.content.decode()
    duplicate = login(org.headoffice).post(
        reverse("business_calendar"),
        {"date": "2026-10-01", "kind": CalendarDayKind.HOLIDAY, "festival": Festival.NATIONAL_DAY},
    )
    assert "该日期已在日历中" in duplicate.content.decode()


def test_only_head_office_changes_the_calendar(org, login):
    for persona in (org.security, org.officer, org.president):
        client = login(persona)
        page = client.get(reverse("business_calendar") + "?year=2026")
        assert page.status_code == 200 and "春节" in page.content.decode()
        assert 'name="reason"' not in page.content.decode()
        refused = client.post(
            reverse("business_calendar"),
            {"date": "2027-01-02", "kind": CalendarDayKind.MAKEUP_WORKDAY, "festival": Festival.NEW_YEAR},
        )
        assert refused.status_code == 403
        day = CalendarDay.objects.get(date=D(2026, 10, 1))
        assert client.post(reverse("calendar_day_delete", args=[day.pk])).status_code == 403
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert CalendarDay.objects.filter(date=D(2026, 10, 1)).exists()


def test_a_nonsense_year_in_the_address_is_not_an_error(org, login):
    assert login(org.officer).get(reverse("business_calendar") + "?year=abc").status_code == 200
