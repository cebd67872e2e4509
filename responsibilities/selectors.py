"""Scoped reads of the responsibilities app. Dashboards and reports call these, never the tables.

The one coverage figure: ``letter_coverage(user=..., unit=..., year=...)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from branches.choices import Post, PremisesKind, UnitKind
from branches.models import Premises, Unit, User
from branches.permissions import can
from branches.selectors import sum_by_subtree
from core.selectors import WorkingCalendar
from responsibilities.choices import SIGNED_STATUSES, LetterKind, LetterStatus
from responsibilities.models import (
    CommitteeMember,
    DutyDay,
    JointDefenceAgreement,
    Letter,
    LetterRound,
    PostDuty,
)

ROSTER_UNIT_KINDS = (UnitKind.HEAD_OFFICE, UnitKind.BRANCH, UnitKind.SUB_BRANCH)

# --------------------------------------------------------------------------- letters


def letters_for(*, user) -> QuerySet[Letter]:
    """The letters ``user`` may list and open (list, detail, PDF, scans): within scope, every letter for
    those who follow the coverage (security departments, presidents, leaders in charge, head office);
    for everyone else only their own — the ones they are the party to or sign."""
    letters = Letter.objects.for_user(user)
    if not can(user, "letter.coverage"):
        letters = letters.filter(Q(signatory_id=user.pk) | Q(party_user_id=user.pk))
    return letters.select_related("issuing_unit", "signatory", "unit", "premises")


def letters_to_sign(*, user) -> QuerySet[Letter]:
    """The letters waiting for ``user``'s own signature."""
    return letters_for(user=user).filter(signatory=user, status=LetterStatus.ISSUED)


def rounds_for(*, user) -> QuerySet[LetterRound]:
    return LetterRound.objects.for_user(user).select_related("issuing_unit", "requested_by")


def rounds_to_countersign(*, user) -> list[LetterRound]:
    """Rounds of the unit ``user`` heads (as president, or acting as one) with signed letters to countersign."""
    today = timezone.localdate()
    unit_ids = set()
    if user.post == Post.PRESIDENT and user.unit_id:
        unit_ids.add(user.unit_id)
    unit_ids.update(
        user.actings.filter(
            post=Post.PRESIDENT, unit__isnull=False, start_date__lte=today, end_date__gte=today
        ).values_list("unit_id", flat=True)
    )
    if not unit_ids:
        return []
    waiting = Letter.objects.filter(round=OuterRef("pk"), status=LetterStatus.SIGNED)
    return list(rounds_for(user=user).filter(issuing_unit_id__in=unit_ids).filter(Exists(waiting)))


@dataclass
class Coverage:
    """Who has signed a unit's letters of one year (counts over the unit's whole subtree).

    Staff count when they are active and hold a signed letter for the post they hold
    now; departments and outlets when their current letter is signed.
    """

    unit: Unit
    year: int
    staff_total: int = 0
    staff_signed: int = 0
    departments_total: int = 0
    departments_signed: int = 0
    premises_total: int = 0
    premises_signed: int = 0
    unsigned_staff: QuerySet[User] | list[User] = field(default_factory=list)

    @staticmethod
    def _percent(part: int, whole: int) -> int | None:
        return round(part * 100 / whole) if whole else None

    @property
    def staff_percent(self) -> int | None:
        return self._percent(self.staff_signed, self.staff_total)

    @property
    def departments_percent(self) -> int | None:
        return self._percent(self.departments_signed, self.departments_total)

    @property
    def premises_percent(self) -> int | None:
        return self._percent(self.premises_signed, self.premises_total)


def _signed(year: int, **party) -> Exists:
    return Exists(Letter.objects.filter(year=year, status__in=SIGNED_STATUSES, **party))


def _signed_staff(staff: QuerySet[User], year: int) -> QuerySet[Letter]:
    """The signed letters of ``staff`` for the post each holds now: counted from the letters' side (a semi-join),
    not with an EXISTS per member of staff, which PostgreSQL costs so high at a head office that it compiles it."""
    return Letter.objects.filter(
        year=year, status__in=SIGNED_STATUSES, party_user__in=staff.values("pk"), post=F("party_user__post")
    )


