"""Query parameters and calendar periods: one way to read ?year=, ?month= and ?start=&end= everywhere.

A bad or out-of-range value is one translated message and a sane default, never an error page.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safetybank.params import parse_date_range, parse_month, parse_year
from safetybank.periods import (
    add_months,
    month_bounds,
    month_end,
    months_back,
    months_between,
    next_month,
    previous_month,
    quarter_bounds,
    year_bounds,
)

D = datetime.date

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --------------------------------------------------------------------------- periods


def test_month_arithmetic_crosses_year_ends_and_february():
    assert month_bounds(D(2028, 2, 14)) == (D(2028, 2, 1), D(2028, 2, 29))
    assert month_end(D(2026, 12, 5)) == D(2026, 12, 31)
    assert next_month(D(2026, 12, 31)) == D(2027, 1, 1)
    assert previous_month(D(2026, 1, 31)) == D(2025, 12, 1)
    assert add_months(D(2026, 3, 31), -14) == D(2025, 1, 1)


def test_month_lists_run_oldest_first_and_include_both_ends():
    assert months_back(D(2026, 2, 10), 3) == [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert months_between(D(2025, 11, 20), D(2026, 1, 2)) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]
    assert months_between(D(2026, 2, 1), D(2026, 1, 31)) == []


def test_quarters_and_years_are_calendar_periods():
    assert quarter_bounds(D(2026, 5, 17)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert quarter_bounds(D(2026, 12, 1)) == (D(2026, 10, 1), D(2026, 12, 31))
    assert year_bounds(2026) == (D(2026, 1, 1), D(2026, 12, 31))


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("raw", ["abc", "1999", "2101", "", "20 26"])
def test_a_year_outside_2000_to_2100_is_refused_with_the_range(raw):
    with pytest.raises(ValidationError, match="2000.*2100"):
        parse_year(raw)


@pytest.mark.parametrize("raw", ["2026-13", "nonsense", "1999-12", "2026-6-1", "2101-01"])
def test_a_bad_month_is_refused_with_the_expected_format(raw):
    with pytest.raises(ValidationError, match="YYYY-MM"):
        parse_month(raw)


def test_a_month_after_the_latest_allowed_is_refused():
    assert parse_month("2026-06", latest=D(2026, 6, 3)) == D(2026, 6, 1)
    with pytest.raises(ValidationError, match="2026-06"):
        parse_month("2026-07", latest=D(2026, 6, 3))


@pytest.mark.parametrize(("start", "end"), [("2026-02-28", "2026-02-01"), ("2026-02-01", "later"), ("", "2026-02-01")])
def test_a_reversed_or_broken_period_is_refused(start, end):
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        parse_date_range(start, end)


# --------------------------------------------------------------------------- on the pages


def test_a_bad_year_on_the_calendar_is_a_message_and_this_year(org, login, time_machine):
    time_machine.move_to("2026-06-03 10:00:00+08:00")
    response = login(org.officer).get(reverse("business_calendar"), {"year": "3000"})
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert any("2000" in m and "2100" in m for m in _messages(response))


def test_a_bad_year_on_the_drill_list_is_the_same_message(org, login, time_machine):
    time_machine.move_to("2026-06-03 10:00:00+08:00")
    response = login(org.security).get(reverse("drills:drill_list"), {"year": "abc"})
    assert response.status_code == 200
    assert any("2000" in m and "2100" in m for m in _messages(response))


def test_a_future_month_on_the_report_list_is_a_message_and_last_month(org, login, time_machine):
    time_machine.move_to("2026-06-03 10:00:00+08:00")
    response = login(org.security).get(reverse("reports:report_list"), {"month": "2026-09"})
    assert response.status_code == 200
    assert response.context["month"] == D(2026, 5, 1)
    assert any("YYYY-MM" in m and "2026-06" in m for m in _messages(response))


def test_a_good_month_is_used_without_a_message(org, login, time_machine):
    time_machine.move_to("2026-06-03 10:00:00+08:00")
    response = login(org.security).get(reverse("reports:report_list"), {"month": "2026-03"})
    assert response.context["month"] == D(2026, 3, 1)
    assert not _messages(response)
