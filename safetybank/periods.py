"""Calendar periods: months, quarters and years as (first day, last day). Domain-free.

Every app counts by these, so "May" means the same days on a dashboard, in a report and
in an inspection cycle. Days are plain ``datetime.date`` values (local dates).
"""

from __future__ import annotations

import calendar
import datetime


def month_start(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of ``day``'s month."""
    return month_start(day), month_end(day)


def add_months(day: datetime.date, n: int) -> datetime.date:
    """The first day of the month ``n`` months after ``day``'s (before it when ``n`` is negative)."""
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after ``day``'s."""
    return add_months(day, 1)


def previous_month(day: datetime.date) -> datetime.date:
    """The first day of the month before ``day``'s."""
    return add_months(day, -1)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of every month from ``start``'s to ``end``'s, both included; empty if end < start."""
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


def months_back(month: datetime.date, n: int) -> list[datetime.date]:
    """The ``n`` months ending with ``month``'s, oldest first."""
    return [add_months(month, -i) for i in range(n - 1, -1, -1)]


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of ``day``'s calendar quarter."""
    start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return start, month_end(start.replace(month=start.month + 2))


def year_bounds(year: int, *, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """(1 January, 31 December) of ``year``; with ``today``, ending there while the year runs
    (a year-to-date summary)."""
    end = datetime.date(year, 12, 31)
    if today is not None and today < end:
        end = today
    return datetime.date(year, 1, 1), end
