"""Reads of the shared mechanisms: escalation, the business calendar, notifications,
attachments and signatures. Features call these; they never query core's tables directly."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from branches.choices import DepartmentKind, Post, UnitKind
from branches.models import Premises, Unit, User
from branches.permissions import can
from core.attachment_owners import attachment_owner
from core.choices import CalendarDayKind
from core.models import Attachment, CalendarDay, GeneratedDocument, Notification, Signature

# --------------------------------------------------------------------------- escalation

SECURITY_POSTS = (Post.SECURITY_DEPARTMENT, Post.HEAD_OFFICE_SECURITY)


def superior_of(who: User | Unit | Premises) -> list[User]:
    """The people to escalate to: the security department of the unit, else of the parent unit, and so on up.

    For a person the walk starts at the unit they work for (a department acts for the
    unit it belongs to); a security department never escalates to itself, so its own
    staff get the security department one level up. Empty at the top of the tree.
    """
    skip_department_id = None
    if isinstance(who, User):
        if who.unit is None:
            return []
        unit = who.unit.scope_root
        if who.unit.is_department:
            skip_department_id = who.unit_id
    elif isinstance(who, Premises):
        unit = who.unit
    else:
        unit = who.scope_root

    ancestors = list(unit.ancestors())  # root first
    departments = Unit.objects.filter(
        parent__in=ancestors, kind=UnitKind.DEPARTMENT, department_kind=DepartmentKind.SECURITY
    ).exclude(pk=skip_department_id)
    staff_by_parent: dict[int, list[User]] = {}
    staff = (
        User.objects.filter(unit__in=departments, is_active=True, post__in=SECURITY_POSTS)
        .select_related("unit")
        .order_by("full_name", "username")
    )
    for person in staff:
        staff_by_parent.setdefault(person.unit.parent_id, []).append(person)
    for ancestor in reversed(ancestors):
        if staff_by_parent.get(ancestor.pk):
            return staff_by_parent[ancestor.pk]
    return []


def answered_by(user: User, *, path: str = "premises__unit__path") -> Q:
    """A filter of the rows (premises, through their unit's ``path`` field) for which ``user`` is among
    ``superior_of(premises)``: the same walk as ``superior_of``, for a whole queue at once, in one query
    (the units with a staffed security department). The nearest staffed unit above the premises must
    be the one whose security department ``user`` staffs: below it, not below a deeper staffed unit."""
    nothing = Q(pk__in=[])
    if not user.is_active or user.post not in SECURITY_POSTS or user.unit_id is None:
        return nothing
    staff = User.objects.filter(
        unit__kind=UnitKind.DEPARTMENT,
        unit__department_kind=DepartmentKind.SECURITY,
        unit__parent__isnull=False,
        is_active=True,
        post__in=SECURITY_POSTS,
    ).values_list("unit__parent__path", "pk")
    staffed: set[str] = set()
    mine = None  # the path of the unit whose security department ``user`` staffs
    for unit_path, pk in staff:
        staffed.add(unit_path)
        if pk == user.pk:
            mine = unit_path
    if mine is None:
        return nothing
    deeper = sorted(p for p in staffed if p.startswith(mine) and p != mine)
    outermost: list[str] = []  # a staffed unit below another deeper one adds nothing
    for unit_path in deeper:
        if not any(unit_path.startswith(outer) for outer in outermost):
            outermost.append(unit_path)
    condition = Q(**{f"{path}__startswith": mine})
    for unit_path in outermost:
        condition &= ~Q(**{f"{path}__startswith": unit_path})
    return condition


# --------------------------------------------------------------------------- business calendar


@dataclass(frozen=True)
class OpeningHours:
    """When a premises is open on one day; ``opens``/``closes`` are None when the premises has no set hours."""

    opens: datetime.datetime | None
    closes: datetime.datetime | None
    all_day: bool = False


def calendar_exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    """The stored holidays and make-up working days between two dates (inclusive), by date."""
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind"))


def _is_working_day(day: datetime.date, exceptions: dict[datetime.date, str]) -> bool:
    kind = exceptions.get(day)
    if kind == CalendarDayKind.HOLIDAY:
        return False
    if kind == CalendarDayKind.MAKEUP_WORKDAY:
        return True
    return day.weekday() < 5


class WorkingCalendar:
    """The bank's working days over a stretch of time, read from the calendar in one query.

    For features that walk many days at once (a month's inspection cycle, a duty roster):
    ``WorkingCalendar(start, end).is_working(day)`` answers like ``is_working_day`` without a
    query per day.
    """

    def __init__(self, start: datetime.date, end: datetime.date):
        self.start, self.end = start, end
        self.exceptions = calendar_exceptions(start, end)

    def is_working(self, day: datetime.date) -> bool:
        return _is_working_day(day, self.exceptions)

    def is_holiday(self, day: datetime.date) -> bool:
        return self.exceptions.get(day) == CalendarDayKind.HOLIDAY

    def days(self):
        day = self.start
        while day <= self.end:
            yield day
            day += datetime.timedelta(days=1)

    def non_working_days(self) -> list[datetime.date]:
        """Weekends and holidays, make-up working days excluded."""
        return [day for day in self.days() if not self.is_working(day)]

    def last_working_day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        """The last working day between two dates; ``end`` itself when there is none."""
        day = end
        while day >= start:
            if self.is_working(day):
                return day
            day -= datetime.timedelta(days=1)
        return end

    def holiday_starts(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """First days of the public-holiday blocks that begin between two dates."""
        return [
            day
            for day in sorted(d for d, kind in self.exceptions.items() if kind == CalendarDayKind.HOLIDAY)
            if start <= day <= end and not self.is_holiday(day - datetime.timedelta(days=1))
        ]


def is_working_day(day: datetime.date) -> bool:
    """The bank-wide answer: a weekday that is not a holiday, or a make-up working day."""
    return _is_working_day(day, calendar_exceptions(day, day))


def is_business_day(premises: Premises, day: datetime.date) -> bool:
    """Is ``premises`` open for business on ``day``?

    A 24-hour premises (self-service bank) is open every day; a premises no longer in
    use never is; every other premises follows the bank's working days.
    """
    if not premises.is_active:
        return False
    if premises.open_24h:
        return True
    return is_working_day(day)


def opening_hours(premises: Premises, day: datetime.date) -> OpeningHours | None:
    """When ``premises`` opens and closes on ``day`` (aware datetimes, local time); None when closed."""
    if not is_business_day(premises, day):
        return None
    if premises.open_24h:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return OpeningHours(opens=start, closes=start + datetime.timedelta(days=1), all_day=True)
    if premises.opens_at is None or premises.closes_at is None:
        return OpeningHours(opens=None, closes=None)
    return OpeningHours(
        opens=timezone.make_aware(datetime.datetime.combine(day, premises.opens_at)),
        closes=timezone.make_aware(datetime.datetime.combine(day, premises.closes_at)),
    )


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` bank working days after ``start`` (a deadline "within 5 working days")."""
    if days < 0:
        raise ValueError("days must not be negative")
    # n working days never span more than 2n + 30 calendar days (weekends plus the longest holiday).
    exceptions = calendar_exceptions(start, start + datetime.timedelta(days=days * 2 + 30))
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if _is_working_day(day, exceptions):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many bank working days lie after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    exceptions = calendar_exceptions(start, end)
    return sum(
        _is_working_day(start + datetime.timedelta(days=offset), exceptions)
        for offset in range(1, (end - start).days + 1)
    )


def calendar_years() -> list[int]:
    return sorted({day.year for day in CalendarDay.objects.dates("date", "year")})


def calendar_of_year(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(date__year=year).order_by("date")


# --------------------------------------------------------------------------- notifications


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --------------------------------------------------------------------------- attachments and signatures


def _owner_filter(obj: Model) -> dict:
    return {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}


def attachments_of(obj: Model) -> QuerySet[Attachment]:
    return Attachment.objects.filter(**_owner_filter(obj))


def attachment_for_user(pk: int, user: User) -> Attachment | None:
    """The attachment, if ``user`` may open the object it belongs to, asked of the selector and
    action that object's own detail view uses (``core.attachment_owners``); else None."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        return None
    owner = attachment_owner(attachment.content_type.model_class())
    if owner is None:
        return None  # an owner that did not say how it is opened is never served
    if owner.action and not can(user, owner.action):
        return None
    if not owner.opens(user=user).filter(pk=attachment.object_id).exists():
        return None
    return attachment


def signatures_of(obj: Model, kind: str | None = None) -> QuerySet[Signature]:
    qs = Signature.objects.filter(**_owner_filter(obj)).select_related("signer", "acting")
    return qs.filter(kind=kind) if kind else qs


def has_signed(obj: Model, *, signer: User, kind: str) -> bool:
    return signatures_of(obj, kind).filter(signer=signer).exists()


def signed_ids(objects, *, signer: User, kind: str) -> set[int]:
    """``has_signed`` for many objects of one model at once: the ids of those ``signer`` has signed (one query)."""
    objects = list(objects)
    if not objects:
        return set()
    content_type = ContentType.objects.get_for_model(objects[0])
    return set(
        Signature.objects.filter(
            content_type=content_type, object_id__in=[obj.pk for obj in objects], kind=kind, signer=signer
        ).values_list("object_id", flat=True)
    )


def documents_of(user: User) -> QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.filter(requested_by=user)
