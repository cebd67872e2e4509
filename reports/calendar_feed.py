"""A person's private calendar feed: their duty days, drills, study sessions and inspection deadlines.

The feed is read by calendar apps through a URL holding the person's ``core.models.CalendarToken``;
it is written by hand as iCalendar (RFC 5545): all-day events, text escaped, lines folded at 75
octets and ended with CRLF.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from branches.models import User
from core.models import CalendarToken
from drills.choices import DrillStatus
from drills.models import Drill, StudySession
from inspections.choices import AssignmentStatus
from inspections.models import Assignment
from responsibilities.models import DutyDay

DAYS_BACK = 30
DAYS_AHEAD = 180
OPEN_STATUSES = (AssignmentStatus.OPEN, AssignmentStatus.OVERDUE)


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    day: datetime.date
    summary: str
    url: str = ""


def user_for_token(token: str) -> User | None:
    """The person whose feed ``token`` opens, or None for an unknown or revoked token."""
    found = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return found.user if found else None


def token_for(*, user: User) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user).first()


def _url(obj) -> str:
    return settings.SITE_URL.rstrip("/") + obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""


def feed_events(*, user: User, today: datetime.date | None = None) -> list[FeedEvent]:
    """The person's own items from 30 days ago to 180 days ahead, texts in their language."""
    today = today or timezone.localdate()
    start, end = today - datetime.timedelta(days=DAYS_BACK), today + datetime.timedelta(days=DAYS_AHEAD)
    events: list[FeedEvent] = []
    with translation.override(user.language or settings.LANGUAGE_CODE):
        for duty in DutyDay.objects.filter(leader=user, date__range=(start, end)).select_related("unit"):
            events.append(
                FeedEvent(f"duty-{duty.pk}@safetybank", duty.date, _("On duty: %(unit)s") % {"unit": duty.unit})
            )
        mine = Q(participants__person=user) | Q(lead=user)
        if user.unit_id:
            mine |= Q(unit_id=user.unit_id)
        drill_ids = Drill.objects.filter(mine, planned_date__range=(start, end)).values("pk")
        for drill in Drill.objects.filter(pk__in=drill_ids).exclude(status=DrillStatus.CANCELLED):
            summary = _("Drill: %(scenario)s") % {"scenario": drill.scenario}
            events.append(FeedEvent(f"drill-{drill.pk}@safetybank", drill.planned_date, summary, _url(drill)))
        mine = Q(attendees=user) | Q(presenter=user)
        if user.unit_id:
            mine |= Q(unit_id=user.unit_id)
        study_ids = StudySession.objects.filter(mine, date__range=(start, end)).values("pk")
        for study in StudySession.objects.filter(pk__in=study_ids):
            summary = _("Safety study: %(topic)s") % {"topic": study.topic}
            events.append(FeedEvent(f"study-{study.pk}@safetybank", study.date, summary, _url(study)))
        assignments = Assignment.objects.filter(
            assignee=user, status__in=OPEN_STATUSES, period_end__range=(start, end)
        ).select_related("unit", "premises")
        for assignment in assignments:
            summary = _("Inspection due: %(what)s") % {"what": assignment}
            events.append(
                FeedEvent(f"assignment-{assignment.pk}@safetybank", assignment.period_end, summary, _url(assignment))
            )
        events.sort(key=lambda event: (event.day, event.uid))
    return events


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newline escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (continuations start with a space)."""
    parts: list[str] = []
    current, size, limit = [], 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space of a continuation line counts
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def render_ics(*, user: User, events: list[FeedEvent]) -> str:
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        name = _("SafetyBank: %(person)s") % {"person": user.get_full_name() or user.get_username()}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//SafetyBank//Calendar feed//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(event.summary)}",
        ]
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