def letter_coverage(*, user, unit: Unit, year: int, with_names: bool = True) -> Coverage:
    """Per unit (its whole subtree) and year: the share of active staff in their current post,
    of departments and of outlets with a signed letter; and, with ``with_names``, who has not signed.

    Counts only what ``user`` may see, so an out-of-scope unit gives zeros.
    """
    members = User.objects.for_user(user).filter(is_active=True, is_superuser=False, unit__path__startswith=unit.path)
    staff = members.annotate(signed=_signed(year, party_user=OuterRef("pk"), post=OuterRef("post")))
    departments = (
        Unit.objects.for_user(user)
        .filter(path__startswith=unit.path, kind=UnitKind.DEPARTMENT)
        .annotate(signed=_signed(year, party_unit=OuterRef("pk"), kind=LetterKind.DEPARTMENT))
    )
    outlets = (
        Premises.objects.for_user(user)
        .filter(unit__path__startswith=unit.path, is_active=True, kind=PremisesKind.OUTLET)
        .annotate(signed=_signed(year, party_premises=OuterRef("pk")))
    )
    coverage = Coverage(unit=unit, year=year)
    signed = Count("pk", filter=Q(signed=True))
    for queryset, total, done in (
        (departments, "departments_total", "departments_signed"),
        (outlets, "premises_total", "premises_signed"),
    ):
        counts = queryset.aggregate(total=Count("pk"), done=signed)  # one query for both figures
        setattr(coverage, total, counts["total"])
        setattr(coverage, done, counts["done"])
    coverage.staff_total = members.count()
    coverage.staff_signed = _signed_staff(members, year).aggregate(n=Count("party_user", distinct=True))["n"]
    if with_names:
        # A queryset, so that a page of it is read (a head office has tens of thousands of staff).
        coverage.unsigned_staff = (
            staff.filter(signed=False).select_related("unit", "home_premises").order_by("unit__path", "full_name", "pk")
        )
    return coverage


def letter_coverage_by_unit(*, user, parent: Unit, year: int) -> list[Coverage]:
    """The coverage of each subordinate unit (not departments) of ``parent``, for a table: each child's
    subtree summed from three grouped counts, so a constant number of queries however many units."""
    children = list(
        Unit.objects.for_user(user).filter(parent=parent).exclude(kind=UnitKind.DEPARTMENT).order_by("path")
    )
    if not children:
        return []
    below = Q(path__startswith=parent.path) & ~Q(pk=parent.pk)
    paths = dict(Unit.objects.for_user(user).filter(below).values_list("pk", "path"))
    signed = Count("pk", filter=Q(signed=True))
    within = parent.path  # a join on the unit's path: cheaper than a list of a thousand unit ids
    staff = User.objects.for_user(user).filter(is_active=True, is_superuser=False, unit__path__startswith=within)
    signed_by_unit = dict(
        _signed_staff(staff, year)
        .values("party_user__unit_id")
        .annotate(n=Count("party_user", distinct=True))
        .values_list("party_user__unit_id", "n")
        .order_by()
    )
    staff = [
        {"unit_id": pk, "total": n, "done": signed_by_unit.get(pk, 0)}
        for pk, n in staff.values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n").order_by()
    ]
    departments = (
        Unit.objects.for_user(user)
        .filter(below, kind=UnitKind.DEPARTMENT)
        .annotate(signed=_signed(year, party_unit=OuterRef("pk"), kind=LetterKind.DEPARTMENT))
        .values_list("pk", "signed")
    )
    outlets = (
        Premises.objects.for_user(user)
        .filter(unit__path__startswith=within, is_active=True, kind=PremisesKind.OUTLET)
        .annotate(signed=_signed(year, party_premises=OuterRef("pk")))
        .values("unit_id")
        .annotate(total=Count("pk"), done=signed)
        .order_by()
    )
    departments = [{"unit_id": pk, "total": 1, "done": int(done)} for pk, done in departments]
    rows = [
        {"path": paths.get(row["unit_id"], ""), total: row["total"], done: row["done"]}
        for counts, total, done in (
            (staff, "staff_total", "staff_signed"),
            (departments, "departments_total", "departments_signed"),
            (outlets, "premises_total", "premises_signed"),
        )
        for row in counts
    ]
    sums = sum_by_subtree(children, rows)
    return [Coverage(unit=child, year=year, **sums[child.pk]) for child in children]


def unsigned_letters(*, user, unit: Unit, year: int) -> QuerySet[Letter]:
    """Current letters in ``unit``'s subtree still waiting for their signatory."""
    return letters_for(user=user).filter(year=year, status=LetterStatus.ISSUED, unit__path__startswith=unit.path)


# --------------------------------------------------------------------------- post duties and committee


def post_duties(*, user) -> QuerySet[PostDuty]:
    return PostDuty.objects.visible_to(user)


def duties_of_post(*, user, post: str) -> PostDuty | None:
    return post_duties(user=user).filter(post=post).first()


def committee_of(*, user, unit: Unit, on: datetime.date | None = None) -> QuerySet[CommitteeMember]:
    """The current seats of ``unit``'s safety production committee (director, deputy, members)."""
    return (
        CommitteeMember.objects.visible_to(user)
        .filter(unit=unit)
        .current(on)
        .select_related("user", "user__unit")
        .order_by("role", "start_date", "pk")
    )


# --------------------------------------------------------------------------- duty roster


@dataclass
class RosterDay:
    date: datetime.date
    holiday: bool
    duty: DutyDay | None
    warn: bool  # no leader and within the two-week warning window


def _non_working_days(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, bool]]:
    """Holidays and weekend days between two dates (make-up working days excluded), with "is a holiday"."""
    calendar = WorkingCalendar(start, end)
    return [(day, calendar.is_holiday(day)) for day in calendar.non_working_days()]


