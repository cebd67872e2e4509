"""Query parameters: ``?year=``, ``?month=`` and ``?start=&end=``, read one way everywhere.

One behaviour for every page: a missing value means the default; a value that is not a
date, or lies outside the years the system keeps (2000 to 2100, or after ``latest``), is
reported to the user with one translated message and the default is used. Never a 500.
The ``parse_*`` functions raise that same message as a ``ValidationError`` for forms.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_year(raw: str) -> int:
    """``"2026"`` → 2026; anything else, or a year outside 2000–2100, is a ``ValidationError``."""
    try:
        year = int(str(raw).strip())
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a year from %(first)s to %(last)s, for example 2026.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )
    return year


def parse_month(raw: str, *, latest: datetime.date | None = None) -> datetime.date:
    """``"2026-06"`` → 2026-06-01; anything else, or a month outside 2000-01 to ``latest``'s month
    (2100-12 without one), is a ``ValidationError``."""
    last = datetime.date(LAST_YEAR, 12, 1) if latest is None else latest.replace(day=1)
    try:
        month = datetime.datetime.strptime(str(raw).strip(), "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not datetime.date(FIRST_YEAR, 1, 1) <= month <= last:
        raise ValidationError(
            _("Enter a month as YYYY-MM from %(first)s to %(last)s, for example 2026-06.")
            % {"first": f"{FIRST_YEAR}-01", "last": f"{last:%Y-%m}"},
            code="month",
        )
    return month


def parse_date_range(raw_start: str, raw_end: str) -> tuple[datetime.date, datetime.date]:
    """Two ISO dates (YYYY-MM-DD), the end not before the start, within 2000–2100."""
    try:
        start = datetime.date.fromisoformat(str(raw_start).strip())
        end = datetime.date.fromisoformat(str(raw_end).strip())
    except ValueError:
        start = end = None
    if start is None or end < start or start.year < FIRST_YEAR or end.year > LAST_YEAR:
        raise ValidationError(
            _("Enter the period as two dates (YYYY-MM-DD), the end not before the start."), code="date_range"
        )
    return start, end


def _report(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def year_param(request, name: str = "year", *, default: int | None = None) -> int:
    """The year asked for, else ``default`` (this year). A bad one is a message and the default."""
    default = default or timezone.localdate().year
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        return parse_year(raw)
    except ValidationError as exc:
        _report(request, exc)
        return default


def month_param(
    request, name: str = "month", *, default: datetime.date | None = None, latest: datetime.date | None = None
) -> datetime.date:
    """The first day of the month asked for, else ``default`` (this month). A bad one, or one after
    ``latest``, is a message and the default."""
    default = (default or timezone.localdate()).replace(day=1)
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        return parse_month(raw, latest=latest)
    except ValidationError as exc:
        _report(request, exc)
        return default


def date_range_param(
    request, *, default: tuple[datetime.date, datetime.date], names: tuple[str, str] = ("start", "end")
) -> tuple[datetime.date, datetime.date]:
    """``?start=&end=``, else ``default``. A bad or reversed period is a message and the default."""
    raw_start, raw_end = (request.GET.get(name, "") for name in names)
    if not raw_start and not raw_end:
        return default
    try:
        return parse_date_range(raw_start, raw_end)
    except ValidationError as exc:
        _report(request, exc)
        return default