def roster_of(*, unit: Unit, start: datetime.date, end: datetime.date, warn_days: int = 14) -> list[RosterDay]:
    """Every holiday and weekend day of ``unit`` in the range, with its leader on duty or a gap."""
    duties = {d.date: d for d in DutyDay.objects.filter(unit=unit, date__range=(start, end)).select_related("leader")}
    limit = timezone.localdate() + datetime.timedelta(days=warn_days)
    return [
        RosterDay(date=day, holiday=holiday, duty=duties.get(day), warn=day not in duties and day <= limit)
        for day, holiday in _non_working_days(start, end)
    ]


def roster_gaps(*, unit: Unit, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Holidays and weekend days in the range without a leader on duty at ``unit``."""
    return [row.date for row in roster_of(unit=unit, start=start, end=end) if row.duty is None]


def roster_gaps_by_unit(*, units, start: datetime.date, end: datetime.date) -> dict[int, list[datetime.date]]:
    """``roster_gaps`` of several units at once ({unit id: gaps}): two queries, however many units."""
    units = list(units)
    days = [day for day, _holiday in _non_working_days(start, end)]
    covered = set(DutyDay.objects.filter(unit__in=units, date__range=(start, end)).values_list("unit_id", "date"))
    return {unit.pk: [day for day in days if (unit.pk, day) not in covered] for unit in units}


def roster_units(*, user) -> QuerySet[Unit]:
    """Units whose roster ``user`` sees: their own, those above and, for managers, those below."""
    return Unit.objects.visible_to(user).filter(kind__in=ROSTER_UNIT_KINDS).order_by("path")


def home_roster_unit(user) -> Unit | None:
    """The roster a person looks at first: the unit of their premises, or the unit they work for."""
    if user.home_premises_id:
        return user.home_premises.unit
    if user.unit_id:
        root = user.unit.scope_root
        return root if root.kind in ROSTER_UNIT_KINDS else None
    return None


@dataclass
class UnitRow:
    """One row of a roll-up by unit (committee, roster): a child unit, its whole subtree summed."""

    unit: Unit
    units: int = 0  # committee and roster units in its subtree, itself included
    covered: int = 0  # of those: with a committee seat / without a day lacking a leader
    count: int = 0  # seats / days without a leader, summed


def _rollup(*, user, parent: Unit, counts, covered) -> list[UnitRow]:
    """Rows for the children of ``parent`` (``roster_units``), each summing ``counts(ids) -> {unit id: n}``
    over its subtree; ``covered(n)`` says whether a unit counts as covered. Three queries, however many units."""
    units = roster_units(user=user)
    children = list(units.filter(parent=parent).order_by("kind", "code"))
    if not children:
        return []
    paths = dict(units.filter(path__startswith=parent.path).exclude(pk=parent.pk).values_list("pk", "path"))
    per_unit = counts(list(paths))
    rows = []
    for pk, path in paths.items():
        n = per_unit.get(pk, 0)
        rows.append({"path": path, "units": 1, "covered": int(covered(n)), "count": n})
    sums = sum_by_subtree(children, rows)
    return [UnitRow(unit=child, **sums[child.pk]) for child in children]


def committee_by_unit(*, user, parent: Unit) -> list[UnitRow]:
    """The units below ``parent``: how many of their units have a committee, and their current seats."""

    def seats(ids):
        rows = CommitteeMember.objects.visible_to(user).filter(unit_id__in=ids).current().values("unit_id")
        return {row["unit_id"]: row["n"] for row in rows.annotate(n=Count("pk")).order_by()}

    return _rollup(user=user, parent=parent, counts=seats, covered=bool)


def roster_by_unit(*, user, parent: Unit, days: int = 14) -> list[UnitRow]:
    """The units below ``parent``: holidays and weekend days of the next ``days`` days without a leader on
    duty (``count``), and how many of their units have none missing (``covered``)."""
    today = timezone.localdate()
    dates = [day for day, _holiday in _non_working_days(today, today + datetime.timedelta(days=days))]

    def gaps(ids):
        rows = DutyDay.objects.filter(unit_id__in=ids, date__in=dates).values("unit_id")
        covered = {row["unit_id"]: row["n"] for row in rows.annotate(n=Count("date", distinct=True)).order_by()}
        return {pk: len(dates) - covered.get(pk, 0) for pk in ids}

    return _rollup(user=user, parent=parent, counts=gaps, covered=lambda n: not n)


def unit_trail(*, user, unit: Unit) -> QuerySet[Unit]:
    """The committee and roster units above ``unit`` that ``user`` may open, top first (the breadcrumb)."""
    return roster_units(user=user).filter(pk__in=unit.ancestor_ids[:-1]).order_by("depth")


# --------------------------------------------------------------------------- joint defence


def agreements_for(*, user) -> QuerySet[JointDefenceAgreement]:
    return JointDefenceAgreement.objects.for_user(user).select_related("unit", "premises", "our_contact")


def agreements_expiring(*, user, within_days: int = 30) -> QuerySet[JointDefenceAgreement]:
    today = timezone.localdate()
    return agreements_for(user=user).filter(
        expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=within_days)
    )


def letters_of_person(*, user, person: User) -> QuerySet[Letter]:
    """A person's own letters (all years, superseded ones too), as far as ``user`` may see."""
    return letters_for(user=user).filter(Q(party_user=person) | Q(signatory=person)).order_by("-year", "-issued_at")
